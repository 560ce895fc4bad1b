"""Deadlines are whole days in Europe/Berlin: "bis einschließlich 28.02.2027" (until and including) ends when
that day ends in Bremen, whatever the server's clock zone and whatever the change to or from summer time.

Two moments stand for such a day in the database:

- `day_ends_at(day)`, the first moment of the following day, is the exclusive end of a call (`Call.closes_at`):
  open while `at < closes_at`.
- `last_moment_of(day)`, 23:59:59.999999 on the day, is the inclusive deadline of a request for missing items
  (`ItemsRequest.deadline`): answered in time while `at <= deadline`. Its timer becomes due at that moment, and
  every page shows the stored moment's date, which is the deadline day itself.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_ends_at(day: date) -> datetime:
    """The first moment after `day` in Berlin (midnight is never skipped or doubled there by summer time)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())


def last_moment_of(day: date) -> datetime:
    return day_ends_at(day) - timedelta(microseconds=1)


def berlin_date(moment: datetime) -> date:
    """The calendar day in Berlin of `moment`, also while a reader's own time zone is active."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def last_day_before(end: datetime) -> date:
    """The last day that an exclusive end such as `Call.closes_at` still includes."""
    return berlin_date(end - timedelta(microseconds=1))
