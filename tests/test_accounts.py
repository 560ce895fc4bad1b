"""Accounts: sign-up with e-mail verification, login rate limits, password reset, organisations and languages."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape

from organisations.login_delay import wait_message
from organisations.models import User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory


def test_sign_up_sends_a_verification_mail_and_login_waits_for_it(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "neu@example.org", "password1": "ein langes Passwort 2026", "password2": "ein langes Passwort 2026"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="neu@example.org").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)

    client.logout()
    before = client.post("/accounts/login/", {"login": "neu@example.org", "password": "ein langes Passwort 2026"})
    assert before.status_code == 302 and "confirm-email" in before["Location"]

    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    after = client.post("/accounts/login/", {"login": "neu@example.org", "password": "ein langes Passwort 2026"})
    assert after.status_code == 302 and after["Location"] == "/"


def test_a_wrong_password_is_explained_and_the_email_is_kept(client, alice):
    response = client.post("/accounts/login/", {"login": alice.email, "password": "falsch"})
    page = response.content.decode()
    assert response.status_code == 200
    assert alice.email in page
    assert "nicht korrekt" in page or "nicht richtig" in page or "falsch" in page.lower()


def test_repeated_failed_logins_are_rate_limited_even_with_the_right_password(client, alice, time_machine):
    time_machine.move_to("2026-03-02 10:00 +01:00", tick=False)
    for _ in range(5):
        client.post("/accounts/login/", {"login": alice.email, "password": "falsch"})
    blocked = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert blocked.status_code == 200
    with translation.override("de"):
        assert escape(wait_message(2)) in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, alice):
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_member_of_two_organisations_chooses_which_one_to_act_for(client, alice, organisation):
    second = OrganisationFactory(name="Frauencafé Gröpelingen", legal_form="informal")
    MembershipFactory(user=alice, organisation=second, role="member")
    client.force_login(alice)
    assert "Deutsch-Türkischer Elternverein" in client.get("/").content.decode()

    client.post("/organisation/choose/", {"organisation": second.pk})
    page = client.get("/").content.decode()
    assert "Sie handeln für <strong><bdi>Frauencafé Gröpelingen</bdi></strong>" in page


def test_the_chosen_language_is_remembered_for_the_user(client, alice):
    client.force_login(alice)
    assert 'lang="de"' in client.get("/").content.decode()

    client.post("/language/", {"language": "en", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "My applications" in client.get("/").content.decode()

    fresh = client.__class__()
    fresh.force_login(alice)
    page = fresh.get("/").content.decode()
    assert 'lang="en"' in page and "My applications" in page


@pytest.mark.parametrize("path", ["/", "/calls/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_public_pages_are_german_by_default_and_switchable(client, db, path):
    page = client.get(path).content.decode()
    assert '<html lang="de" dir="ltr">' in page
    assert 'name="language"' in page


def test_a_programme_administrator_edits_programmes_in_both_languages(client, db):
    from applications import roles
    from tests.factories import UserFactory

    paul = UserFactory(email="paul@example.org", roles=[roles.PROGRAMME_ADMINISTRATOR], is_staff=True)
    client.force_login(paul)
    page = client.get("/admin/applications/programme/add/").content.decode()
    assert 'name="title_de"' in page and 'name="title_en"' in page
    assert client.get("/admin/applications/decision/").status_code == 403


LANGUAGES = [("ar", "rtl", "الاندماج"), ("tr", "ltr", "program"), ("ru", "ltr", "програм"), ("uk", "ltr", "програм")]


@pytest.mark.parametrize(("language", "direction", "text"), LANGUAGES)
def test_every_interface_language_is_served_with_its_direction(client, db, language, direction, text):
    page = client.get("/calls/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert text in page.lower()


def test_the_account_pages_address_people_formally_in_german(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "Sie" in page
    for informal in ("Du hast", " dein ", " dich ", "Gib deine"):
        assert informal not in page, informal
    reset = client.get("/accounts/password/reset/").content.decode()
    assert "Geben Sie Ihre E-Mail-Adresse" in reset or "Ihre E-Mail-Adresse" in reset
