"""Tell people what happened: an outbox row now, delivery after the commit. Imports no domain app."""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications import mail
from notifications.events import EVENT_KINDS, LEGALLY_REQUIRED
from notifications.models import Frequency, Notification, NotificationPreference, NotificationStatus

logger = logging.getLogger(__name__)

STATUS_FOR_FREQUENCY = {
    Frequency.IMMEDIATE: NotificationStatus.PENDING,
    Frequency.DAILY: NotificationStatus.DIGEST,
    Frequency.OFF: NotificationStatus.IN_APP,
}
MESSAGE_ID_DOMAIN = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "teilhabe"


def notify(*, recipient, event: str, context: dict, link: str = "", key: str | None = None) -> Notification | None:
    """Write the notification in the caller's transaction and hand it to a worker once that commits.

    With a `key`, a message goes out only once: a second call with the same key writes nothing and returns None.
    """
    from notifications.tasks import deliver_notification

    fields = {
        "recipient": recipient,
        "event": event,
        "context": context,
        "link": link,
        "language": getattr(recipient, "language", "") or settings.LANGUAGE_CODE,
        "status": _initial_status(recipient, event),
    }
    if key is not None:
        notification, created = Notification.objects.get_or_create(key=key, defaults=fields)
        if not created:
            return None
    else:
        notification = Notification.objects.create(**fields)
    if notification.status != NotificationStatus.PENDING:
        return notification
    # robust: a broker that is down must not break the caller; the outbox sweep hands the row over later.
    transaction.on_commit(lambda: deliver_notification.delay(notification_id=notification.pk), robust=True)
    return notification


def notification_frequency(recipient, event: str) -> str:
    """How the recipient gets this kind of message: legally required kinds at once; otherwise their choice for
    the kind, or else their general setting."""
    if event in LEGALLY_REQUIRED:
        return Frequency.IMMEDIATE
    chosen = None
    if recipient.pk is not None:
        chosen = NotificationPreference.objects.filter(user=recipient, event=event).values_list("frequency", flat=True)
        chosen = chosen.first()
    return chosen or getattr(recipient, "notification_frequency", None) or Frequency.IMMEDIATE


def _initial_status(recipient, event: str) -> str:
    # An unknown frequency (a value from an older version) errs on the side of sending.
    return STATUS_FOR_FREQUENCY.get(notification_frequency(recipient, event), NotificationStatus.PENDING)


def digest_send(*, recipient_id: int) -> int:
    """One e-mail with every message waiting for the recipient's daily summary; returns how many it held."""
    rows = list(
        Notification.objects.filter(recipient_id=recipient_id, status=NotificationStatus.DIGEST)
        .select_related("recipient")
        .order_by("created")
    )
    if not rows:
        return 0
    claimed = Notification.objects.filter(pk__in=[r.pk for r in rows], status=NotificationStatus.DIGEST).update(
        status=NotificationStatus.SENDING, claimed_at=timezone.now()
    )
    if claimed != len(rows):  # another worker is sending this summary
        return 0
    recipient = rows[0].recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        items = [{"subject": notification_subject(r), "link": _absolute(r.link)} for r in rows]
        context = {"items": items, "recipient": recipient}
        subject = " ".join(render_to_string("email/digest_subject.txt", context).split())
        text = render_to_string("email/digest.txt", context)
    mail.send(
        EmailMultiAlternatives(subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[recipient.email])
    )
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=NotificationStatus.SENT, sent_at=timezone.now()
    )
    return len(rows)


