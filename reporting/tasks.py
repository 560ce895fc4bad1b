from celery import shared_task


@shared_task
def refresh_dashboards() -> int:
    """Keep the figures of recently viewed dashboards fresh, so the page never waits for them."""
    from reporting.metrics import refresh_recent

    return refresh_recent()
