"""Applicants get clear messages next to the field, in their language, and nothing they typed is lost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.fields import AmbiguousAmount, parse_amount
from applications.models import Application, ApplicationStatus
from tests.factories import ApplicationFactory, CallFactory


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_a_bad_amount_keeps_everything_typed_and_says_what_is_wrong(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)
    response = client.post(
        f"/applications/{draft.pk}/edit/financing/",
        {"own_funds": "300", "requested_amount": "zweitausend",
         **formset("funds", [{"funder": "Stiftung Nord", "amount": "1.000,00", "status": "applied"}])},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie einen Betrag in Euro ein" in page
    assert 'value="zweitausend"' in page and 'value="Stiftung Nord"' in page and 'value="300"' in page
    assert 'aria-invalid="true"' in page and 'href="#id_requested_amount"' in page
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("2500.00") and not draft.third_party_funds.exists()


def test_a_bad_quantity_in_the_cost_plan_keeps_every_line(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)
    rows = [
        {"category": "staff", "description": "Honorare", "quantity": "viele", "unit_price": "150,00"},
        {"category": "rent", "description": "Raummiete", "quantity": "10", "unit_price": "25"},
    ]
    response = client.post(f"/applications/{draft.pk}/edit/costs/", formset("costs", rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie eine Zahl ein" in page
    assert 'value="viele"' in page and 'value="Raummiete"' in page
    assert not draft.cost_lines.exists()


def test_the_cost_plan_adds_up_and_the_grant_is_shown_before_submission(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)
    rows = [
        {"category": "staff", "description": "Honorare", "quantity": "20", "unit_price": "150,00"},
        {"category": "material", "description": "Material", "quantity": "2,5", "unit_price": "40,10"},
        {"category": "staff", "description": "", "quantity": "", "unit_price": ""},
    ]
    client.post(f"/applications/{draft.pk}/edit/costs/", formset("costs", rows))
    assert draft.cost_lines.count() == 2
    client.post(
        f"/applications/{draft.pk}/edit/financing/",
        {"own_funds": "100,25", "requested_amount": "3.000,00",
         **formset("funds", [{"funder": "Stiftung Nord", "amount": "500", "status": "granted"}])},
    )  # fmt: skip
    page = client.get(f"/applications/{draft.pk}/edit/financing/").content.decode()
    assert "3.100,25 EUR" in page  # 20 × 150,00 + 2,5 × 40,10
    assert "2.500,00 EUR" in page  # shortfall: 3.100,25 − 100,25 − 500,00
    submit = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "höchstens 2.500,00 EUR" in submit or "at most 2,500.00 EUR" in submit


def test_an_end_before_the_start_is_refused_next_to_the_end_date(client, alice, call):
    client.force_login(alice)
    today = timezone.localdate()
    response = client.post(
        f"/calls/{call.pk}/apply/",
        {"title": "Sprachcafé", "period_start": (today + timedelta(days=40)).isoformat(),
         "period_end": (today + timedelta(days=10)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "period_end" in response.context["form"].errors


def test_a_half_finished_draft_is_saved_and_can_be_continued_by_another_member(client, alice, bob, call):
    client.force_login(alice)
    response = client.post(f"/calls/{call.pk}/apply/", {"title": "Hausaufgabenhilfe", "save": ""})
    application = Application.objects.get()
    assert response.status_code == 302 and application.status == ApplicationStatus.DRAFT

    client.force_login(bob)
    client.post(f"/applications/{application.pk}/edit/project/", {"title": "Hausaufgabenhilfe", "summary": "Von Bob."})
    client.post(
        f"/applications/{application.pk}/edit/financing/",
        {"own_funds": "0", "requested_amount": "1.500,50", **formset("funds", [])},
    )
    application.refresh_from_db()
    assert application.summary == "Von Bob."
    assert application.requested_amount == Decimal("1500.50")


def test_a_missing_cost_plan_blocks_the_submission(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)
    client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_the_submission_page_lists_what_is_missing(client, alice, organisation, call):
    draft = ApplicationFactory(
        organisation=organisation, call=call, created_by=alice, summary="", requested_amount=None
    )
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "beschreiben Sie das Projekt" in page
    assert "geben Sie den Betrag ein, den Sie beantragen" in page
    assert client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"}).status_code == 200
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_an_amount_outside_the_programme_range_is_explained(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, requested_amount=Decimal("50"))
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "500,00" in page and "15.000,00" in page


def test_a_member_who_may_not_sign_is_told_to_ask_a_representative(client, bob, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=bob)
    client.force_login(bob)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "vertretungsberechtigte" in page
    assert client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_after_the_deadline_the_draft_is_kept_but_cannot_be_submitted(client, alice, organisation):
    call = CallFactory(opens_at=timezone.now() - timedelta(days=30), last_day=timezone.localdate() - timedelta(days=1))
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "nicht mehr eingereicht werden" in page
    client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert client.get(f"/applications/{draft.pk}/edit/project/").status_code == 200


def test_submitting_without_the_confirmation_is_refused_next_to_the_checkbox(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    response = client.post(f"/applications/{draft.pk}/submit/", {})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie" in response.content.decode()


def test_a_staff_proposal_to_approve_needs_an_amount(client, in_decision, clerk):
    from tests.support.process import open_task
    from workflow.flows import FundingFlow

    application = in_decision()
    task = open_task(application, FundingFlow.propose)
    client.force_login(clerk)
    response = client.post(f"/staff/tasks/{task.pk}/", {"outcome": "approve", "amount": "", "reasons": "gut"})
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert "gut</textarea>" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500,50", "1500.50"),
        ("1500,50", "1500.50"),
        ("1500.50", "1500.50"),
        ("1.500", "1500"),
        ("1,500.25", "1500.25"),
        ("2 000 €", "2000"),
        ("12.345.678,9", "12345678.9"),
    ],
)
def test_amounts_are_read_the_way_people_write_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(("typed", "thousands"), [("1,500", "1500"), ("12,345", "12345")])
def test_a_comma_before_three_digits_is_asked_about_unless_the_page_writes_numbers_the_english_way(typed, thousands):
    # "1,500" used to be read as 1500 everywhere; on a German page it may as well mean 1,50, so it is asked about.
    assert parse_amount(typed, comma_groups_thousands=True) == Decimal(thousands)
    with pytest.raises(AmbiguousAmount):
        parse_amount(typed)


def test_several_comma_groups_cannot_be_cents_and_stay_thousands():
    assert parse_amount("1,234,567") == Decimal("1234567")


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "NaN", "Infinity", "--5"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


@pytest.mark.parametrize(
    ("language", "shown", "example"),
    [
        ("de", 'value="1234,50"', "1.500,00"),
        ("en", 'value="1234.50"', "1,500.00"),
        ("ru", 'value="1234,50"', "1.500,00"),
    ],
)
def test_amounts_are_prefilled_and_explained_in_the_pages_language(language, shown, example):
    from django import forms
    from django.utils import translation

    from applications.fields import MoneyField

    class AmountForm(forms.Form):
        amount = MoneyField(label="Betrag")

    with translation.override(language):
        assert shown in str(AmountForm(initial={"amount": Decimal("1234.5")})["amount"])
        bad = AmountForm({"amount": "zwölf Euro"})
        assert not bad.is_valid()
        assert example in bad.errors["amount"][0]
        # What the page prefilled reads back as the same amount.
        assert AmountForm({"amount": shown.split('"')[1]}).is_valid()
