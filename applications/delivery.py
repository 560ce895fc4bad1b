"""Bekanntgabe (delivery) of letters to the organisation: the state changes, for every kind of letter.

A letter (`applications.models.DeliveredLetter`: the decision letter, and in `grants/` the letters after the decision)
is provided for retrieval when the organisation is told it is ready, delivered by the first retrieval of a person
authorised to receive it while the provision runs, or posted by the office once the provision has ended or when there
is no consent. The rules (dates, where a letter stands) are in `applications/delivery_rules.py`.

Every change is a conditional UPDATE, so a repeated task or two downloads at once change a letter once; the office's
messages are keyed, so each of them goes out once per letter.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.delivery_rules import (
    RETRIEVAL_PERIOD_DAYS,
    delivered_after_posting,
    delivered_after_retrieval,
    provision_cutoff,
)
from applications.errors import ApplicationError, NotAllowed
from applications.models import DecisionLetter, DeliveredLetter, EventKind
from applications.selectors import letter_posters, may_record_posting

# Reads --------------------------------------------------------------------------------------------------------------


def letters_to_post(model: type[DeliveredLetter] = DecisionLetter) -> QuerySet:
    """Letters of one kind the office must post: not delivered, not posted, and without consent or past the ten
    days."""
    path = model.application_path
    no_consent = Q(**{f"{path}__delivery_consent_at__isnull": True})
    return (
        model.objects.filter(model.ready, delivered_at__isnull=True, posted_on__isnull=True)
        .filter(Q(provision_ended_at__isnull=False) | no_consent)
        .select_related(f"{path}__organisation", f"{path}__call")
        .order_by("created")
    )


def letter_provisions_due(now: datetime | None = None, model: type[DeliveredLetter] = DecisionLetter) -> QuerySet:
    """Letters of one kind provided for retrieval whose ten days have passed without an authorised retrieval."""
    return model.objects.filter(
        provided_at__isnull=False,
        provided_at__lt=provision_cutoff(now or timezone.now()),
        retrieved_at__isnull=True,
        provision_ended_at__isnull=True,
        posted_on__isnull=True,
    )


# State changes ------------------------------------------------------------------------------------------------------


def _fresh(letter: DeliveredLetter, *, lock: bool = False) -> DeliveredLetter:
    manager = type(letter).objects.select_for_update() if lock else type(letter).objects
    return manager.select_related(letter.application_path).get(pk=letter.pk)


def _event(letter: DeliveredLetter, kind: str, by=None, note: str = "") -> None:
    from applications.services import event_record

    name = letter.delivery_name
    event_record(letter.application, kind, by, f"{name}: {note}" if name and note else name or note)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _tell_office_to_post(letter: DeliveredLetter) -> int:
    """The clerks and programme administrators of the programme: this letter must go by post. Each of them once."""
    from notifications.services import notify

    application = letter.application
    context = {
        "application_title": application.title,
        "reference": application.reference,
        "organisation": application.organisation.name,
        "not_retrieved": letter.provision_ended_at is not None,
        "letter_kind": getattr(letter, "kind", ""),  # a letter after the decision names its kind; "" the decision
    }
    link = reverse("workflow:application", args=[application.pk])
    written = 0
    for user in letter_posters(application.call.programme_id):
        key = f"{letter.message_key}-to-post:{letter.pk}:{user.pk}"
        written += notify(recipient=user, event="letter_to_post", context=context, link=link, key=key) is not None
    return written


@transaction.atomic
def letter_provide(*, letter: DeliveredLetter) -> bool:
    """The organisation is being told the letter is ready: with consent, the ten days start now (True); without,
    the letter is to be posted at once and the office is told (False). Call it where that notification is written,
    once the letter exists as a file; safe to repeat."""
    letter = _fresh(letter)
    if letter.application.delivery_consent_at is None:
        note = _("No consent to electronic delivery.")
        recorded = letter.application.events.filter(kind=letter.to_post_event)
        if not recorded.filter(note=f"{letter.delivery_name}: {note}" if letter.delivery_name else note).exists():
            _event(letter, letter.to_post_event, note=note)
        _tell_office_to_post(letter)
        return False
    type(letter).objects.filter(pk=letter.pk, provided_at__isnull=True).update(provided_at=timezone.now())
    return True


def letter_retrieval_record(*, letter: DeliveredLetter, by, now: datetime | None = None) -> bool:
    """A member of the organisation downloaded the letter. It is delivered (True) only by the first retrieval of a
    person authorised to receive letters, with consent, while the provision runs; anyone else's download, or one
    after the ten days or the posting, delivers nothing."""
    from organisations.selectors import may_receive_letters

    application = letter.application
    if application.delivery_consent_at is None or not may_receive_letters(by, application.organisation):
        return False
    now = now or timezone.now()
    delivered_on = delivered_after_retrieval(now)
    delivered = type(letter).objects.filter(
        pk=letter.pk, retrieved_at__isnull=True, provision_ended_at__isnull=True, posted_on__isnull=True
    )
    if not delivered.update(retrieved_at=now, retrieved_by=by, delivered_at=delivered_on):
        return False
    _event(letter, letter.delivered_event, by, _("Counts as delivered on %(date)s.") % {"date": _day(delivered_on)})
    return True


@transaction.atomic
def letter_download_record(*, letter: DecisionLetter, by) -> DecisionLetter:
    """Record a download of the decision letter by a member of the organisation: the first download by anyone, and
    whether it delivered the letter (`letter_retrieval_record`); any member may read."""
    from organisations.selectors import may_receive_letters

    now = timezone.now()
    letter = _fresh(letter)
    application = letter.application
    first = DecisionLetter.objects.filter(pk=letter.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=now, first_downloaded_by=by
    )
    if letter_retrieval_record(letter=letter, by=by, now=now):
        pass
    elif not may_receive_letters(by, application.organisation):
        if not application.events.filter(kind=EventKind.LETTER_READ_UNAUTHORISED, actor=by).exists():
            _event(letter, EventKind.LETTER_READ_UNAUTHORISED, by)
    elif first:
        _event(letter, EventKind.LETTER_DOWNLOADED, by)
    letter.refresh_from_db()
    return letter


@transaction.atomic
def letter_provision_end(*, letter: DeliveredLetter, now: datetime | None = None) -> bool:
    """End the provision of one letter whose ten days have passed (§ 41(2a) sentence 4 VwVfG): from now on a
    retrieval does not deliver it, it is to be posted, and the office is told. True when this call ended it."""
    now = now or timezone.now()
    ended = letter_provisions_due(now, type(letter)).filter(pk=letter.pk).update(provision_ended_at=now)
    if ended:
        letter = _fresh(letter)
        note = _("Not retrieved within %(days)s days of the notification.") % {"days": RETRIEVAL_PERIOD_DAYS}
        _event(letter, letter.to_post_event, note=note)
        _tell_office_to_post(letter)
    return bool(ended)


@transaction.atomic
def letter_posting_record(*, letter: DeliveredLetter, by, posted_on: date) -> DeliveredLetter:
    """Staff record that they posted the letter; it counts as delivered POSTAL_DELIVERY_DAYS later."""
    if not may_record_posting(by):
        raise NotAllowed(_("You may not record the posting of letters."))
    if posted_on > timezone.localdate():
        raise ApplicationError(_("The date of posting cannot be in the future."), field="posted_on")
    letter = _fresh(letter, lock=True)
    if not type(letter).objects.filter(type(letter).ready, pk=letter.pk).exists():
        raise ApplicationError(_("The letter is still being prepared; post it once it is ready."))
    if letter.retrieved_at is not None:
        raise ApplicationError(_("This letter has already been delivered by retrieval in the portal."))
    if letter.posted_on is not None:
        raise ApplicationError(_("The posting of this letter has already been recorded."))
    if posted_on < timezone.localdate(letter.created):
        raise ApplicationError(_("The letter cannot have been posted before it was issued."), field="posted_on")
    delivered_on = delivered_after_posting(posted_on)
    type(letter).objects.filter(pk=letter.pk).update(posted_on=posted_on, posted_by=by, delivered_at=delivered_on)
    _event(
        letter,
        letter.posted_event,
        by,
        _("Posted on %(posted)s; counts as delivered on %(date)s.")
        % {"posted": _day(posted_on), "date": _day(delivered_on)},
    )
    letter.refresh_from_db()
    return letter
