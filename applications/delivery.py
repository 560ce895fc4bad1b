"""Bekanntgabe (delivery) of decision letters: by retrieval in the portal or by post.

§ 41(2a) VwVfG: with the participant's consent (Einwilligung) a letter may be delivered by retrieval over public
networks, after authentication of a person entitled to receive it. It counts as delivered on the day after the
retrieval. If it is not retrieved within ten days after the notification about its provision was sent, the
provision ends and the letter has not been delivered; it may then be delivered another way.
§ 41(2) VwVfG (as amended from 1 January 2025): a letter posted within Germany counts as delivered on the fourth
day after posting (`settings.POSTAL_DELIVERY_DAYS`).

The rules come first (plain functions of dates), then the state changes. Every change is a conditional UPDATE, so a
repeated task or two downloads at once change a letter once. This module grows into the `letters/` room once there
are more kinds of letters (docs: DESIGN.md).
"""

import enum
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import ApplicationError, NotAllowed
from applications.models import Application, DecisionLetter, EventKind

RETRIEVAL_PERIOD_DAYS = 10  # § 41(2a) sentence 4 VwVfG: fixed by law, not a setting


class Delivery(enum.Enum):
    """Where a letter stands on its way to the organisation."""

    AWAITING_RETRIEVAL = "awaiting_retrieval"  # provided for retrieval, the ten days are running
    TO_POST = "to_post"  # no consent, or not retrieved within ten days: the office must post it
    POSTED = "posted"  # posted, counts as delivered on the fourth day after posting
    DELIVERED = "delivered"  # retrieved by an authorised person


# Rules --------------------------------------------------------------------------------------------------------------


def delivered_after_retrieval(retrieved_at: datetime) -> date:
    """The day after the retrieval, in Berlin (§ 41(2a) sentence 3 VwVfG)."""
    return timezone.localdate(retrieved_at) + timedelta(days=1)


def delivered_after_posting(posted_on: date) -> date:
    """The fourth day after posting (§ 41(2) VwVfG as amended from 1 January 2025)."""
    return posted_on + timedelta(days=settings.POSTAL_DELIVERY_DAYS)


def provision_last_day(provided_at: datetime) -> date:
    """The tenth day after the notification was sent, in Berlin: the last day a retrieval delivers the letter.

    The day of the notification is not counted (§ 31(1) VwVfG with § 187(1) BGB). The period is not extended past a
    weekend or holiday: ending it a day early only means the letter is posted, which delivers it all the same.
    """
    return timezone.localdate(provided_at) + timedelta(days=RETRIEVAL_PERIOD_DAYS)


def delivery_of(letter: DecisionLetter, application: Application) -> Delivery:
    if letter.retrieved_at is not None:
        return Delivery.DELIVERED
    if letter.posted_on is not None:
        return Delivery.POSTED
    if application.delivery_consent_at is None or letter.provision_ended_at is not None:
        return Delivery.TO_POST
    return Delivery.AWAITING_RETRIEVAL


def letters_to_post() -> QuerySet[DecisionLetter]:
    """Letters the office must post: not delivered, not posted, and without consent or past the ten days."""
    return (
        DecisionLetter.objects.filter(delivered_at__isnull=True, posted_on__isnull=True)
        .filter(Q(provision_ended_at__isnull=False) | Q(decision__application__delivery_consent_at__isnull=True))
        .select_related("decision__application__organisation", "decision__application__call")
        .order_by("created")
    )


# State changes ------------------------------------------------------------------------------------------------------


def _event(letter: DecisionLetter, kind: str, by=None, note: str = "") -> None:
    from applications.services import event_record

    event_record(letter.decision.application, kind, by, note)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


@transaction.atomic
def letter_provide(*, letter: DecisionLetter) -> bool:
    """The organisation is being told the letter is ready: with consent, the ten days start now (True); without,
    the letter is to be posted at once (False). Called where that notification is written; safe to repeat."""
    letter = DecisionLetter.objects.select_related("decision__application").get(pk=letter.pk)
    if letter.decision.application.delivery_consent_at is None:
        if not letter.decision.application.events.filter(kind=EventKind.LETTER_TO_POST).exists():
            _event(letter, EventKind.LETTER_TO_POST, note=_("No consent to electronic delivery."))
        return False
    DecisionLetter.objects.filter(pk=letter.pk, provided_at__isnull=True).update(provided_at=timezone.now())
    return True


