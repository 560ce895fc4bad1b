"""Numbers in messages and in typed amounts follow the page's language: "0,01" on a German page, "0.01" on an
English one; an amount that could be read two ways is asked about, not guessed."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext

from applications.fields import MoneyField
from tests.factories import ApplicationFactory
from tests.test_application_form import formset


class AmountForm(forms.Form):
    amount = MoneyField(label="Betrag")


def at_least(limit: str) -> str:
    return gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": limit}


def test_the_smallest_grant_is_named_with_a_decimal_comma_on_the_german_page(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)

    response = client.post(
        f"/applications/{draft.pk}/edit/financing/",
        {"own_funds": "300", "requested_amount": "0", **formset("funds", [])},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert at_least("0,01") in page
    assert "0.01" not in page


@pytest.mark.parametrize(("language", "limit"), [("de", "0,01"), ("en", "0.01"), ("ru", "0,01")])
def test_a_limit_is_written_the_way_the_page_writes_numbers(language, limit):
    with translation.override(language):
        form = AmountForm({"amount": "0"})
        assert not form.is_valid()
        assert form.errors["amount"] == [at_least(limit)]


def ambiguous(thousands: str, decimal: str) -> str:
    return gettext(
        "Did you mean %(thousands)s or %(decimal)s? Write the amount with a comma before the cents, for example "
        "%(thousands)s."
    ) % {"thousands": thousands, "decimal": decimal}


def test_twelve_comma_three_four_five_on_a_german_page_is_asked_about_and_kept(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)

    response = client.post(
        f"/applications/{draft.pk}/edit/financing/",
        {"own_funds": "300", "requested_amount": "12,345", **formset("funds", [])},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert ambiguous("12.345,00", "12,35") in page
    assert 'value="12,345"' in page
    draft.refresh_from_db()
    assert draft.requested_amount != Decimal("12345")


def test_on_an_english_page_a_comma_groups_thousands():
    with translation.override("en"):
        form = AmountForm({"amount": "12,345"})
        assert form.is_valid()
        assert form.cleaned_data["amount"] == Decimal("12345")


@pytest.mark.parametrize(
    ("typed", "thousands", "decimal"), [("12,345", "12.345,00", "12,35"), ("1,500", "1.500,00", "1,50")]
)
def test_on_a_german_page_a_comma_with_three_digits_is_asked_about(typed, thousands, decimal):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [ambiguous(thousands, decimal)]
