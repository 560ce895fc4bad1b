"""Bekanntgabe (delivery) of letters to the organisation: the rules, as plain functions of dates and letters.

§ 41(2a) VwVfG: with the participant's consent (Einwilligung) a letter may be delivered by retrieval over public
networks, after authentication of a person entitled to receive it. It counts as delivered on the day after the
retrieval. If it is not retrieved within ten days after the notification about its provision was sent, the
provision ends and the letter has not been delivered; it may then be delivered another way.
§ 41(2) VwVfG (as amended from 1 January 2025): a letter posted within Germany counts as delivered on the fourth
day after posting (`settings.POSTAL_DELIVERY_DAYS`).

The rules hold for every letter (`applications.models.DeliveredLetter`): the decision letter and the letters after
the decision. The state changes are in `applications/delivery.py`. No database here.
"""

import enum
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

RETRIEVAL_PERIOD_DAYS = 10  # § 41(2a) sentence 4 VwVfG: fixed by law, not a setting


class Delivery(enum.Enum):
    """Where a letter stands on its way to the organisation."""

    AWAITING_RETRIEVAL = "awaiting_retrieval"  # provided for retrieval, the ten days are running
    TO_POST = "to_post"  # no consent, or not retrieved within ten days: the office must post it
    POSTED = "posted"  # posted, counts as delivered on the fourth day after posting
    DELIVERED = "delivered"  # retrieved by an authorised person


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


def provision_cutoff(now: datetime) -> datetime:
    """Letters provided before this moment have had their ten days: the start of the day (Berlin) ten days ago, so
    that the tenth day after the notification has ended."""
    cutoff_day = timezone.localdate(now) - timedelta(days=RETRIEVAL_PERIOD_DAYS)
    return timezone.make_aware(datetime.combine(cutoff_day, time.min))


def delivery_of(letter, application) -> Delivery:
    """Where `letter` (any `DeliveredLetter`) stands, given the consent recorded on its `application`."""
    if letter.retrieved_at is not None:
        return Delivery.DELIVERED
    if letter.posted_on is not None:
        return Delivery.POSTED
    if application.delivery_consent_at is None or letter.provision_ended_at is not None:
        return Delivery.TO_POST
    return Delivery.AWAITING_RETRIEVAL
