"""Jobs of the grant room: rendering the letters after the decision (and the sweep that brings back a lost
rendering message), reminders of proofs of use that are due, and telling the office when one is late."""

from datetime import date, timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applications.models import EventKind
from applications.selectors import staff_working_on
from applications.services import event_record
from grants.models import Grant, GrantStatus, ProofKind
from grants.proofs import interim_proofs_due, proof_due_on
from notifications.services import notify

REMIND_DAYS_BEFORE = (7, 2)
CLERK_PERMISSION = ("applications", "check_application")


def proofs_expected(grant: Grant) -> list[tuple[str, date]]:
    """Every proof of use the grant needs, as (kind, due date): the interim ones by year, then the final one."""
    return [(ProofKind.INTERIM, due) for due in interim_proofs_due(grant)] + [(ProofKind.FINAL, proof_due_on(grant))]


def _submitted(grant: Grant, kind: str, due: date) -> bool:
    proofs = grant.proofs.filter(kind=kind, submitted_at__isnull=False)
    return (proofs.filter(due_on=due) if kind == ProofKind.INTERIM else proofs).exists()


def _context(grant: Grant, kind: str, due: date) -> dict:
    application = grant.application
    return {
        "application_title": application.title,
        "reference": application.reference,
        "organisation": grant.organisation.name,
        "kind": str(kind),
        "due_on": due.isoformat(),
    }


def programme_clerks(programme_id: int):
    """The clerks (who check proofs of use) working on the programme."""
    app_label, codename = CLERK_PERMISSION
    clerks = get_user_model().objects.filter(
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
        is_active=True,
    )
    return staff_working_on(programme_id, clerks.distinct()).order_by("pk")


def _remind(grant: Grant, kind: str, due: date, days: int) -> int:
    link = reverse("portal:application_detail", args=[grant.application_id])
    sent = 0
    for membership in grant.organisation.memberships.select_related("user"):
        key = f"proof-reminder:{grant.pk}:{kind}:{due:%Y%m%d}:{days}:{membership.user_id}"
        notification = notify(
            recipient=membership.user, event="proof_reminder", context=_context(grant, kind, due), link=link, key=key
        )
        sent += notification is not None
    return sent


def _escalate(grant: Grant, kind: str, due: date) -> int:
    link = reverse("workflow:application", args=[grant.application_id])
    sent = 0
    for clerk in programme_clerks(grant.programme_id):
        key = f"proof-overdue:{grant.pk}:{kind}:{due:%Y%m%d}:{clerk.pk}"
        notification = notify(
            recipient=clerk, event="proof_overdue", context=_context(grant, kind, due), link=link, key=key
        )
        sent += notification is not None
    note = f"{kind} {due.isoformat()}"
    if not grant.application.events.filter(kind=EventKind.PROOF_OVERDUE, note=note).exists():
        event_record(grant.application, EventKind.PROOF_OVERDUE, None, note)
    return sent


def proof_reminders(today: date | None = None) -> int:
    """The organisation's members are reminded 7 and 2 days before a proof of use is due (each reminder once; a day
    missed is made up, only the latest reminder is sent); from the day after, the programme's clerks are told, once.
    Returns how many messages were written."""
    today = today or timezone.localdate()
    grants = (
        Grant.objects.filter(final_on__isnull=False)
        .exclude(status=GrantStatus.CLOSED)
        .select_related("application", "organisation")
    )
    sent = 0
    for grant in grants:
        for kind, due in proofs_expected(grant):
            days_left = (due - today).days
            if days_left > max(REMIND_DAYS_BEFORE) or due < grant.final_on or _submitted(grant, kind, due):
                continue
            if days_left < 0:
                sent += _escalate(grant, kind, due)
                continue
            for days in sorted(REMIND_DAYS_BEFORE):
                if days_left <= days:
                    sent += _remind(grant, kind, due, days)
                    break
    return sent


@shared_task
def remind_proofs_due() -> int:
    return proof_reminders()


# Retried like the decision letter: a database away for a while does not lose the letter; the sweep takes over after.
@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=2, retry_backoff_max=30, retry_jitter=False, max_retries=12
)
def render_grant_letter(*, letter_id: int) -> bool:
    """Render and store one letter; a letter already rendered (a redelivered message, the sweep) is left alone."""
    from grants.letters import grant_letter_render
    from grants.models import GrantLetter

    letter = GrantLetter.objects.filter(pk=letter_id, rendered_at__isnull=True).first()
    if letter is None:
        return False
    rendered = grant_letter_render(letter=letter)
    if rendered:
        from grants.letters import grant_letter_tell

        grant_letter_tell(letter=letter)
    return rendered


def unrendered_letters_sweep(*, grace: timedelta = timedelta(seconds=30)) -> int:
    """Enqueue again the letters still unrendered after `grace`, and tell the organisation of the letters rendered
    but never provided for retrieval (at most 500 of each a run)."""
    from grants.letters import grant_letter_tell, unprovided_grant_letters, unrendered_grant_letters

    count = 0
    for letter_id in unrendered_grant_letters(grace=grace).values_list("pk", flat=True)[:500]:
        render_grant_letter.delay(letter_id=letter_id)
        count += 1
    for letter in unprovided_grant_letters(grace=grace).select_related("grant__application")[:500]:
        grant_letter_tell(letter=letter)  # keyed messages: nobody is told twice
        count += 1
    return count


@shared_task
def sweep_unrendered_grant_letters() -> int:
    return unrendered_letters_sweep()
