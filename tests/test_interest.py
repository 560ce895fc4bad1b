"""Interest on repayment claims and on money held too long (§ 49a VwVfG), to the cent, as a letter prints it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.interest import (
    BaseRateMissing,
    InterestError,
    UsePeriod,
    add_months,
    base_rate_missing_from,
    base_rates,
    claim_balance,
    claim_interest,
    late_use_interest,
)
from grants.models import BaseRate

D = Decimal

# The rates the Bundesbank published (the same as the seed migration), oldest first.
PUBLISHED = (
    (date(2013, 1, 1), D("-0.13")),
    (date(2013, 7, 1), D("-0.38")),
    (date(2014, 1, 1), D("-0.63")),
    (date(2014, 7, 1), D("-0.73")),
    (date(2015, 1, 1), D("-0.83")),
    (date(2016, 7, 1), D("-0.88")),
    (date(2023, 1, 1), D("1.62")),
    (date(2023, 7, 1), D("3.12")),
    (date(2024, 1, 1), D("3.62")),
    (date(2024, 7, 1), D("3.37")),
    (date(2025, 1, 1), D("2.27")),
    (date(2025, 7, 1), D("1.27")),
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# The table of base rates


def test_the_published_rates_are_loaded_oldest_first(db):
    assert base_rates() == PUBLISHED


def test_a_rate_added_by_an_administrator_is_used_at_once(db):
    BaseRate.objects.create(valid_from=date(2026, 1, 1), rate=D("1.27"))
    assert base_rates()[-1] == (date(2026, 1, 1), D("1.27"))
    assert base_rate_missing_from(base_rates(), date(2026, 3, 1)) is None


def test_staff_are_warned_from_the_first_change_day_without_a_rate():
    assert base_rate_missing_from(PUBLISHED, date(2025, 12, 31)) is None
    assert base_rate_missing_from(PUBLISHED, date(2026, 1, 1)) == date(2026, 1, 1)
    # half a year later the rate from 1 January is still the first one missing
    assert base_rate_missing_from(PUBLISHED, date(2026, 8, 1)) == date(2026, 1, 1)


def test_it_refuses_to_count_interest_on_days_without_a_known_rate():
    with pytest.raises(BaseRateMissing) as error:
        claim_interest(D("1000.00"), date(2025, 12, 1), date(2026, 1, 5), PUBLISHED)
    assert error.value.missing_from == date(2026, 1, 1)
    assert "The base rate from 01/01/2026 is missing" in str(error.value)
    with pytest.raises(InterestError, match="There is no base rate before 01/01/2013"):
        claim_interest(D("1000.00"), date(2012, 12, 1), date(2013, 1, 5), PUBLISHED)


# § 49a(3): worked examples


def test_interest_is_split_where_the_base_rate_changes():
    # 10,000.00 EUR from 15 Jun 2024 (not counted) to 15 Jul 2024 (counted); 2024 has 366 days.
    # 16-30 Jun: 15 days at 3.62 + 5 = 8.62 %: 10000 * 0.0862 * 15 / 366 = 12930 / 366 = 35.3278...
    # 1-15 Jul:  15 days at 3.37 + 5 = 8.37 %: 10000 * 0.0837 * 15 / 366 = 12555 / 366 = 34.3032...
    # total 25485 / 366 = 69.6311... -> 69.63
    result = claim_interest(D("10000.00"), date(2024, 6, 15), date(2024, 7, 15), PUBLISHED)
    assert result.total == D("69.63")
    rows = [(p.first, p.last, p.days, p.year_days, p.yearly_rate) for p in result.periods]
    assert rows == [
        (date(2024, 6, 16), date(2024, 6, 30), 15, 366, D("8.62")),
        (date(2024, 7, 1), date(2024, 7, 15), 15, 366, D("8.37")),
    ]
    assert [p.interest.quantize(D("0.01")) for p in result.periods] == [D("35.33"), D("34.30")]


def test_interest_across_new_year_divides_by_the_days_of_each_year():
    # 10,000.00 EUR from 1 Dec 2023 to 1 Mar 2024.
    # 2-31 Dec 2023: 30 days at 3.12 + 5 = 8.12 %, /365: 10000 * 0.0812 * 30 / 365 = 24360 / 365 = 66.7397...
    # 1 Jan-1 Mar 2024: 31 + 29 + 1 = 61 days at 8.62 %, /366: 10000 * 0.0862 * 61 / 366 = 52582 / 366 = 143.6666...
    # total 210.4064... -> 210.41
    result = claim_interest(D("10000.00"), date(2023, 12, 1), date(2024, 3, 1), PUBLISHED)
    assert result.total == D("210.41")
    assert [(p.days, p.year_days, p.yearly_rate) for p in result.periods] == [
        (30, 365, D("8.12")),
        (61, 366, D("8.62")),
    ]


def test_the_day_of_the_event_does_not_count_and_the_day_of_payment_does():
    assert claim_interest(D("10000.00"), date(2024, 7, 1), date(2024, 7, 1), PUBLISHED).total == D("0.00")
    # one day, 2 Jul 2024: 10000 * 0.0837 / 366 = 2.2868... -> 2.29
    one_day = claim_interest(D("10000.00"), date(2024, 7, 1), date(2024, 7, 2), PUBLISHED)
    assert one_day.total == D("2.29")
    assert (one_day.periods[0].first, one_day.periods[0].last) == (date(2024, 7, 2), date(2024, 7, 2))


def test_a_negative_base_rate_still_gives_positive_interest():
    # March 2015: -0.83 + 5 = 4.17 %; 30 days / 365: 10000 * 0.0417 * 30 / 365 = 12510 / 365 = 34.2739... -> 34.27
    result = claim_interest(D("10000.00"), date(2015, 3, 1), date(2015, 3, 31), PUBLISHED)
    assert result.periods[0].yearly_rate == D("4.17")
    assert result.total == D("34.27")


def test_the_yearly_rate_never_goes_below_zero():
    rates = ((date(2020, 1, 1), D("-6.00")),)
    result = claim_interest(D("10000.00"), date(2020, 1, 1), date(2020, 6, 30), rates)
    assert result.periods[0].yearly_rate == 0
    assert result.total == D("0.00")


def test_the_total_is_rounded_half_up():
    # 36.50 EUR for one day of 2023 at 0 + 5 %: 36.5 * 0.05 / 365 = 0.005 -> 0.01 (banker's rounding would say 0.00)
    rates = ((date(2023, 1, 1), D("0.00")),)
    assert claim_interest(D("36.50"), date(2023, 3, 1), date(2023, 3, 2), rates).total == D("0.01")


def test_it_refuses_unusable_input():
    with pytest.raises(InterestError, match="must not be before its start"):
        claim_interest(D("100.00"), date(2024, 2, 1), date(2024, 1, 1), PUBLISHED)
    with pytest.raises(InterestError, match="expected a Decimal, not float"):
        claim_interest(100.0, date(2024, 1, 1), date(2024, 2, 1), PUBLISHED)
    with pytest.raises(InterestError, match="at least 0"):
        claim_interest(D("-1.00"), date(2024, 1, 1), date(2024, 2, 1), PUBLISHED)
    with pytest.raises(InterestError, match="sorted"):
        claim_interest(D("1.00"), date(2024, 1, 1), date(2024, 2, 1), tuple(reversed(PUBLISHED)))


# § 49a(3) with partial repayments (§ 367 BGB by analogy)


def test_a_repayment_pays_the_interest_first_then_the_principal():
    # 10,000.00 EUR from 1 Jul 2024; 100.00 EUR repaid on 31 Jul; balance on 31 Aug.
    # 2-31 Jul: 30 days at 8.37 %: 10000 * 0.0837 * 30 / 366 = 25110 / 366 = 68.6065... -> 68.61 interest
    # 100.00 pays 68.61 interest and 31.39 principal -> principal 9,968.61
    # 1-31 Aug: 31 days on 9968.61: 9968.61 * 0.0837 * 31 / 366 = 25865.552367 / 366 = 70.6709... -> 70.67
    result = claim_balance(
        D("10000.00"), date(2024, 7, 1), [(date(2024, 7, 31), D("100.00"))], date(2024, 8, 31), PUBLISHED
    )
    (payment,) = result.payments
    assert (payment.to_interest, payment.to_principal, payment.principal_after) == (
        D("68.61"),
        D("31.39"),
        D("9968.61"),
    )
    assert result.remaining_principal == D("9968.61")
    assert result.remaining_interest == D("70.67")
    assert result.total == D("10039.28")


def test_a_repayment_smaller_than_the_interest_leaves_the_principal_whole():
    # 50.00 of the 68.61 interest is paid; 18.61 interest stays open, the principal stays 10,000.00
    # 1-31 Aug on 10000: 10000 * 0.0837 * 31 / 366 = 25947 / 366 = 70.8934... -> 70.89; open 18.61 + 70.89 = 89.50
    result = claim_balance(
        D("10000.00"), date(2024, 7, 1), [(date(2024, 7, 31), D("50.00"))], date(2024, 8, 31), PUBLISHED
    )
    assert result.payments[0].to_principal == D("0.00")
    assert result.remaining_principal == D("10000.00")
    assert result.remaining_interest == D("89.50")


def test_interest_for_money_used_late_is_paid_first_and_bears_no_interest():
    # As above, with 40.00 EUR of § 49a(4) interest set with the claim: the 100.00 repaid on 31 Jul pays
    # 40.00 + 68.61 = 108.61 of interest first, so 8.61 stays open and the principal stays 10,000.00;
    # August adds 70.89 on the principal only (no interest on the 40.00): open 8.61 + 70.89 = 79.50
    result = claim_balance(
        D("10000.00"), date(2024, 7, 1), [(date(2024, 7, 31), D("100.00"))], date(2024, 8, 31), PUBLISHED,
        interest_fixed=D("40.00"),
    )  # fmt: skip
    assert (result.payments[0].to_interest, result.payments[0].to_principal) == (D("100.00"), D("0.00"))
    assert result.remaining_principal == D("10000.00")
    assert result.remaining_interest == D("79.50")


def test_a_repayment_of_more_than_the_debt_is_shown_as_overpaid():
    # 2 Jul 2024: one day, 10000 * 0.0837 / 366 = 2.29 interest; 10,010.00 repaid -> 7.71 too much
    result = claim_balance(
        D("10000.00"), date(2024, 7, 1), [(date(2024, 7, 2), D("10010.00"))], date(2024, 8, 31), PUBLISHED
    )
    assert result.remaining_principal == result.remaining_interest == D("0.00")
    assert result.overpaid == D("7.71")


def test_a_repayment_outside_the_period_is_refused():
    with pytest.raises(InterestError, match="before the claim bears interest"):
        claim_balance(D("100.00"), date(2024, 7, 1), [(date(2024, 6, 1), D("1.00"))], date(2024, 8, 1), PUBLISHED)
    with pytest.raises(InterestError, match="after the day of the balance"):
        claim_balance(D("100.00"), date(2024, 7, 1), [(date(2024, 9, 1), D("1.00"))], date(2024, 8, 1), PUBLISHED)


# § 49a(4): money not used soon enough


def test_months_end_on_the_same_day_or_the_last_day_of_a_shorter_month():
    assert UsePeriod(months=1).last_day(date(2024, 1, 31)) == date(2024, 2, 29)
    assert UsePeriod(months=1).last_day(date(2023, 1, 31)) == date(2023, 2, 28)
    assert UsePeriod(months=2).last_day(date(2023, 12, 31)) == date(2024, 2, 29)
    assert UsePeriod(months=2).last_day(date(2024, 3, 15)) == date(2024, 5, 15)
    assert UsePeriod(months=12).last_day(date(2024, 2, 29)) == date(2025, 2, 28)
    assert UsePeriod(weeks=6).last_day(date(2024, 1, 31)) == date(2024, 3, 13)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


def test_a_period_of_use_needs_weeks_or_months():
    for wrong in ({}, {"weeks": 2, "months": 1}, {"months": -1}):
        with pytest.raises(InterestError, match="either weeks or months"):
            UsePeriod(**wrong)


def test_money_spent_late_or_not_at_all_bears_interest_from_the_day_of_payment():
    payments = [(date(2024, 1, 31), D("5000.00")), (date(2024, 3, 15), D("3000.00"))]
    spending = [
        (date(2024, 1, 10), D("1000.00")),  # pre-financed: counts as used on 31 Jan
        (date(2024, 3, 31), D("3000.00")),  # first payment's last day (2 months after 31 Jan): in time
        (date(2024, 4, 30), D("2000.00")),  # 1,000 of the first payment late, 1,000 of the second in time
    ]
    result = late_use_interest(payments, spending, UsePeriod(months=2), date(2024, 6, 30), PUBLISHED)
    first, second = result.payments
    assert first.use_by == date(2024, 3, 31)
    assert (first.spent_in_time, first.spent_late, first.unspent) == (D("4000.00"), D("1000.00"), D("0.00"))
    # 1,000 from 31 Jan to 30 Apr: 29 + 31 + 30 = 90 days at 8.62 %: 1000 * 0.0862 * 90 / 366 = 21.1967 -> 21.20
    assert first.interest == D("21.20")
    assert second.use_by == date(2024, 5, 15)
    # 2,000 never spent, from 15 Mar to 30 Jun: 16 + 30 + 31 + 30 = 107 days: 2000 * 0.0862 * 107 / 366 = 50.4010
    assert (second.spent_in_time, second.unspent) == (D("1000.00"), D("2000.00"))
    assert second.interest == D("50.40")
    assert result.total == D("71.60")


def test_money_still_within_its_period_bears_no_interest_yet():
    result = late_use_interest([(date(2024, 5, 31), D("800.00"))], [], UsePeriod(weeks=6), date(2024, 6, 30), PUBLISHED)
    (payment,) = result.payments
    assert payment.pending == D("800.00")
    assert payment.interest == D("0.00")
    assert payment.late == ()


# Properties

rate_tables = st.lists(st.decimals(min_value=-10, max_value=20, places=2), min_size=26, max_size=26).map(
    lambda rates: tuple((date(2013 + i // 2, 1 + 6 * (i % 2), 1), rate) for i, rate in enumerate(rates))
)
days_2013_2025 = st.dates(min_value=date(2013, 1, 1), max_value=date(2025, 12, 31))
principals = st.decimals(min_value=0, max_value=10**7, places=2)
property_settings = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@property_settings
@given(principal=principals, days=st.lists(days_2013_2025, min_size=3, max_size=3), rates=rate_tables)
def test_splitting_the_period_at_any_day_changes_the_total_by_at_most_a_cent(principal, days, rates):
    start, middle, end = sorted(days)
    whole = claim_interest(principal, start, end, rates).total
    parts = claim_interest(principal, start, middle, rates).total + claim_interest(principal, middle, end, rates).total
    assert abs(whole - parts) <= D("0.01")
    assert whole.as_tuple().exponent == -2


@property_settings
@given(principal=principals, start=days_2013_2025, length=st.integers(0, 1500), more=st.integers(0, 400))
def test_interest_never_falls_when_the_end_date_is_later(principal, start, length, more):
    end = min(start + timedelta(days=length), date(2025, 12, 31))
    later = min(end + timedelta(days=more), date(2025, 12, 31))
    assert (
        claim_interest(principal, start, end, PUBLISHED).total
        <= claim_interest(principal, start, later, PUBLISHED).total
    )


@property_settings
@given(
    principal=principals,
    start=days_2013_2025,
    repayments=st.lists(st.tuples(st.integers(0, 700), principals), max_size=4),
)
def test_every_cent_repaid_goes_to_interest_principal_or_overpayment(principal, start, repayments):
    until = date(2025, 12, 31)
    payments = [(min(start + timedelta(days=offset), until), amount) for offset, amount in repayments]
    result = claim_balance(principal, start, payments, until, PUBLISHED)
    for applied in result.payments:
        assert applied.to_interest + applied.to_principal + applied.overpaid == applied.amount
        assert applied.overpaid == 0 or applied.principal_after == 0
    assert result.remaining_principal == principal - sum(applied.to_principal for applied in result.payments)
    assert result.remaining_principal >= 0 and result.remaining_interest >= 0
    if not payments:
        assert result.remaining_interest == claim_interest(principal, start, until, PUBLISHED).total