def digests_due() -> list[int]:
    return list(
        Notification.objects.filter(status=NotificationStatus.DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


@contextmanager
def _delivery_status_change():
    """A transaction for a delivery status change that does not wait for the disk (PostgreSQL's asynchronous
    commit): it saves a disk flush per change, two per message.

    Safe because the outbox row itself was written durably with its event. A status change lost in a database
    crash can only make a message go out again (the sweep finds its row pending or stale), with the same
    Message-ID so mail programs show it once; it can never lose one. Inside a caller's transaction nothing
    changes, so the caller's own commit stays synchronous.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _due(now) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def notification_claim(*, notification_id: int) -> Notification | None:
    """Claim a pending row that is due with a conditional UPDATE, so a repeated task sends nothing twice and a
    message delivered early (a redelivered retry) does not shorten the backoff."""
    now = timezone.now()
    with _delivery_status_change():
        claimed = Notification.objects.filter(_due(now), pk=notification_id, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING, claimed_at=now
        )
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def notification_render(notification: Notification) -> EmailMultiAlternatives:
    context = {**notification.context, "link": _absolute(notification.link), "recipient": notification.recipient}
    with translation.override(notification.language):
        subject = render_to_string(f"email/{notification.event}_subject.txt", context).strip()
        text = render_to_string(f"email/{notification.event}.txt", context)
        html = render_to_string(f"email/{notification.event}.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[notification.recipient.email],
        # One Message-ID per notification: if a worker dies after the server accepted the mail but before the
        # row was marked sent, the repeat carries the same ID, and mail programs show it once.
        headers={"Message-ID": f"<notification-{notification.pk}@{MESSAGE_ID_DOMAIN}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def retry_delay(attempts: int) -> timedelta:
    """Capped exponential backoff: 1, 2, 4, … minutes after the 1st, 2nd, 3rd failed attempt, at most an hour
    (NOTIFICATION_RETRY_FIRST_SECONDS, NOTIFICATION_RETRY_MAX_SECONDS). No jitter: the sweep spreads the load."""
    first, cap = settings.NOTIFICATION_RETRY_FIRST_SECONDS, settings.NOTIFICATION_RETRY_MAX_SECONDS
    return timedelta(seconds=min(cap, first * 2 ** min(max(attempts - 1, 0), 30)))


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification by e-mail; True when this call sent it.

    When the mail server refuses or cannot be reached, the row goes back to pending with the time of its next
    attempt, which the outbox sweep keeps; it fails only after the whole retry window
    (NOTIFICATION_RETRY_WINDOW_HOURS after the first failure). The in-app message is shown whatever happens.
    """
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return False
    try:
        mail.send(notification_render(notification))
    except Exception as error:
        _record_failed_attempt(notification, error)
        return False
    with _delivery_status_change():
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT, sent_at=timezone.now(), attempts=notification.attempts + 1
        )
    return True


def _record_failed_attempt(notification: Notification, error: Exception) -> None:
    now = timezone.now()
    attempts = notification.attempts + 1
    retry_until = notification.retry_until or now + timedelta(hours=settings.NOTIFICATION_RETRY_WINDOW_HOURS)
    next_attempt_at = now + retry_delay(attempts)
    failed = next_attempt_at > retry_until
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
        attempts=attempts,
        retry_until=retry_until,
        next_attempt_at=None if failed else next_attempt_at,
    )
    log = logger.error if failed else logger.warning
    log(
        "Notification %s: attempt %s failed (%s: %s); %s",
        notification.pk,
        attempts,
        type(error).__name__,
        error,
        "no more attempts, the operators are told"
        if failed
        else f"next attempt at {next_attempt_at:%Y-%m-%d %H:%M:%S}",
    )


def notifications_resend(*, ids) -> int:
    """Give failed messages a new retry window and hand them to the workers again (an administrator's action)."""
    from notifications.tasks import deliver_notification

    rows = Notification.objects.filter(pk__in=list(ids), status=NotificationStatus.FAILED)
    resent = list(rows.values_list("pk", flat=True))
    rows.update(status=NotificationStatus.PENDING, next_attempt_at=None, retry_until=None, alerted_at=None)
    for pk in resent:
        transaction.on_commit(lambda pk=pk: deliver_notification.delay(notification_id=pk))
    return len(resent)


def operators_alert() -> int:
    """Tell the operators (OPERATOR_EMAILS) once about messages that failed for good; returns how many."""
    rows = Notification.objects.filter(status=NotificationStatus.FAILED, alerted_at__isnull=True)
    failed = list(rows.select_related("recipient").order_by("created")[:200])
    if not failed or not settings.OPERATOR_EMAILS:
        return 0
    lines = [
        f"- #{n.pk} {n.event} → {n.recipient.email}, {n.attempts} attempts since {n.created:%Y-%m-%d %H:%M}"
        for n in failed
    ]
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{len(failed)} e-mails could not be delivered",
        body=(
            "These messages could not be delivered within the retry window. The recipients still see them in the "
            "portal. Resend them in the administration (Notifications, status 'failed') once the mail server "
            "works:\n\n"
            + "\n".join(lines)
            + f"\n\n{_absolute('/admin/notifications/notification/?status__exact=failed')}\n"
        ),
        to=settings.OPERATOR_EMAILS,
    )
    mail.send(message)
    Notification.objects.filter(pk__in=[n.pk for n in failed]).update(alerted_at=timezone.now())
    return len(failed)


