"""Eligibility: a programme's rules against what is known about an applicant and a project, without a database."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.eligibility import Facts, ProgrammeRules, Unmet, check

TODAY = date(2026, 3, 2)
RULES = ProgrammeRules(min_amount=Decimal("500.00"), max_amount=Decimal("15000.00"))
RULE_CODES = {
    "legal_form",
    "seat",
    "amount_range",
    "own_share",
    "period_missing",
    "period_order",
    "period_window",
    "started_before_application",
    "documents",
    "police_certificate",
    "overdue_proof_of_use",
    "amount_missing",
    "costs_missing",
}
LEGAL_FORMS = ["ev", "ggmbh", "religious", "other", "informal"]
SEATS = ["bremen", "bremerhaven"]
DOCUMENT_KINDS = ["statutes", "tax_exemption", "project_description", "police_certificate"]


@pytest.fixture(autouse=True)
def english():
    """Expected texts are the English source strings; German gets its own test."""
    with translation.override("en"):
        yield


def codes(unmet: list[Unmet]) -> list[str]:
    return [item.rule for item in unmet]


def only(unmet: list[Unmet], rule: str) -> Unmet:
    assert codes(unmet) == [rule]
    return unmet[0]


# Legal form


def test_an_informal_initiative_is_told_how_to_apply_through_a_sponsor():
    rules = replace(RULES, allowed_legal_forms=frozenset({"ev", "ggmbh"}))

    unmet = only(check(rules, Facts(applied_on=TODAY, legal_form="informal")), "legal_form")

    assert "legal form" in unmet.reason
    assert "sponsor (Träger)" in unmet.what_to_do
    assert "neighbourhood fund" in unmet.what_to_do
    assert check(rules, Facts(applied_on=TODAY, legal_form="ev")) == []


def test_a_legal_form_the_programme_does_not_take_is_named_together_with_those_it_takes():
    rules = replace(RULES, allowed_legal_forms=frozenset({"ggmbh", "ev"}))

    unmet = only(check(rules, Facts(applied_on=TODAY, legal_form="religious")), "legal_form")

    assert unmet.reason == "This programme is not open to your legal form: religious community."
    assert "registered association (e.V.), non-profit company (gGmbH, gUG)" in unmet.what_to_do


def test_every_legal_form_may_apply_when_the_programme_names_none():
    for legal_form in LEGAL_FORMS:
        assert check(RULES, Facts(applied_on=TODAY, legal_form=legal_form)) == []


# Seat


def test_an_organisation_in_bremerhaven_cannot_apply_to_a_programme_for_the_city_of_bremen():
    bremen_only = replace(RULES, seat_scope="bremen")

    unmet = only(check(bremen_only, Facts(applied_on=TODAY, seat="bremerhaven")), "seat")

    assert "city of Bremen" in unmet.reason
    assert "Bremerhaven" in unmet.what_to_do
    assert check(bremen_only, Facts(applied_on=TODAY, seat="bremen")) == []


def test_an_organisation_in_bremen_cannot_apply_to_a_programme_for_bremerhaven():
    bremerhaven_only = replace(RULES, seat_scope="bremerhaven")

    only(check(bremerhaven_only, Facts(applied_on=TODAY, seat="bremen")), "seat")
    assert check(bremerhaven_only, Facts(applied_on=TODAY, seat="bremerhaven")) == []


def test_a_programme_for_both_cities_takes_either_seat():
    for seat in SEATS:
        assert check(RULES, Facts(applied_on=TODAY, seat=seat)) == []


def test_a_misconfigured_seat_scope_fails_loudly():
    with pytest.raises(ValueError):
        replace(RULES, seat_scope="Bremen")


# Amount


def test_the_requested_amount_must_lie_within_the_programme_limits():
    for amount in ("500.00", "15000.00", "7000.00"):
        assert check(RULES, Facts(applied_on=TODAY, requested_amount=Decimal(amount))) == []

    for amount in ("499.99", "15000.01"):
        unmet = only(check(RULES, Facts(applied_on=TODAY, requested_amount=Decimal(amount))), "amount_range")
        assert unmet.reason == "This programme grants between 500.00 EUR and 15,000.00 EUR."
        assert "500.00 EUR" in unmet.what_to_do and "15,000.00 EUR" in unmet.what_to_do
        assert unmet.field == "requested_amount"


# Own share


def test_own_funds_exactly_at_the_required_share_are_enough_and_one_cent_less_is_not():
    rules = replace(RULES, own_share_percent=Decimal("10"))
    facts = Facts(applied_on=TODAY, total_costs=Decimal("1234.50"))

    assert check(rules, replace(facts, own_funds=Decimal("123.45"))) == []
    unmet = only(check(rules, replace(facts, own_funds=Decimal("123.44"))), "own_share")

    assert unmet.reason == (
        "This programme asks you to pay 10 % of the total costs yourself. That is 123.45 EUR, but you plan 123.44 EUR."
    )
    assert "at least 123.45 EUR" in unmet.what_to_do
    assert unmet.field == "own_funds"


def test_the_own_share_needed_is_rounded_up_to_the_cent():
    rules = replace(RULES, own_share_percent=Decimal("12.5"))
    facts = Facts(applied_on=TODAY, total_costs=Decimal("1000.03"), own_funds=Decimal("125.00"))

    unmet = only(check(rules, facts), "own_share")

    assert "12.5 %" in unmet.reason
    assert "at least 125.01 EUR" in unmet.what_to_do  # 125.00375 EUR
    assert check(rules, replace(facts, own_funds=Decimal("125.01"))) == []


def test_no_own_funds_are_needed_when_the_programme_asks_for_none():
    facts = Facts(applied_on=TODAY, total_costs=Decimal("2000.00"), own_funds=Decimal("0"))

    assert check(RULES, facts) == []
    assert "own_share" not in codes(check(RULES, replace(facts, own_funds=None), complete=True))


# Project period


def test_at_submission_a_missing_project_period_is_reported_for_each_date():
    facts = Facts(applied_on=TODAY, requested_amount=Decimal("1000"), total_costs=Decimal("1000"))

    unmet = check(RULES, facts, complete=True)

    assert [(item.rule, item.field) for item in unmet] == [
        ("period_missing", "period_start"),
        ("period_missing", "period_end"),
    ]
    assert unmet[0].what_to_do == "Enter when the project starts."
    assert codes(check(RULES, replace(facts, period_start=TODAY), complete=True)) == ["period_missing"]
    assert check(RULES, facts) == []


def test_a_project_cannot_end_before_it_starts():
    facts = Facts(applied_on=TODAY, period_start=date(2026, 6, 1), period_end=date(2026, 5, 31))

    unmet = only(check(RULES, facts), "period_order")

    assert unmet.reason == "The project cannot end before it starts."
    assert unmet.field == "period_end"
    assert check(RULES, replace(facts, period_end=date(2026, 6, 1))) == []


def test_the_project_must_fit_into_the_period_of_the_call():
    rules = replace(RULES, project_period_start=date(2026, 4, 1), project_period_end=date(2026, 12, 31))
    facts = Facts(applied_on=TODAY, period_start=date(2026, 4, 1), period_end=date(2026, 12, 31))

    assert check(rules, facts) == []
    too_early = only(check(rules, replace(facts, period_start=date(2026, 3, 31))), "period_window")
    too_late = only(check(rules, replace(facts, period_end=date(2027, 1, 1))), "period_window")

    assert too_early.reason == "In this call, projects must take place between April 1, 2026 and December 31, 2026."
    assert too_early.field == "period_start"
    assert too_late.field == "period_end"


def test_a_call_window_open_on_one_side_is_explained_by_that_side():
    starts = replace(RULES, project_period_start=date(2026, 4, 1))
    ends = replace(RULES, project_period_end=date(2026, 12, 31))

    early = only(check(starts, Facts(applied_on=TODAY, period_start=date(2026, 3, 31))), "period_window")
    late = only(check(ends, Facts(applied_on=TODAY, period_end=date(2027, 1, 1))), "period_window")

    assert early.reason == "In this call, projects can start on April 1, 2026 at the earliest."
    assert late.reason == "In this call, projects must end by December 31, 2026 at the latest."
    assert check(starts, Facts(applied_on=TODAY, period_start=date(2030, 1, 1))) == []
    assert check(ends, Facts(applied_on=TODAY, period_end=date(2026, 12, 31))) == []


def test_a_project_that_has_already_started_cannot_be_funded_unless_an_early_start_was_granted():
    facts = Facts(applied_on=TODAY, period_start=TODAY - timedelta(days=1))

    unmet = only(check(RULES, facts), "started_before_application")

    assert unmet.reason == "A project that has already started cannot be funded."
    assert "from March 2, 2026 on" in unmet.what_to_do
    assert "vorzeitiger Maßnahmebeginn" in unmet.what_to_do
    assert unmet.field == "period_start"
    assert check(RULES, replace(facts, early_start_granted=True)) == []
    assert check(RULES, replace(facts, period_start=TODAY)) == []


# Documents


def test_the_required_documents_depend_on_the_legal_form_and_the_star_key_applies_to_all():
    rules = replace(
        RULES,
        required_documents={
            "ev": frozenset({"statutes", "tax_exemption"}),
            "*": frozenset({"project_description"}),
        },
    )

    association = only(
        check(rules, Facts(applied_on=TODAY, legal_form="ev", documents=frozenset({"project_description"}))),
        "documents",
    )
    initiative = only(check(rules, Facts(applied_on=TODAY, legal_form="informal", documents=frozenset())), "documents")

    assert association.reason == "These documents are missing: statutes, tax exemption notice."
    assert association.field == "documents"
    assert initiative.reason == "This document is missing: project description."
    everything = frozenset({"statutes", "tax_exemption", "project_description"})
    assert check(rules, Facts(applied_on=TODAY, legal_form="ev", documents=everything)) == []
    assert check(rules, Facts(applied_on=TODAY, legal_form="ev")) == []  # documents unknown: skipped


def test_a_project_with_minors_needs_the_extended_police_certificate():
    rules = replace(RULES, required_documents={"*": frozenset({"project_description"})})
    facts = Facts(applied_on=TODAY, works_with_minors=True, documents=frozenset({"project_description"}))

    unmet = only(check(rules, facts), "police_certificate")

    assert "children and young people" in unmet.reason
    assert "free of charge for volunteers" in unmet.what_to_do
    assert "confirmation from your organisation" in unmet.what_to_do
    assert check(rules, replace(facts, documents=frozenset({"project_description", "police_certificate"}))) == []
    assert check(rules, replace(facts, works_with_minors=False)) == []
    assert check(replace(rules, police_certificate_for_minors=False), facts) == []


def test_a_missing_police_certificate_is_listed_with_the_other_missing_documents():
    rules = replace(RULES, required_documents={"*": frozenset({"project_description"})})

    unmet = only(check(rules, Facts(applied_on=TODAY, works_with_minors=True, documents=frozenset())), "documents")

    assert unmet.reason == "These documents are missing: project description, extended police certificate."


# Proof of use


def test_an_overdue_proof_of_use_has_to_be_submitted_first():
    unmet = only(check(RULES, Facts(applied_on=TODAY, has_overdue_proof_of_use=True)), "overdue_proof_of_use")

    assert "Verwendungsnachweis" in unmet.reason
    assert "overdue proof of use" in unmet.what_to_do
    assert check(RULES, Facts(applied_on=TODAY, has_overdue_proof_of_use=False)) == []


# Public check and submission


def strict_rules() -> ProgrammeRules:
    return ProgrammeRules(
        min_amount=Decimal("500.00"),
        max_amount=Decimal("15000.00"),
        allowed_legal_forms=frozenset({"ev"}),
        seat_scope="bremen",
        own_share_percent=Decimal("10"),
        required_documents={"*": frozenset({"project_description"})},
        project_period_start=date(2026, 4, 1),
        project_period_end=date(2026, 12, 31),
    )


def test_the_public_check_skips_every_rule_whose_facts_are_unknown():
    rules = strict_rules()

    assert check(rules, Facts(applied_on=TODAY)) == []
    assert codes(check(rules, Facts(applied_on=TODAY, legal_form="informal"))) == ["legal_form"]
    assert codes(check(rules, Facts(applied_on=TODAY, total_costs=Decimal("1000")))) == []  # own funds unknown
    assert codes(check(rules, Facts(applied_on=TODAY, works_with_minors=True))) == []  # documents unknown


def test_at_submission_missing_facts_are_reported_themselves():
    unmet = check(strict_rules(), Facts(applied_on=TODAY, legal_form="ev", seat="bremen"), complete=True)

    assert codes(unmet) == ["period_missing", "period_missing", "documents", "amount_missing", "costs_missing"]
    assert [item.field for item in unmet][-2:] == ["requested_amount", "total_costs"]
    assert unmet[2].reason == "This document is missing: project description."  # minors unknown: no certificate


def test_at_submission_unknown_own_funds_count_as_none():
    facts = Facts(applied_on=TODAY, total_costs=Decimal("1000.00"))

    assert "own_share" not in codes(check(strict_rules(), facts))
    assert "own_share" in codes(check(strict_rules(), facts, complete=True))


def test_unmet_rules_come_in_a_fixed_order():
    facts = Facts(
        applied_on=TODAY,
        legal_form="informal",
        seat="bremerhaven",
        requested_amount=Decimal("20000"),
        total_costs=Decimal("30000"),
        own_funds=Decimal("0"),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 2, 1),
        works_with_minors=True,
        documents=frozenset({"project_description"}),
        has_overdue_proof_of_use=True,
    )

    assert codes(check(strict_rules(), facts, complete=True)) == [
        "legal_form",
        "seat",
        "amount_range",
        "own_share",
        "period_order",
        "period_window",
        "started_before_application",
        "police_certificate",
        "overdue_proof_of_use",
    ]


# Languages


def test_messages_are_built_in_the_active_language_when_check_runs():
    facts = Facts(applied_on=TODAY, requested_amount=Decimal("100"), period_start=TODAY - timedelta(days=1))
    english_reason = "A project that has already started cannot be funded."

    with translation.override("en"):
        english = check(RULES, facts)
    with translation.override("de"):
        german = check(RULES, facts)
        german_reason = translation.gettext(english_reason)

    assert english[0].reason == "This programme grants between 500.00 EUR and 15,000.00 EUR."
    assert "500,00" in german[0].reason and "15.000,00" in german[0].reason
    assert english[1].reason == english_reason
    assert german[1].reason == german_reason != english_reason
    assert "2. März 2026" in german[1].what_to_do


# Properties

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
legal_forms = st.one_of(st.sampled_from(LEGAL_FORMS), st.text(max_size=8))
document_kinds = st.one_of(st.sampled_from(DOCUMENT_KINDS), st.text(max_size=8))


@st.composite
def programme_rules(draw) -> ProgrammeRules:
    low, high = sorted([draw(money), draw(money)])
    window = sorted([draw(dates), draw(dates)])
    return ProgrammeRules(
        min_amount=low,
        max_amount=high,
        allowed_legal_forms=draw(st.frozensets(legal_forms, max_size=3)),
        seat_scope=draw(st.sampled_from(["bremen", "bremerhaven", "either"])),
        own_share_percent=draw(st.decimals(min_value=0, max_value=100, places=2)),
        required_documents=draw(
            st.dictionaries(st.one_of(st.just("*"), legal_forms), st.frozensets(document_kinds, max_size=3), max_size=4)
        ),
        police_certificate_for_minors=draw(st.booleans()),
        project_period_start=draw(st.one_of(st.none(), st.just(window[0]))),
        project_period_end=draw(st.one_of(st.none(), st.just(window[1]))),
    )


@st.composite
def any_facts(draw) -> Facts:
    return Facts(
        applied_on=draw(dates),
        legal_form=draw(st.none() | legal_forms),
        seat=draw(st.none() | st.sampled_from(SEATS)),
        requested_amount=draw(st.none() | money),
        total_costs=draw(st.none() | money),
        own_funds=draw(st.none() | money),
        period_start=draw(st.none() | dates),
        period_end=draw(st.none() | dates),
        early_start_granted=draw(st.booleans()),
        works_with_minors=draw(st.none() | st.booleans()),
        documents=draw(st.none() | st.frozensets(document_kinds, max_size=5)),
        has_overdue_proof_of_use=draw(st.none() | st.booleans()),
    )


@st.composite
def rules_and_facts_that_meet_them(draw) -> tuple[ProgrammeRules, Facts]:
    rules = draw(programme_rules())
    if rules.allowed_legal_forms:
        legal_form = draw(st.sampled_from(sorted(rules.allowed_legal_forms)))
    else:
        legal_form = draw(legal_forms)
    seat = rules.seat_scope if rules.seat_scope != "either" else draw(st.sampled_from(SEATS))
    requested = draw(st.decimals(min_value=rules.min_amount, max_value=rules.max_amount, places=2))
    total_costs = requested + draw(money)
    needed = (total_costs * rules.own_share_percent / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    start = draw(
        st.dates(
            min_value=rules.project_period_start or date(2020, 1, 1),
            max_value=rules.project_period_end or date(2035, 12, 31),
        )
    )
    end = draw(st.dates(min_value=start, max_value=rules.project_period_end or date(2035, 12, 31)))
    works_with_minors = draw(st.booleans())
    documents = rules.required_documents.get("*", frozenset()) | rules.required_documents.get(legal_form, frozenset())
    if works_with_minors:
        documents |= {"police_certificate"}
    facts = Facts(
        applied_on=draw(st.dates(min_value=date(2019, 1, 1), max_value=start)),
        legal_form=legal_form,
        seat=seat,
        requested_amount=requested,
        total_costs=total_costs,
        own_funds=needed + draw(money),
        period_start=start,
        period_end=end,
        early_start_granted=draw(st.booleans()),
        works_with_minors=works_with_minors,
        documents=documents | draw(st.frozensets(document_kinds, max_size=2)),
        has_overdue_proof_of_use=draw(st.sampled_from([False, None])),
    )
    return rules, facts


@settings(deadline=None)
@given(rules=programme_rules(), facts=any_facts(), complete=st.booleans(), language=st.sampled_from(["de", "en"]))
def test_check_never_raises_and_always_explains_what_to_do(rules, facts, complete, language):
    with translation.override(language):
        unmet = check(rules, facts, complete=complete)

    for item in unmet:
        assert item.rule in RULE_CODES
        assert isinstance(item.reason, str) and item.reason.strip()
        assert isinstance(item.what_to_do, str) and item.what_to_do.strip()
        assert "%(" not in item.reason and "%(" not in item.what_to_do
    repeated = {code for code in codes(unmet) if codes(unmet).count(code) > 1}
    assert repeated <= {"period_missing"}  # once for the start, once for the end


@settings(deadline=None)
@given(case=rules_and_facts_that_meet_them())
def test_facts_that_meet_every_rule_by_construction_yield_nothing(case):
    rules, facts = case

    assert check(rules, facts, complete=True) == []
    assert check(rules, facts) == []
