"""The account grants are paid into: representatives give and change it, every change stays in the history, plain
members see only its last digits, other organisations find no such page; wrong IBANs and BICs are refused next to
the field without losing what was typed. The issuing authority's own account is checked the same way."""

import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from organisations.models import BankAccount, MembershipRole, OrganisationEvent, OrganisationEventKind
from organisations.selectors import bank_account_current
from organisations.services import bank_account_set
from tests.factories import AuthorityFactory, MembershipFactory, UserFactory

# The IBAN of the ISO 13616 example (Commerzbank, Köln) and two more real-format ones.
COMMERZBANK = "DE89370400440532013000"
SPARKASSE_BREMEN = "DE21290501010001234567"


def said(msgid: str, **values) -> str:
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


def page_of(response) -> str:
    text = response.content.decode().replace("<wbr>", "").replace("<bdi>", "").replace("</bdi>", "")
    text = re.sub(r'<bdi dir="ltr"[^>]*>', "", text)
    return html.unescape(text).replace("\u2068", "").replace("\u2069", "")


def error_next_to(page: str, field: str) -> str:
    """The message printed in the field's own error line (what the input's aria-describedby points to)."""
    found = re.search(rf'<p class="kern-error" id="id_{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def typed_in(page: str, field: str) -> str:
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', page).group(0)
    assert f'aria-describedby="id_{field}-hint id_{field}-error"' in tag or 'aria-invalid="true"' not in tag
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def url(organisation) -> str:
    return f"/organisation/{organisation.pk}/bank-account/"


def test_mod97_check_digits_of_the_examples():
    """Worked by hand: move the country and check digits to the end, letters to numbers (D=13, E=14), mod 97 = 1."""
    for iban in (COMMERZBANK, SPARKASSE_BREMEN):
        digits = iban[4:] + "1314" + iban[2:4]
        assert int(digits) % 97 == 1


def test_a_representative_gives_the_account_typed_with_spaces_and_in_small_letters(client, alice, organisation):
    client.force_login(alice)
    response = client.post(
        url(organisation), {"holder": "  Elternverein  Bremen e.V. ", "iban": "de89 3704 0044 0532 0130 00", "bic": ""}
    )
    assert response.status_code == 302

    account = BankAccount.objects.get(organisation=organisation)
    assert account.iban == COMMERZBANK
    assert account.holder == "Elternverein Bremen e.V."
    assert account.bic == "COBADEFFXXX"  # derived from the bank code 37040044
    assert account.bank_name == "Commerzbank"
    assert account.changed_by == alice

    page = page_of(client.get(response["Location"]))
    assert "DE89 3704 0044 0532 0130 00" in page
    assert "COBADEFFXXX" in page and "Commerzbank" in page
    event = OrganisationEvent.objects.get(organisation=organisation, kind=OrganisationEventKind.BANK_ACCOUNT_CHANGED)
    assert event.actor == alice
    assert event.subject_name.endswith("30 00") and "0532" not in event.subject_name


@pytest.mark.parametrize(
    "typed, message, values",
    [
        (
            "DE88 3704 0044 0532 0130 00",
            "The check digits of this IBAN do not match its other digits, so it probably has a typing error. "
            "Please compare it with your bank statement.",
            {},
        ),
        (
            "DE89 3704 0044 0532 0130 0",
            "An IBAN from %(code)s has %(expected)s characters, but this one has %(actual)s. "
            "Please check for a missing or extra digit.",
            {"code": "DE", "expected": 22, "actual": 21},
        ),
        (
            "XX89 3704 0044 0532 0130 00",
            "%(code)s is not the code of a country that uses IBANs. Please check the first two letters.",
            {"code": "XX"},
        ),
        (
            "TR33 0006 1005 1978 6457 8413 26",
            "Grants can only be paid into accounts in the SEPA area, and %(code)s is not part of it.",
            {"code": "TR"},
        ),
        (
            "DE89 3704 0044 0532 0130 0Ä",
            "An IBAN has only letters and digits, for example DE89 3704 0044 0532 0130 00.",
            {},
        ),
    ],
)
def test_it_refuses_a_wrong_iban_next_to_the_field_and_keeps_what_was_typed(
    client, alice, organisation, typed, message, values
):
    client.force_login(alice)
    response = client.post(url(organisation), {"holder": "Elternverein Bremen e.V.", "iban": typed, "bic": ""})

    assert response.status_code == 400
    page = page_of(response)
    assert error_next_to(page, "iban") == said(message, **values)
    assert typed_in(page, "iban") == typed
    assert typed_in(page, "holder") == "Elternverein Bremen e.V."
    assert not BankAccount.objects.exists()


def test_it_refuses_a_bic_of_another_bank_next_to_the_bic(client, alice, organisation):
    client.force_login(alice)
    response = client.post(url(organisation), {"holder": "Elternverein", "iban": COMMERZBANK, "bic": "deutdedbxxx"})

    assert response.status_code == 400
    page = page_of(response)
    assert error_next_to(page, "bic") == said(
        "This BIC belongs to a different bank than the IBAN. Leave the BIC empty and it will be taken from the IBAN."
    )
    assert typed_in(page, "bic") == "deutdedbxxx"
    assert typed_in(page, "iban") == COMMERZBANK
    assert not BankAccount.objects.exists()


def test_it_refuses_a_bic_of_another_country_and_a_malformed_one(client, alice, organisation):
    client.force_login(alice)
    response = client.post(url(organisation), {"holder": "Elternverein", "iban": COMMERZBANK, "bic": "ABNANL2A"})
    assert error_next_to(page_of(response), "bic") == said(
        "This BIC is for a bank in %(bic_country)s, but the IBAN is for an account in %(iban_country)s.",
        bic_country="NL",
        iban_country="DE",
    )
    response = client.post(url(organisation), {"holder": "Elternverein", "iban": COMMERZBANK, "bic": "COBA"})
    assert error_next_to(page_of(response), "bic") == said(
        "A BIC has 8 or 11 letters and digits, for example COBADEFFXXX."
    )
    assert not BankAccount.objects.exists()


def test_a_bic_of_the_same_bank_is_kept_as_given(alice, organisation):
    account = bank_account_set(
        organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK, bic="cobadeff"
    )
    assert account.bic == "COBADEFF"


def test_every_change_stays_in_the_history_with_who_and_when(client, alice, organisation, time_machine):
    erkan = UserFactory(email="erkan@example.org", first_name="Erkan", last_name="Öztürk")
    MembershipFactory(user=erkan, organisation=organisation, role=MembershipRole.REPRESENTATIVE)

    time_machine.move_to("2026-03-02 10:15 +01:00", tick=False)
    first = bank_account_set(organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK)
    time_machine.move_to("2026-05-20 16:40 +02:00", tick=False)
    second = bank_account_set(organisation=organisation, by=erkan, holder="Elternverein e.V.", iban=SPARKASSE_BREMEN)

    assert bank_account_current(organisation) == second
    assert BankAccount.objects.filter(pk=first.pk).exists()  # nothing is overwritten

    client.force_login(alice)
    page = page_of(client.get(url(organisation)))
    history = page[page.index('id="history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", history, re.S)[1:]
    assert len(rows) == 2
    newest, oldest = (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in rows)
    assert "20.05.2026 16:40" in newest and "Erkan Öztürk (erkan@example.org)" in newest
    assert "DE21 2905 0101 0001 2345 67" in newest
    assert "02.03.2026 10:15" in oldest and "Alice Aydın (alice@example.org)" in oldest
    assert "DE89 3704 0044 0532 0130 00" in oldest


def test_giving_the_current_account_again_adds_nothing(alice, organisation):
    first = bank_account_set(organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK)
    again = bank_account_set(
        organisation=organisation, by=alice, holder="Elternverein", iban="DE89 3704 0044 0532 0130 00"
    )
    assert again == first
    assert BankAccount.objects.count() == 1
    assert OrganisationEvent.objects.filter(kind=OrganisationEventKind.BANK_ACCOUNT_CHANGED).count() == 1


def test_a_plain_member_sees_only_the_last_digits_and_cannot_change_it(client, alice, bob, organisation):
    bank_account_set(organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK)
    client.force_login(bob)

    page = page_of(client.get(url(organisation)))
    assert "DE•• •••• •••• •••• ••30 00" in page
    assert "0532" not in page and COMMERZBANK not in page
    assert 'name="iban"' not in page

    response = client.post(url(organisation), {"holder": "Bob", "iban": SPARKASSE_BREMEN, "bic": ""})
    assert response.status_code == 403
    assert bank_account_current(organisation).iban == COMMERZBANK

    with pytest.raises(PermissionDenied):
        bank_account_set(organisation=organisation, by=bob, holder="Bob", iban=SPARKASSE_BREMEN)
    assert BankAccount.objects.count() == 1


def test_a_member_of_another_organisation_finds_no_such_page(client, alice, charlie, organisation):
    bank_account_set(organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK)
    client.force_login(charlie)

    assert client.get(url(organisation)).status_code == 404
    assert client.post(url(organisation), {"holder": "X", "iban": SPARKASSE_BREMEN}).status_code == 404
    assert bank_account_current(organisation).iban == COMMERZBANK

    with pytest.raises(PermissionDenied):
        bank_account_set(organisation=organisation, by=charlie, holder="X", iban=SPARKASSE_BREMEN)


def test_the_members_page_links_to_the_bank_account(client, bob, organisation):
    client.force_login(bob)
    assert url(organisation) in client.get("/organisation/members/").content.decode()


def test_staff_see_the_accounts_in_the_admin(client, alice, organisation):
    bank_account_set(organisation=organisation, by=alice, holder="Elternverein", iban=COMMERZBANK)
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)

    listing = page_of(client.get("/admin/organisations/bankaccount/"))
    assert "DE89 3704 0044 0532 0130 00" in listing and "Alice Aydın" in listing
    change = page_of(client.get(f"/admin/organisations/organisation/{organisation.pk}/change/"))
    assert "DE89 3704 0044 0532 0130 00" in change


def test_the_authority_account_is_checked_and_normalised(db):
    authority = AuthorityFactory(account_holder="Landeshauptkasse Bremen", iban="de89 3704 0044 0532 0130 00")
    authority.full_clean()
    assert authority.iban == COMMERZBANK
    assert authority.bic == "COBADEFFXXX"

    authority.iban = "DE88370400440532013000"
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert list(refused.value.message_dict) == ["iban"]

    authority.iban, authority.bic = COMMERZBANK, "DEUTDEDBXXX"
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert list(refused.value.message_dict) == ["bic"]


def test_the_authority_may_have_no_account_but_not_half_of_one(db):
    authority = AuthorityFactory()
    authority.full_clean()  # blank is allowed
    authority.bic = "COBADEFFXXX"
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert list(refused.value.message_dict) == ["iban"]


def test_the_admin_shows_the_authority_account_and_refuses_a_wrong_iban_next_to_it(client, db):
    authority = AuthorityFactory()
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/applications/authority/{authority.pk}/change/").content.decode()
    assert 'name="iban"' in page and 'name="bic"' in page and 'name="account_holder"' in page