def _absolute(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return settings.SITE_URL + link


def outbox_sweep(*, grace: timedelta = timedelta(seconds=30), stale: timedelta = timedelta(seconds=45)) -> int:
    """Hand pending rows to the workers again: their message may have been lost with a broker restart, or a
    worker died after claiming them. Returns how many rows were re-dispatched.

    A row claimed longer ago than `stale` goes back to pending: the worker that claimed it is gone. This
    prefers a rare second e-mail to a lost one.
    """
    from notifications.tasks import deliver_notification

    now = timezone.now()
    return redispatch(
        Notification.objects.all(),
        status="status",
        claimed_at="claimed_at",
        pending=NotificationStatus.PENDING,
        sending=NotificationStatus.SENDING,
        send=lambda pk: deliver_notification.delay(notification_id=pk),
        grace=grace,
        stale=stale,
        # A row that failed before waits for its next attempt; one never tried waits for the grace period.
        due=Q(next_attempt_at__isnull=True, created__lt=now - grace) | Q(next_attempt_at__lte=now),
    )


def redispatch(
    rows, *, status: str, claimed_at: str, pending, sending, send, grace: timedelta, stale: timedelta, due=None
) -> int:
    """The sweep of an outbox table: rows claimed longer ago than `stale` go back to pending (the worker that
    claimed them is gone), and rows pending for longer than `grace` are handed to `send(pk)` again, the oldest
    first, at most 1,000 a run. Returns how many were handed over."""
    now = timezone.now()
    rows.filter(**{status: sending, f"{claimed_at}__lt": now - stale}).update(**{status: pending})
    ids = list(
        rows.filter(due if due is not None else Q(created__lt=now - grace), **{status: pending})
        .order_by("created")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        send(pk)
    return len(ids)


def notification_subject(notification: Notification) -> str:
    context = {**notification.context, "link": notification.link, "recipient": notification.recipient}
    with translation.override(notification.language):
        return " ".join(render_to_string(f"email/{notification.event}_subject.txt", context).split())


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


class LegallyRequired(ValueError):
    """Raised for an attempt to change how a message with legal effect is sent: it always goes out at once."""


@transaction.atomic
def notification_preferences_set(*, user, frequency: str, per_event: dict[str, str | None] | None = None) -> None:
    """Save the general setting and the choices per kind of message (None: follow the general setting).

    Messages still waiting for the daily summary follow the new choice: sent now, kept for the summary, or left
    in the portal only.
    """
    per_event = per_event or {}
    if refused := sorted(set(per_event) & LEGALLY_REQUIRED):
        raise LegallyRequired(f"Always sent at once, not a choice: {', '.join(refused)}")
    if unknown := sorted(set(per_event) - set(EVENT_KINDS)):
        raise ValueError(f"Unknown kinds of message: {', '.join(unknown)}")
    if frequency not in Frequency.values or any(f not in Frequency.values for f in per_event.values() if f):
        raise ValueError("Unknown frequency.")
    user.notification_frequency = frequency
    user.save(update_fields=["notification_frequency"])
    for event, chosen in per_event.items():
        if chosen:
            NotificationPreference.objects.update_or_create(user=user, event=event, defaults={"frequency": chosen})
        else:
            NotificationPreference.objects.filter(user=user, event=event).delete()
    _refile_waiting_for_summary(user)


def _refile_waiting_for_summary(user) -> None:
    from notifications.tasks import deliver_notification

    waiting = Notification.objects.filter(recipient=user, status=NotificationStatus.DIGEST)
    for event in set(waiting.values_list("event", flat=True)):
        status = _initial_status(user, event)
        if status == NotificationStatus.DIGEST:
            continue
        rows = waiting.filter(event=event)
        ids = list(rows.values_list("pk", flat=True))
        rows.update(status=status)
        if status == NotificationStatus.PENDING:
            for notification_id in ids:
                transaction.on_commit(
                    lambda pk=notification_id: deliver_notification.delay(notification_id=pk), robust=True
                )


def notification_preferences_of(user) -> dict[str, str]:
    """The kinds of message this user chose for, and their choice."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("event", "frequency"))
