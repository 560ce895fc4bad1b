"""The kinds of message the portal sends, as people choose how to receive them.

Each kind has an e-mail template `email/<name>*.html|txt` and a label for the preferences page. A kind with a
`legal_reason` has legal effect or sets a deadline: it is always sent at once, and its reason is shown instead of
a choice.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ORGANISATION = "organisation"
STAFF = "staff"


@dataclass(frozen=True)
class EventKind:
    name: str
    label: Promise
    audience: str  # ORGANISATION: members of an applying organisation; STAFF: the office's staff
    legal_reason: Promise | None = None

    @property
    def legally_required(self) -> bool:
        return self.legal_reason is not None


EVENT_KINDS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        EventKind("application_submitted", _("Receipt of your application"), ORGANISATION),
        EventKind(
            "items_requested",
            _("The office asks for missing items"),
            ORGANISATION,
            _("It sets a deadline for your answer."),
        ),
        EventKind(
            "items_reminder",
            _("Reminder of a deadline for missing items"),
            ORGANISATION,
            _("It reminds you of a deadline that is about to pass."),
        ),
        EventKind(
            "early_start_decided",
            _("Decision on an early start"),
            ORGANISATION,
            _("It has legal effect: it says whether you may start your project before the decision."),
        ),
        EventKind(
            "decision_available",
            _("Your decision letter is ready"),
            ORGANISATION,
            _("It has legal effect: the period for an appeal starts when you receive the decision."),
        ),
        EventKind(
            "application_cancelled",
            _("The procedure for an application has ended"),
            ORGANISATION,
            _("It has legal effect: it ends the procedure for the application."),
        ),
        EventKind("grant_final", _("Your decision is final: money can be requested"), ORGANISATION),
        EventKind("payment_released", _("A payment was released"), ORGANISATION),
        EventKind(
            "payment_refused",
            _("A payment request was refused"),
            ORGANISATION,
            _("It has legal effect: it refuses money you asked for, and says why."),
        ),
        EventKind(
            "proof_items_requested",
            _("The office asks for missing items of the proof of use"),
            ORGANISATION,
            _("It tells you what is missing from your proof of use."),
        ),
        EventKind("interim_proof_reviewed", _("The office reviewed your interim proof of use"), ORGANISATION),
        EventKind(
            "proof_reminder",
            _("Reminder: a proof of use is due soon"),
            ORGANISATION,
            _("It reminds you of a deadline that is about to pass."),
        ),
        EventKind(
            "grant_letter_available",
            _("A letter about your grant is ready"),
            ORGANISATION,
            _("It may have legal effect or set a deadline: a decision on your grant, or a hearing before one."),
        ),
        EventKind("change_noted", _("The office noted a change you reported"), ORGANISATION),
        EventKind(
            "change_decided",
            _("The office decided on a change you reported"),
            ORGANISATION,
            _("It has legal effect: it says whether your grant is amended."),
        ),
        EventKind("member_joined", _("Someone accepted an invitation to your organisation"), ORGANISATION),
        EventKind("review_assigned", _("A review is assigned to you"), STAFF),
        EventKind("application_withdrawn", _("An organisation withdrew its application"), STAFF),
        EventKind("task_reminder", _("A task you hold or may take is waiting"), STAFF),
        EventKind("task_overdue", _("A staff task has been waiting too long"), STAFF),
        EventKind(
            "letter_to_post",
            _("A letter must be sent by post"),
            STAFF,
            _("It has legal effect: the letter is not delivered until it is posted."),
        ),
        EventKind("proof_overdue", _("A proof of use has not arrived in time"), STAFF),
        EventKind("accessibility_feedback", _("Report of a barrier on the portal"), STAFF),
    )
}

LEGALLY_REQUIRED = frozenset(name for name, kind in EVENT_KINDS.items() if kind.legally_required)


def is_staff_member(user) -> bool:
    """Staff roles are groups of permissions; members of organisations hold none."""
    return bool(user.is_superuser or user.groups.exists() or user.user_permissions.exists())


def event_kinds_for(user) -> list[EventKind]:
    """The kinds this user can receive: everyone those for organisations, staff also their own."""
    staff = is_staff_member(user)
    return [kind for kind in EVENT_KINDS.values() if kind.audience == ORGANISATION or staff]
