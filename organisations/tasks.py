import smtplib

from celery import shared_task

from organisations.services import invitation_mail_deliver, invitation_mail_operators_alert, invitation_mail_sweep


@shared_task
def deliver_invitation(*, invitation_id: int) -> bool:
    """Send one invitation's e-mail. A failed attempt is recorded on the row with the time of the next one, and
    the sweep hands it over again then (no Celery retries, whose jittered delays are all spent within minutes)."""
    return invitation_mail_deliver(invitation_id=invitation_id)


@shared_task
def sweep_invitation_mail() -> int:
    return invitation_mail_sweep()


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def alert_operators_about_invitations() -> int:
    return invitation_mail_operators_alert()
