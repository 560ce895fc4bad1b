"""The grant follows from the financing method, the programme cap and the request, to the cent and never more."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.financing import FinancingError, FinancingPlan, FinancingTerms, GrantCalculation, compute_grant

D = Decimal
CAP = D("100000.00")


def calculate(terms: FinancingTerms, plan: FinancingPlan) -> GrantCalculation:
    with translation.override("en"):
        return compute_grant(terms, plan)


def anteil(share: str, cap: Decimal = CAP) -> FinancingTerms:
    return FinancingTerms(method="anteil", max_amount=cap, share_percent=D(share))


def festbetrag(fixed: str, cap: Decimal = CAP) -> FinancingTerms:
    return FinancingTerms(method="festbetrag", max_amount=cap, fixed_amount=D(fixed))


FEHLBEDARF = FinancingTerms(method="fehlbedarf", max_amount=CAP)
VOLL = FinancingTerms(method="voll", max_amount=CAP)


# Anteilfinanzierung


def test_share_financing_grants_the_share_of_eligible_costs():
    result = calculate(anteil("80"), FinancingPlan(eligible_costs=D("5000.00"), own_funds=D("1000.00")))
    assert result.grant == D("4000.00")
    assert result.by_method == D("4000.00")
    assert result.capped_by is None
    assert result.total_funding == D("5000.00")
    assert result.shortfall == result.surplus == D("0.00")
    assert result.explanation == "Share financing: 80 % of eligible costs 5,000.00 EUR = 4,000.00 EUR."


def test_share_financing_rounds_down_to_the_cent():
    # 33.33 % of 1,000.01 = 333.303333 -> 333.30, never 333.31
    result = calculate(anteil("33.33"), FinancingPlan(eligible_costs=D("1000.01")))
    assert result.grant == D("333.30")
    assert result.grant.as_tuple().exponent == -2
    assert result.shortfall == D("666.71")


def test_share_financing_of_a_hundred_percent_equals_the_costs():
    assert calculate(anteil("100"), FinancingPlan(eligible_costs=D("999.99"))).grant == D("999.99")


def test_share_financing_is_capped_at_the_programme_maximum():
    result = calculate(anteil("50", cap=D("2000.00")), FinancingPlan(eligible_costs=D("10000.00")))
    assert result.by_method == D("5000.00")
    assert result.grant == D("2000.00")
    assert result.capped_by == "max_amount"
    assert result.explanation.endswith("The grant is limited to the programme maximum of 2,000.00 EUR.")


# Fehlbedarfsfinanzierung


def test_shortfall_financing_subtracts_own_and_third_party_funds():
    plan = FinancingPlan(eligible_costs=D("5000.00"), own_funds=D("500.00"), third_party_funds=D("1000.00"))
    result = calculate(FEHLBEDARF, plan)
    assert result.grant == D("3500.00")
    assert result.capped_by is None
    assert result.total_funding == D("5000.00")
    assert result.shortfall == result.surplus == D("0.00")
    assert result.explanation == (
        "Shortfall financing: eligible costs 5,000.00 EUR minus own funds 500.00 EUR and "
        "third-party funds 1,000.00 EUR = 3,500.00 EUR."
    )


def test_shortfall_financing_keeps_the_cents():
    plan = FinancingPlan(eligible_costs=D("1234.56"), own_funds=D("100.01"), third_party_funds=D("0.99"))
    assert calculate(FEHLBEDARF, plan).grant == D("1133.56")


def test_shortfall_financing_passes_savings_on_at_the_proof_of_use():
    approved = calculate(FEHLBEDARF, FinancingPlan(eligible_costs=D("5000.00"), own_funds=D("500.00")))
    actual = calculate(FEHLBEDARF, FinancingPlan(eligible_costs=D("4200.00"), own_funds=D("500.00")))
    assert approved.grant == D("4500.00")
    assert actual.grant == D("3700.00")


def test_shortfall_financing_grants_nothing_when_own_and_third_party_funds_exceed_the_costs():
    plan = FinancingPlan(eligible_costs=D("1000.00"), own_funds=D("800.00"), third_party_funds=D("500.00"))
    result = calculate(FEHLBEDARF, plan)
    assert result.grant == result.by_method == D("0.00")
    assert result.total_funding == D("1300.00")
    assert result.surplus == D("300.00")
    assert result.shortfall == D("0.00")
    assert "already cover" in result.explanation


def test_shortfall_financing_is_limited_to_the_requested_amount():
    plan = FinancingPlan(eligible_costs=D("5000.00"), own_funds=D("500.00"), requested=D("3000.00"))
    result = calculate(FEHLBEDARF, plan)
    assert result.by_method == D("4500.00")
    assert result.grant == D("3000.00")
    assert result.capped_by == "requested"
    assert result.shortfall == D("1500.00")
    assert result.explanation.endswith("The grant is limited to the requested amount of 3,000.00 EUR.")


# Festbetragsfinanzierung


def test_fixed_amount_financing_grants_the_fixed_amount():
    result = calculate(festbetrag("1500.00"), FinancingPlan(eligible_costs=D("4000.00"), own_funds=D("200.00")))
    assert result.grant == D("1500.00")
    assert result.capped_by is None
    assert result.shortfall == D("2300.00")
    assert result.explanation == "Fixed-amount financing: a fixed amount of 1,500.00 EUR."


def test_fixed_amount_financing_is_reduced_to_costs_below_the_fixed_amount():
    result = calculate(festbetrag("1500.00"), FinancingPlan(eligible_costs=D("1200.50")))
    assert result.grant == result.by_method == D("1200.50")
    assert result.capped_by is None
    assert "below the fixed amount" in result.explanation


def test_fixed_amount_financing_ignores_savings_as_long_as_costs_reach_the_fixed_amount():
    approved = calculate(festbetrag("1500.00"), FinancingPlan(eligible_costs=D("4000.00")))
    actual = calculate(festbetrag("1500.00"), FinancingPlan(eligible_costs=D("1600.00")))
    assert approved.grant == actual.grant == D("1500.00")


def test_fixed_amount_financing_is_capped_at_the_programme_maximum():
    result = calculate(festbetrag("5000.00", cap=D("3000.00")), FinancingPlan(eligible_costs=D("8000.00")))
    assert result.grant == D("3000.00")
    assert result.capped_by == "max_amount"


# Vollfinanzierung


def test_full_financing_grants_all_eligible_costs():
    result = calculate(VOLL, FinancingPlan(eligible_costs=D("2345.67")))
    assert result.grant == D("2345.67")
    assert result.total_funding == D("2345.67")
    assert result.shortfall == result.surplus == D("0.00")
    assert result.explanation == "Full financing: all eligible costs of 2,345.67 EUR = 2,345.67 EUR."


def test_full_financing_with_other_funds_is_over_financed():
    result = calculate(VOLL, FinancingPlan(eligible_costs=D("1000.00"), third_party_funds=D("250.00")))
    assert result.grant == D("1000.00")
    assert result.surplus == D("250.00")


# Across methods: zero costs, caps, requests, rounding of inputs

ALL_METHODS = [anteil("75"), FEHLBEDARF, festbetrag("1000.00"), VOLL]


@pytest.mark.parametrize("terms", ALL_METHODS, ids=lambda terms: terms.method)
def test_zero_costs_give_no_grant_under_every_method(terms):
    result = calculate(terms, FinancingPlan(eligible_costs=D("0")))
    assert result.grant == result.by_method == D("0.00")
    assert result.capped_by is None
    assert result.shortfall == result.surplus == D("0.00")


@pytest.mark.parametrize("terms", ALL_METHODS, ids=lambda terms: terms.method)
def test_a_request_below_the_method_amount_limits_the_grant(terms):
    result = calculate(terms, FinancingPlan(eligible_costs=D("2000.00"), requested=D("400.40")))
    assert result.grant == D("400.40")
    assert result.capped_by == "requested"


def test_a_request_above_the_method_amount_does_not_raise_the_grant():
    result = calculate(VOLL, FinancingPlan(eligible_costs=D("2000.00"), requested=D("2500.00")))
    assert result.grant == D("2000.00")
    assert result.capped_by is None


def test_a_request_equal_to_the_method_amount_limits_nothing():
    result = calculate(VOLL, FinancingPlan(eligible_costs=D("2000.00"), requested=D("2000.00")))
    assert result.grant == D("2000.00")
    assert result.capped_by is None


def test_the_request_is_named_when_it_ties_with_the_programme_maximum():
    terms = FinancingTerms(method="voll", max_amount=D("1500.00"))
    result = calculate(terms, FinancingPlan(eligible_costs=D("2000.00"), requested=D("1500.00")))
    assert result.grant == D("1500.00")
    assert result.capped_by == "requested"


def test_the_programme_maximum_binds_when_it_is_below_the_request():
    terms = FinancingTerms(method="voll", max_amount=D("1000.00"))
    result = calculate(terms, FinancingPlan(eligible_costs=D("2000.00"), requested=D("1500.00")))
    assert result.grant == D("1000.00")
    assert result.capped_by == "max_amount"


def test_a_request_of_zero_gives_no_grant():
    result = calculate(VOLL, FinancingPlan(eligible_costs=D("2000.00"), requested=D("0")))
    assert result.grant == D("0.00")
    assert result.capped_by == "requested"


def test_inputs_with_more_than_two_decimals_never_raise_the_grant():
    # Costs are cut down to 1000.00 and own funds rounded up to 100.01, so the grant stays below 1000.009 - 100.001.
    plan = FinancingPlan(eligible_costs=D("1000.009"), own_funds=D("100.001"))
    result = calculate(FEHLBEDARF, plan)
    assert result.grant == D("899.99")
    assert result.grant <= D("1000.009") - D("100.001")
    assert calculate(VOLL, FinancingPlan(eligible_costs=D("99.999"))).grant == D("99.99")


def test_integers_are_accepted_as_amounts():
    result = calculate(FinancingTerms(method="voll", max_amount=5000), FinancingPlan(eligible_costs=1200))
    assert result.grant == D("1200.00")


def test_the_explanation_formats_amounts_in_german():
    terms = anteil("33.5")
    with translation.override("de"):
        result = compute_grant(terms, FinancingPlan(eligible_costs=D("10000.00")))
    assert "33,5 %" in result.explanation
    assert "10.000,00" in result.explanation
    assert "3.350,00" in result.explanation


# Errors


@pytest.mark.parametrize(
    "terms",
    [
        FinancingTerms(method="lump", max_amount=CAP),
        FinancingTerms(method="", max_amount=CAP),
        FinancingTerms(method="anteil", max_amount=CAP),
        FinancingTerms(method="anteil", max_amount=CAP, share_percent=D("0")),
        FinancingTerms(method="anteil", max_amount=CAP, share_percent=D("-10")),
        FinancingTerms(method="anteil", max_amount=CAP, share_percent=D("100.01")),
        FinancingTerms(method="festbetrag", max_amount=CAP),
        FinancingTerms(method="festbetrag", max_amount=CAP, fixed_amount=D("0")),
        FinancingTerms(method="festbetrag", max_amount=CAP, fixed_amount=D("-1.00")),
        FinancingTerms(method="voll", max_amount=D("-0.01")),
        FinancingTerms(method="voll", max_amount=D("NaN")),
        FinancingTerms(method="voll", max_amount=1000.0),
    ],
    ids=[
        "unknown method",
        "empty method",
        "share missing",
        "share zero",
        "share negative",
        "share above 100",
        "fixed amount missing",
        "fixed amount zero",
        "fixed amount negative",
        "negative cap",
        "cap not a number",
        "cap as float",
    ],
)
def test_unusable_terms_are_refused(terms):
    with pytest.raises(FinancingError):
        compute_grant(terms, FinancingPlan(eligible_costs=D("1000.00")))


@pytest.mark.parametrize(
    "plan",
    [
        FinancingPlan(eligible_costs=D("-1.00")),
        FinancingPlan(eligible_costs=D("1000.00"), own_funds=D("-0.01")),
        FinancingPlan(eligible_costs=D("1000.00"), third_party_funds=D("-5")),
        FinancingPlan(eligible_costs=D("1000.00"), requested=D("-100.00")),
        FinancingPlan(eligible_costs=D("Infinity")),
        FinancingPlan(eligible_costs=1000.0),
        FinancingPlan(eligible_costs="1000.00"),
        FinancingPlan(eligible_costs=D("1000.00"), own_funds=None),
    ],
    ids=[
        "negative costs",
        "negative own funds",
        "negative third-party funds",
        "negative request",
        "infinite costs",
        "costs as float",
        "costs as text",
        "own funds missing",
    ],
)
def test_unusable_plans_are_refused(plan):
    with pytest.raises(FinancingError):
        compute_grant(FEHLBEDARF, plan)


def test_a_financing_error_is_a_value_error():
    with pytest.raises(ValueError):
        compute_grant(FinancingTerms(method="lump", max_amount=CAP), FinancingPlan(eligible_costs=D("1")))


def test_a_share_or_fixed_amount_is_ignored_by_methods_that_do_not_use_it():
    terms = FinancingTerms(method="voll", max_amount=CAP, share_percent=D("50"), fixed_amount=D("10"))
    assert calculate(terms, FinancingPlan(eligible_costs=D("800.00"))).grant == D("800.00")


# Properties

money = st.decimals(min_value=0, max_value=10**7, places=2)
shares = st.decimals(min_value=D("0.01"), max_value=100, places=2)
fixed_amounts = st.decimals(min_value=D("0.01"), max_value=10**7, places=2)

terms_strategy = st.one_of(
    st.builds(FinancingTerms, method=st.just("anteil"), max_amount=money, share_percent=shares),
    st.builds(FinancingTerms, method=st.just("fehlbedarf"), max_amount=money),
    st.builds(FinancingTerms, method=st.just("festbetrag"), max_amount=money, fixed_amount=fixed_amounts),
    st.builds(FinancingTerms, method=st.just("voll"), max_amount=money),
)
plans = st.builds(
    FinancingPlan,
    eligible_costs=money,
    own_funds=money,
    third_party_funds=money,
    requested=st.none() | money,
)

# The autouse cache fixture in conftest is harmless to reuse across examples.
property_settings = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def has_cents(amount: Decimal) -> bool:
    return amount.as_tuple().exponent == -2


@property_settings
@given(terms=terms_strategy, plan=plans)
def test_the_grant_stays_within_every_limit(terms, plan):
    result = calculate(terms, plan)
    assert D(0) <= result.grant <= terms.max_amount
    assert result.grant <= plan.eligible_costs
    assert result.grant <= result.by_method
    if plan.requested is not None:
        assert result.grant <= plan.requested
    assert all(
        has_cents(amount)
        for amount in (result.grant, result.by_method, result.total_funding, result.shortfall, result.surplus)
    )


@property_settings
@given(terms=terms_strategy, plan=plans)
def test_the_grant_is_the_smallest_of_method_cap_and_request(terms, plan):
    result = calculate(terms, plan)
    limits = [result.by_method, terms.max_amount] + ([plan.requested] if plan.requested is not None else [])
    assert result.grant == min(limits)
    if result.capped_by is None:
        assert result.grant == result.by_method
    elif result.capped_by == "max_amount":
        assert result.grant == terms.max_amount < result.by_method
    else:
        assert result.capped_by == "requested"
        assert result.grant == plan.requested < result.by_method


@property_settings
@given(terms=terms_strategy, plan=plans)
def test_shortfall_and_surplus_balance_the_funding(terms, plan):
    result = calculate(terms, plan)
    assert result.total_funding == plan.own_funds + plan.third_party_funds + result.grant
    assert not (result.shortfall > 0 and result.surplus > 0)
    assert result.shortfall >= 0 and result.surplus >= 0
    assert result.total_funding - plan.eligible_costs == result.surplus - result.shortfall
    assert result.explanation


@property_settings
@given(cap=money, plan=plans)
def test_shortfall_financing_never_over_finances(cap, plan):
    result = calculate(FinancingTerms(method="fehlbedarf", max_amount=cap), plan)
    if plan.own_funds + plan.third_party_funds <= plan.eligible_costs:
        assert result.grant + plan.own_funds + plan.third_party_funds <= plan.eligible_costs
        assert result.surplus == 0
        if result.capped_by is None:
            assert result.total_funding == plan.eligible_costs
    else:
        assert result.grant == 0


@property_settings
@given(terms=terms_strategy, costs=money, more=money)
def test_higher_costs_never_lower_the_grant(terms, costs, more):
    lower = calculate(terms, FinancingPlan(eligible_costs=costs)).grant
    higher = calculate(terms, FinancingPlan(eligible_costs=costs + more)).grant
    assert lower <= higher


fine_money = st.decimals(min_value=0, max_value=10**7, places=4)


@property_settings
@given(costs=fine_money, own=fine_money, third=fine_money, share=st.decimals(min_value=D("0.0001"), max_value=100))
def test_sub_cent_inputs_never_yield_more_than_the_exact_rule(costs, own, third, share):
    plan = FinancingPlan(eligible_costs=costs, own_funds=own, third_party_funds=third)
    shortfall = calculate(FinancingTerms(method="fehlbedarf", max_amount=D(10**8)), plan)
    assert shortfall.grant <= max(costs - own - third, D(0))
    share_result = calculate(FinancingTerms(method="anteil", max_amount=D(10**8), share_percent=share), plan)
    assert share_result.grant <= costs * share / 100
    assert has_cents(shortfall.grant) and has_cents(share_result.grant)