@transaction.atomic
def letter_download_record(*, letter: DecisionLetter, by) -> DecisionLetter:
    """Record a download by a member of the organisation. It delivers the letter only when it is the first
    retrieval by a person authorised to receive it, with consent, while the provision runs; any member may read."""
    from organisations.selectors import may_receive_letters

    now = timezone.now()
    letter = DecisionLetter.objects.select_related("decision__application").get(pk=letter.pk)
    application = letter.decision.application
    first = DecisionLetter.objects.filter(pk=letter.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=now, first_downloaded_by=by
    )
    authorised = may_receive_letters(by, application.organisation)
    delivered = 0
    if authorised and application.delivery_consent_at is not None:
        delivered = DecisionLetter.objects.filter(
            pk=letter.pk, retrieved_at__isnull=True, provision_ended_at__isnull=True, posted_on__isnull=True
        ).update(retrieved_at=now, retrieved_by=by, delivered_at=delivered_after_retrieval(now))
    if delivered:
        day = _day(delivered_after_retrieval(now))
        _event(letter, EventKind.LETTER_DELIVERED, by, _("Counts as delivered on %(date)s.") % {"date": day})
    elif not authorised:
        if not application.events.filter(kind=EventKind.LETTER_READ_UNAUTHORISED, actor=by).exists():
            _event(letter, EventKind.LETTER_READ_UNAUTHORISED, by)
    elif first:
        _event(letter, EventKind.LETTER_DOWNLOADED, by)
    letter.refresh_from_db()
    return letter


def letter_provisions_due(now: datetime | None = None) -> QuerySet[DecisionLetter]:
    """Letters provided for retrieval whose ten days have passed without an authorised retrieval."""
    now = now or timezone.now()
    # Provided before the start of the day ten days ago (Berlin): the tenth day after it has ended.
    cutoff_day = timezone.localdate(now) - timedelta(days=RETRIEVAL_PERIOD_DAYS)
    cutoff = timezone.make_aware(datetime.combine(cutoff_day, time.min))
    return DecisionLetter.objects.filter(
        provided_at__isnull=False,
        provided_at__lt=cutoff,
        retrieved_at__isnull=True,
        provision_ended_at__isnull=True,
        posted_on__isnull=True,
    )


@transaction.atomic
def letter_provision_end(*, letter: DecisionLetter, now: datetime | None = None) -> bool:
    """End the provision of one letter whose ten days have passed (§ 41(2a) sentence 4 VwVfG): from now on a
    retrieval does not deliver it, and it is to be posted. True when this call ended it."""
    now = now or timezone.now()
    ended = letter_provisions_due(now).filter(pk=letter.pk).update(provision_ended_at=now)
    if ended:
        _event(
            DecisionLetter.objects.select_related("decision__application").get(pk=letter.pk),
            EventKind.LETTER_TO_POST,
            note=_("Not retrieved within %(days)s days of the notification.") % {"days": RETRIEVAL_PERIOD_DAYS},
        )
    return bool(ended)


@transaction.atomic
def letter_posting_record(*, letter: DecisionLetter, by, posted_on: date) -> DecisionLetter:
    """Staff record that they posted the letter; it counts as delivered POSTAL_DELIVERY_DAYS later."""
    if not (by.has_perm("applications.check_application") or by.has_perm("applications.assign_reviewers")):
        raise NotAllowed(_("You may not record the posting of letters."))
    if posted_on > timezone.localdate():
        raise ApplicationError(_("The date of posting cannot be in the future."), field="posted_on")
    letter = DecisionLetter.objects.select_for_update().select_related("decision__application").get(pk=letter.pk)
    if letter.retrieved_at is not None:
        raise ApplicationError(_("This letter has already been delivered by retrieval in the portal."))
    if letter.posted_on is not None:
        raise ApplicationError(_("The posting of this letter has already been recorded."))
    if posted_on < timezone.localdate(letter.created):
        raise ApplicationError(_("The letter cannot have been posted before it was issued."), field="posted_on")
    delivered_on = delivered_after_posting(posted_on)
    DecisionLetter.objects.filter(pk=letter.pk).update(posted_on=posted_on, posted_by=by, delivered_at=delivered_on)
    _event(
        letter,
        EventKind.LETTER_POSTED,
        by,
        _("Posted on %(posted)s; counts as delivered on %(date)s.")
        % {"posted": _day(posted_on), "date": _day(delivered_on)},
    )
    letter.refresh_from_db()
    return letter
