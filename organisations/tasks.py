import smtplib

from celery import shared_task

from organisations.services import invitation_mail_deliver, invitation_mail_sweep


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def deliver_invitation(*, invitation_id: int) -> bool:
    return invitation_mail_deliver(invitation_id=invitation_id)


@shared_task
def sweep_invitation_mail() -> int:
    return invitation_mail_sweep()
