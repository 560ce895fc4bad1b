import smtplib

from celery import shared_task

from notifications.services import digest_send, digests_due, notification_deliver, operators_alert, outbox_sweep


@shared_task
def deliver_notification(*, notification_id: int) -> bool:
    """Send one message. A failed attempt is recorded on its row with the time of the next one, and the outbox
    sweep hands it over again then: the retries outlast a mail server that is down overnight (no Celery retries,
    whose jittered delays are all spent within minutes)."""
    return notification_deliver(notification_id=notification_id)


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def alert_operators() -> int:
    return operators_alert()


@shared_task
def sweep_outbox() -> int:
    return outbox_sweep()


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=8)
def send_digest(*, recipient_id: int) -> int:
    return digest_send(recipient_id=recipient_id)


@shared_task
def send_daily_digests() -> int:
    recipients = digests_due()
    for recipient_id in recipients:
        send_digest.delay(recipient_id=recipient_id)
    return len(recipients)
