"""Text that people type never reverses or reorders the product's own sentences: invisible direction controls are
removed when typed and again when shown, and user text sits in its own direction island (<bdi> in pages,
U+2068 … U+2069 in plain-text e-mails), so an Arabic title keeps a German sentence in order and a Latin name an
Arabic one."""

import pytest
from django.core import mail

from applications.models import Application
from applications.uploads import safe_display_name
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory
from usertext.text import without_controls
from workflow.services import application_submit_and_start

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: reverses everything after it
FSI, PDI = "\u2068", "\u2069"


def test_a_title_typed_with_a_direction_override_is_stored_without_it(client, alice, call):
    client.force_login(alice)
    client.post(
        f"/calls/{call.pk}/apply/",
        {"title": f"Sprachcafé{RLO} für Eltern", "summary": "Erste Zeile\u2067\r\nZweite Zeile", "save": ""},
    )
    application = Application.objects.get()
    assert application.title == "Sprachcafé für Eltern"
    assert application.summary == "Erste Zeile\nZweite Zeile"


def test_a_stored_override_is_shown_isolated_and_without_it_on_the_applicants_page(client, alice, organisation, call):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title=f"{RLO}Sprachcafé")
    client.force_login(alice)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "<bdi>Sprachcafé</bdi>" in page
    assert RLO not in page


def test_a_stored_override_is_shown_isolated_and_without_it_on_the_staff_page(client, alice, organisation, call, clerk):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title=f"{RLO}Sprachcafé")
    application_submit_and_start(application=application, by=alice)
    client.force_login(clerk)
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert "<bdi>Sprachcafé</bdi>" in page
    assert RLO not in page


@pytest.mark.usefixtures("tasks_in_process")
def test_the_e_mail_carries_the_title_isolated_and_without_the_override(
    alice, organisation, call, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title=f"{RLO}Sprachcafé")
    with django_capture_on_commit_callbacks(execute=True):
        application_submit_and_start(application=application, by=alice)
    [message] = [m for m in mail.outbox if m.to == [alice.email]]
    html = message.alternatives[0].content
    assert f"{FSI}Sprachcafé{PDI}" in message.subject
    assert f"„{FSI}Sprachcafé{PDI}“" in message.body or f'"{FSI}Sprachcafé{PDI}"' in message.body
    assert f"{FSI}Deutsch-Türkischer Elternverein Bremen e.V.{PDI}" in message.body
    assert "<bdi>Sprachcafé</bdi>" in html
    assert not any(RLO in text for text in (message.subject, message.body, html))


def test_an_arabic_page_isolates_latin_names_and_e_mail_addresses(client, alice, organisation):
    alice.language = "ar"
    alice.save()
    dana = UserFactory(email="dana@example.org", first_name="", last_name="")
    MembershipFactory(user=dana, organisation=organisation)
    client.force_login(alice)
    home = client.get("/").content.decode()
    assert 'dir="rtl"' in home
    assert "<bdi>Deutsch-Türkischer Elternverein Bremen e.V.</bdi>" in home
    members = client.get("/organisation/members/").content.decode()
    assert "<bdi>alice@example.org</bdi>" in members
    assert "<bdi>dana@<wbr>example.<wbr>org</bdi>" in members  # a member without a name is shown by address


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian needs the zero-width non-joiner
        ("\u200fمرحبا Bremen", "\u200fمرحبا Bremen"),  # a right-to-left mark reorders nothing
        ("Ver\u00adein\u200b \ufeffBremen", "Verein Bremen"),  # invisible characters make look-alikes
        ("a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i", "abcdefghi"),
        ("Zeile\x00 eins\r\nZeile\tzwei", "Zeile eins\nZeile\tzwei"),
    ],
)
def test_only_invisible_controls_are_removed(typed, kept):
    assert without_controls(typed) == kept


def test_single_line_text_gets_spaces_for_line_breaks():
    assert without_controls("Sprach\ncafé\tBremen", multiline=False) == "Sprach café Bremen"


def test_an_uploaded_file_name_loses_its_direction_override():
    assert safe_display_name(f"Rechnung{RLO}fdp.exe") == "Rechnungfdp.exe"
