from celery import shared_task


@shared_task
def refresh_dashboards() -> int:
    """Keep the figures of recently viewed dashboards fresh, so the page never waits for them."""
    from django.core.cache import cache

    from reporting.metrics import refresh_recent

    if not cache.add("reporting:refreshing", True, 120):  # one refresh at a time, also after a backlog
        return 0
    try:
        return refresh_recent()
    finally:
        cache.delete("reporting:refreshing")
