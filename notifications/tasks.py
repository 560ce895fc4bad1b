import smtplib

from celery import shared_task

from notifications.services import notification_deliver, outbox_sweep


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def deliver_notification(*, notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task
def sweep_outbox() -> int:
    return outbox_sweep()
