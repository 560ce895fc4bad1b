"""At the proof of use the grant is recalculated on the actual figures: savings and extra income come back, an
overspent line counts only within its tolerance, and the grant never rises above what was approved."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.financing import FinancingTerms
from grants.recalculation import CONFIRMED, STILL_PAYABLE, TO_RECLAIM, PlanLine, RecalculationError, recalculate_grant

D = Decimal
CAP = D("100000.00")
FEHLBEDARF = FinancingTerms(method="fehlbedarf", max_amount=CAP)
VOLL = FinancingTerms(method="voll", max_amount=CAP)


def anteil(share: str) -> FinancingTerms:
    return FinancingTerms(method="anteil", max_amount=CAP, share_percent=D(share))


def festbetrag(fixed: str) -> FinancingTerms:
    return FinancingTerms(method="festbetrag", max_amount=CAP, fixed_amount=D(fixed))


def recalculate(terms, approved, lines, actual, own="0.00", third="0.00", paid="0.00"):
    with translation.override("en"):
        return recalculate_grant(
            terms=terms,
            approved_grant=D(approved),
            plan_lines=lines,
            actual_costs={key: D(amount) for key, amount in actual.items()},
            actual_own_funds=D(own),
            actual_third_party_funds=D(third),
            paid=D(paid),
        )


CAFE_PLAN = [
    PlanLine("staff", "Staff", D("6000.00")),
    PlanLine("material", "Material", D("2000.00")),
    PlanLine("rent", "Rent", D("2000.00")),
]
WORKSHOP_PLAN = [
    PlanLine("fees", "Fees", D("5000.00")),
    PlanLine("travel", "Travel", D("1000.00")),
    PlanLine("material", "Material", D("4000.00")),
]


# Fehlbedarfsfinanzierung


def test_a_shortfall_project_that_saved_money_repays_the_savings():
    # approved: costs 10,000 - own 1,000 - third 1,000 = 8,000 grant, all paid
    # actual: 5,500 + 1,800 + 2,000 = 9,300 costs - 2,000 other funds = 7,300 grant; 8,000 - 7,300 = 700 back
    result = recalculate(
        FEHLBEDARF,
        "8000.00",
        CAFE_PLAN,
        {"staff": "5500.00", "material": "1800.00", "rent": "2000.00"},
        own="1000.00",
        third="1000.00",
        paid="8000.00",
    )
    assert result.eligible_costs == result.actual_costs == D("9300.00")
    assert result.grant == D("7300.00")
    assert (result.status, result.balance, result.to_reclaim) == (TO_RECLAIM, D("700.00"), D("700.00"))
    assert result.explanation[-1] == (
        "8,000.00 EUR has been paid, but the grant is only 7,300.00 EUR; 700.00 EUR is to be repaid."
    )
    staff = result.lines[0]
    assert (staff.planned, staff.actual, staff.deviation, staff.deviation_percent) == (
        D("6000.00"),
        D("5500.00"),
        D("-500.00"),
        D("-8.3"),  # -500 / 6000 = -8.33 %
    )


def test_third_party_funds_that_over_finance_a_shortfall_project_reduce_the_grant_in_full():
    # approved: 10,000 - own 1,000 = 9,000 grant; a foundation later adds 2,500
    # actual: 10,000 - 1,000 - 2,500 = 6,500; paid 9,000 -> 2,500 back
    result = recalculate(
        FEHLBEDARF,
        "9000.00",
        CAFE_PLAN,
        {"staff": "6000.00", "material": "2000.00", "rent": "2000.00"},
        own="1000.00",
        third="2500.00",
        paid="9000.00",
    )
    assert result.grant == D("6500.00")
    assert result.to_reclaim == D("2500.00")


def test_a_shortfall_grant_never_rises_above_the_approved_grant():
    # costs as planned but the own funds never came: 10,000 - 0 = 10,000 by the method, approved 8,000
    result = recalculate(
        FEHLBEDARF, "8000.00", CAFE_PLAN, {"staff": "6000.00", "material": "2000.00", "rent": "2000.00"}, paid="8000.00"
    )
    assert result.grant == D("8000.00")
    assert result.status == CONFIRMED
    assert "The grant cannot exceed the approved grant of 8,000.00 EUR." in result.explanation


# Anteilfinanzierung


def test_a_share_project_with_a_line_30_percent_over_plan_counts_it_only_up_to_20_percent():
    # travel 1,300 against 1,000 planned: +30 %, counts 1,200; fees saved 1,000
    # eligible 4,000 + 1,200 + 4,000 = 9,200; 80 % = 7,360; paid 8,000 -> 640 back
    result = recalculate(
        anteil("80"),
        "8000.00",
        WORKSHOP_PLAN,
        {"fees": "4000.00", "travel": "1300.00", "material": "4000.00"},
        paid="8000.00",
    )
    travel = result.lines[1]
    assert (travel.deviation, travel.deviation_percent, travel.limit, travel.counted) == (
        D("300.00"),
        D("30.0"),
        D("1200.00"),
        D("1200.00"),
    )
    assert travel.beyond_tolerance
    assert not result.lines[0].beyond_tolerance
    assert result.actual_costs == D("9300.00")
    assert result.eligible_costs == D("9200.00")
    assert result.grant == D("7360.00")
    assert result.to_reclaim == D("640.00")
    assert result.explanation[0] == (
        "Travel: the actual costs of 1,300.00 EUR exceed the planned 1,000.00 EUR by more than the line may; "
        "only 1,200.00 EUR count."
    )


def test_an_approved_change_lets_a_line_count_beyond_20_percent():
    # ceiling 1,500 for travel: 4,000 + 1,300 + 4,000 = 9,300; 80 % = 7,440; paid 7,000 -> 440 still payable
    lines = [WORKSHOP_PLAN[0], PlanLine("travel", "Travel", D("1000.00"), ceiling=D("1500.00")), WORKSHOP_PLAN[2]]
    result = recalculate(
        anteil("80"), "8000.00", lines, {"fees": "4000.00", "travel": "1300.00", "material": "4000.00"}, paid="7000.00"
    )
    assert not result.lines[1].beyond_tolerance
    assert result.grant == D("7440.00")
    assert (result.status, result.still_payable, result.to_reclaim) == (STILL_PAYABLE, D("440.00"), D("0.00"))


def test_an_overspend_within_20_percent_counts_only_as_far_as_savings_make_up_for_it():
    # travel +15 % (1,150) without savings elsewhere: 10,150 actual, but the approved total of 10,000 counts
    result = recalculate(
        anteil("80"),
        "8000.00",
        WORKSHOP_PLAN,
        {"fees": "5000.00", "travel": "1150.00", "material": "4000.00"},
        paid="8000.00",
    )
    assert not result.lines[1].beyond_tolerance
    assert result.eligible_costs == D("10000.00")
    assert result.grant == D("8000.00")
    assert result.status == CONFIRMED
    assert result.explanation[-1] == "The grant of 8,000.00 EUR is confirmed."


def test_extra_income_that_over_finances_a_share_project_reduces_the_grant_in_proportion():
    # 50 % of 10,000 = 5,000; own 1,000 + third 6,000 + 5,000 = 12,000 > 10,000 costs
    # proportional: 5,000 * 10,000 / 12,000 = 4,166.666... -> 4,166.66; paid 5,000 -> 833.34 back
    result = recalculate(
        anteil("50"),
        "5000.00",
        WORKSHOP_PLAN,
        {"fees": "5000.00", "travel": "1000.00", "material": "4000.00"},
        own="1000.00",
        third="6000.00",
        paid="5000.00",
    )
    assert result.grant == D("4166.66")
    assert result.to_reclaim == D("833.34")


# Festbetragsfinanzierung


def test_a_fixed_amount_is_reduced_when_the_actual_costs_fall_below_it():
    # fixed 3,000 on 5,000 planned; only 2,400 spent -> grant 2,400; paid 3,000 -> 600 back
    plan = [PlanLine("event", "Neighbourhood festival", D("5000.00"))]
    result = recalculate(festbetrag("3000.00"), "3000.00", plan, {"event": "2400.00"}, paid="3000.00")
    assert result.grant == D("2400.00")
    assert result.to_reclaim == D("600.00")


def test_a_fixed_amount_stays_when_the_project_saved_but_still_cost_more_than_it():
    plan = [PlanLine("event", "Neighbourhood festival", D("5000.00"))]
    result = recalculate(festbetrag("3000.00"), "3000.00", plan, {"event": "4000.00"}, own="500.00", paid="3000.00")
    assert result.grant == D("3000.00")
    assert result.status == CONFIRMED


# Vollfinanzierung


def test_full_financing_pays_all_actual_eligible_costs():
    # 6,000 + 1,500 + 2,000 = 9,500 of 10,000 planned; 6,000 paid so far -> 3,500 still payable
    result = recalculate(
        VOLL, "10000.00", CAFE_PLAN, {"staff": "6000.00", "material": "1500.00", "rent": "2000.00"}, paid="6000.00"
    )
    assert result.grant == D("9500.00")
    assert result.still_payable == D("3500.00")
    assert result.explanation[-1] == (
        "6,000.00 EUR has been paid; 3,500.00 EUR of the grant of 9,500.00 EUR is still payable."
    )


def test_full_financing_is_reduced_by_third_party_funds_in_full():
    # 10,000 costs - 500 from a foundation = 9,500
    result = recalculate(
        VOLL,
        "10000.00",
        CAFE_PLAN,
        {"staff": "6000.00", "material": "2000.00", "rent": "2000.00"},
        third="500.00",
        paid="10000.00",
    )
    assert result.grant == D("9500.00")
    assert result.to_reclaim == D("500.00")


def test_a_line_without_actual_costs_counts_as_nothing_spent():
    result = recalculate(VOLL, "10000.00", CAFE_PLAN, {"staff": "6000.00"})
    assert [line.actual for line in result.lines] == [D("6000.00"), D("0.00"), D("0.00")]
    assert result.lines[1].deviation_percent == D("-100.0")
    assert result.grant == D("6000.00")


# Unusable input


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"actual_costs": {"staff": D("-1.00")}}, "Staff: the amount must not be negative."),
        ({"actual_costs": {"catering": D("10.00")}}, "not in the plan: catering."),
        ({"paid": D("-5.00")}, "Paid so far: the amount must not be negative."),
        ({"actual_own_funds": 100.0}, "Own funds: expected a Decimal, not float."),
        ({"actual_third_party_funds": D("0.001")}, "Third-party funds: the amount must be in whole cents."),
        ({"plan_lines": CAFE_PLAN + [PlanLine("rent", "Rent again", D("1.00"))]}, "its own key"),
        ({"plan_lines": [PlanLine("staff", "Staff", D("100.00"), ceiling=D("50.00"))]}, "ceiling must not be below"),
        ({"terms": FinancingTerms(method="anteil", max_amount=CAP)}, "Share financing needs a share in percent."),
    ],
)
def test_it_refuses_unusable_input_with_a_clear_message(change, message):
    arguments = {
        "terms": VOLL,
        "approved_grant": D("10000.00"),
        "plan_lines": CAFE_PLAN,
        "actual_costs": {"staff": D("6000.00")},
        "actual_own_funds": D("0.00"),
        "actual_third_party_funds": D("0.00"),
        "paid": D("0.00"),
    } | change
    with translation.override("en"), pytest.raises(RecalculationError) as error:
        recalculate_grant(**arguments)
    assert isinstance(error.value, ValueError)
    assert message in str(error.value)


# Properties

money = st.decimals(min_value=0, max_value=10**6, places=2)
terms_strategy = st.one_of(
    st.builds(
        FinancingTerms,
        method=st.just("anteil"),
        max_amount=money,
        share_percent=st.decimals(min_value=D("0.01"), max_value=100, places=2),
    ),
    st.builds(FinancingTerms, method=st.just("fehlbedarf"), max_amount=money),
    st.builds(
        FinancingTerms,
        method=st.just("festbetrag"),
        max_amount=money,
        fixed_amount=st.decimals(min_value=D("0.01"), max_value=10**6, places=2),
    ),
    st.builds(FinancingTerms, method=st.just("voll"), max_amount=money),
)
line_figures = st.lists(st.tuples(money, money, st.none() | money), min_size=1, max_size=5)
property_settings = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@property_settings
@given(terms=terms_strategy, approved=money, figures=line_figures, own=money, third=money, paid=money)
def test_the_recalculated_grant_stays_between_zero_and_the_approved_grant(terms, approved, figures, own, third, paid):
    lines = [
        PlanLine(f"line{i}", f"Line {i}", planned, None if ceiling is None else planned + ceiling)
        for i, (planned, _actual, ceiling) in enumerate(figures)
    ]
    actual = {f"line{i}": amount for i, (_planned, amount, _ceiling) in enumerate(figures)}
    result = recalculate_grant(
        terms=terms,
        approved_grant=approved,
        plan_lines=lines,
        actual_costs=actual,
        actual_own_funds=own,
        actual_third_party_funds=third,
        paid=paid,
    )
    assert D(0) <= result.grant <= approved
    assert result.grant.as_tuple().exponent == -2
    assert result.eligible_costs <= result.approved_costs
    assert result.eligible_costs <= result.actual_costs
    if paid - result.grant > 0:
        assert (result.status, result.to_reclaim) == (TO_RECLAIM, paid - result.grant)
    elif paid == result.grant:
        assert (result.status, result.balance) == (CONFIRMED, D(0))
    else:
        assert (result.status, result.still_payable) == (STILL_PAYABLE, result.grant - paid)
    assert result.explanation


@property_settings
@given(terms=terms_strategy, figures=line_figures, saving=money, own=money, third=money)
def test_spending_less_never_raises_the_grant(terms, figures, saving, own, third):
    lines = [PlanLine(f"line{i}", f"Line {i}", planned) for i, (planned, _actual, _ceiling) in enumerate(figures)]
    actual = {f"line{i}": amount for i, (_planned, amount, _ceiling) in enumerate(figures)}
    cheaper = actual | {"line0": max(actual["line0"] - saving, D("0.00"))}
    common = {
        "terms": terms,
        "approved_grant": D(10**7),
        "plan_lines": lines,
        "actual_own_funds": own,
        "actual_third_party_funds": third,
        "paid": D(0),
    }
    assert (
        recalculate_grant(actual_costs=cheaper, **common).grant
        <= recalculate_grant(actual_costs=actual, **common).grant
    )
