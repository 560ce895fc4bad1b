"""The appeal period and the day a decision becomes final, checked against the calendar by hand."""

from datetime import date

import pytest

from grants.finality import appeal_period_end, bremen_holidays, easter_sunday, final_from


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28))],
)
def test_easter_dates_match_the_calendar(year, easter):
    assert easter_sunday(year) == easter


def test_bremen_keeps_reformation_day_and_whit_monday():
    holidays = bremen_holidays(2026)
    assert date(2026, 10, 31) in holidays
    assert date(2026, 5, 25) in holidays  # Pfingstmontag 2026
    assert date(2026, 5, 14) in holidays  # Christi Himmelfahrt 2026
    assert date(2026, 6, 4) not in holidays  # Fronleichnam is no holiday in Bremen


@pytest.mark.parametrize(
    ("delivered", "last_day", "final"),
    [
        # Delivered on Wednesday 14 Oct 2026: the period ends on Saturday 14 Nov, so on Monday 16 Nov.
        (date(2026, 10, 14), date(2026, 11, 16), date(2026, 11, 17)),
        # 31 January: February has no 31st, so the period ends on its last day, 28 Feb 2026, a Saturday:
        # so on Monday 2 March.
        (date(2026, 1, 31), date(2026, 3, 2), date(2026, 3, 3)),
        # A leap year: 31 January 2028 → Tuesday 29 February 2028.
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 1)),
        # 30 September → Friday 30 October, a working day.
        (date(2026, 9, 30), date(2026, 10, 30), date(2026, 10, 31)),
        # 1 October → Sunday 1 November → Monday 2 November.
        (date(2026, 10, 1), date(2026, 11, 2), date(2026, 11, 3)),
        # Ends on Christmas Day (Friday 25 Dec 2026), then Boxing Day and Sunday → Monday 28 Dec.
        (date(2026, 11, 25), date(2026, 12, 28), date(2026, 12, 29)),
    ],
)
def test_the_period_ends_a_month_later_on_a_working_day(delivered, last_day, final):
    assert appeal_period_end(delivered) == last_day
    assert final_from(delivered) == final


def test_easter_holidays_push_the_end_past_the_long_weekend():
    # Delivered 3 March 2026: the month ends on Good Friday 3 April; Saturday, Sunday and Easter Monday follow.
    assert appeal_period_end(date(2026, 3, 3)) == date(2026, 4, 7)
    assert final_from(date(2026, 3, 3)) == date(2026, 4, 8)
