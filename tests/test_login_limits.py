"""Login limits behind the TLS proxy, a growing delay per account instead of a lock, the admin's login, and the
idle timeout of staff sessions."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from organisations.adapter import AccountAdapter
from organisations.login_delay import wait_message
from tests.factories import PASSWORD, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def login(client, email, password, client_address=None, next_url=None):
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password}, headers=headers)


def german(text_factory, *args) -> str:
    with translation.override("de"):
        return escape(str(text_factory(*args)))


def network_message() -> str:
    with translation.override("de"):
        return escape(str(AccountAdapter.error_messages["too_many_login_attempts"]))


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def test_eight_wrong_passwords_through_the_proxy_do_not_lock_out_other_users(client, alice, bob, behind_one_proxy):
    for number in range(8):
        response = login(client, alice.email, "falsch", client_address=f"198.51.100.{number + 1}")
        assert response.status_code == 200
    response = login(client, bob.email, PASSWORD, client_address="198.51.100.200")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_limit_per_address_counts_the_client_behind_the_proxy(client, bob, charlie, behind_one_proxy):
    for number in range(20):
        login(client, f"niemand{number}@example.org", "falsch", client_address="203.0.113.7")
    refused = login(client, bob.email, PASSWORD, client_address="203.0.113.7")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert network_message() in refused.content.decode()

    # Another client behind the same proxy is not affected; the proxy's own address (REMOTE_ADDR) is not counted.
    response = login(client, charlie.email, PASSWORD, client_address="203.0.113.8")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(charlie.pk)


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(client, bob, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    for number in range(20):
        login(client, f"niemand{number}@example.org", "falsch", client_address=f"192.0.2.{number + 1}")
    refused = login(client, bob.email, PASSWORD, client_address="192.0.2.99")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert network_message() in refused.content.decode()


def test_the_forwarded_address_of_an_inner_proxy_is_used_when_the_outer_one_is_skipped(client, bob, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = login(client, bob.email, PASSWORD, client_address="198.51.100.4")
    assert response.status_code == 302


def test_a_targeted_account_gets_a_growing_delay_not_a_lock(client, alice, frozen):
    for _ in range(5):
        assert login(client, alice.email, "falsch").status_code == 200

    refused = login(client, alice.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert german(wait_message, 2) in refused.content.decode()

    frozen.shift(2)
    login(client, alice.email, "falsch")
    assert german(wait_message, 4) in login(client, alice.email, PASSWORD).content.decode()
    frozen.shift(4)
    login(client, alice.email, "falsch")
    assert german(wait_message, 8) in login(client, alice.email, "falsch").content.decode()

    # Attempts made too early are refused without making the wait longer.
    frozen.shift(3)
    assert german(wait_message, 5) in login(client, alice.email, PASSWORD).content.decode()
    frozen.shift(5)
    response = login(client, alice.email, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)

    # The successful login cleared the count: the next typo is free again.
    client.logout()
    login(client, alice.email, "falsch")
    assert login(client, alice.email, PASSWORD).status_code == 302


def test_the_delay_stops_growing_at_its_cap(client, alice, frozen, settings):
    settings.LOGIN_MAX_DELAY_SECONDS = 900
    waits = []
    for _ in range(5):
        login(client, alice.email, "falsch")
    for _ in range(12):
        text = login(client, alice.email, PASSWORD).content.decode()
        # The longest wait the message allows ("2 minutes" covers 61 to 120 seconds).
        wait = max(seconds for seconds in range(1, 901) if german(wait_message, seconds) in text)
        waits.append(wait)
        frozen.shift(wait)
        login(client, alice.email, "falsch")
    assert waits[:5] == [2, 4, 8, 16, 32]
    assert waits == sorted(waits) and waits[-3:] == [900, 900, 900]


def test_the_delay_message_says_how_long_and_points_to_the_password_reset(client, alice, frozen):
    for _ in range(5):
        login(client, alice.email, "falsch")
    page = login(client, alice.email, PASSWORD).content.decode()
    assert german(wait_message, 2) in page
    assert 'href="/accounts/password/reset/"' in page

    # The password reset is not blocked by the login limit, and the new password works at once.
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_password_url, {"password1": "ein neues langes Passwort 2026", "password2": "ein neues langes Passwort 2026"}
    )
    assert done.status_code == 302
    client.logout()
    response = login(client, alice.email, "ein neues langes Passwort 2026")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


def test_the_admin_login_goes_through_the_limited_accounts_login(client, superuser, frozen):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"

    # The admin's own form is gone: posting the right password there logs nobody in.
    response = client.post("/admin/login/?next=/admin/", {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"
    assert "_auth_user_id" not in client.session

    for _ in range(5):
        login(client, superuser.email, "falsch", next_url="/admin/")
    refused = login(client, superuser.email, PASSWORD, next_url="/admin/")
    assert german(wait_message, 2) in refused.content.decode() and "_auth_user_id" not in client.session


def test_staff_arrive_in_the_admin_after_logging_in_and_others_are_refused(client, superuser, alice):
    response = login(client, superuser.email, PASSWORD, next_url="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/login/?next=/admin/").headers["Location"] == "/admin/"
    client.logout()
    client.force_login(alice)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_staff_session_idle_past_the_timeout_is_logged_out_with_a_notice(client, clerk, frozen, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client.force_login(clerk)
    page = client.get("/staff/")
    assert page.status_code == 200 and 'id="idle-warning"' in page.content.decode()

    frozen.shift(dt.timedelta(minutes=20))
    assert client.get("/staff/").status_code == 200
    frozen.shift(dt.timedelta(minutes=20))
    assert client.get("/staff/").status_code == 200  # 40 minutes in, but never 30 without a request

    frozen.shift(dt.timedelta(minutes=31))
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/staff/"
    assert "_auth_user_id" not in client.session
    with translation.override("de"):
        notice = gettext(
            "You were logged out because there was no activity for %(minutes)d minutes. Please log in again."
        ) % {"minutes": 30}
    assert escape(notice) in client.get(response["Location"]).content.decode()


def test_background_refreshes_do_not_keep_a_staff_session_alive_but_the_button_does(client, clerk, frozen):
    client.force_login(clerk)
    client.get("/staff/")
    frozen.shift(dt.timedelta(minutes=20))
    client.get("/staff/", headers={"X-Background-Request": "1"})
    frozen.shift(dt.timedelta(minutes=5))
    assert client.post("/accounts/session/keep-alive/", headers={"Accept": "application/json"}).status_code == 200
    frozen.shift(dt.timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200

    frozen.shift(dt.timedelta(minutes=20))
    client.get("/staff/", headers={"X-Background-Request": "1"})
    frozen.shift(dt.timedelta(minutes=11))
    assert client.get("/staff/").status_code == 302 and "_auth_user_id" not in client.session


def test_an_applicants_session_is_not_ended_by_the_staff_timeout(client, alice, frozen):
    client.force_login(alice)
    page = client.get("/messages/")
    assert page.status_code == 200 and 'id="idle-warning"' not in page.content.decode()
    frozen.shift(dt.timedelta(hours=3))
    assert client.get("/messages/").status_code == 200
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_number_of_trusted_proxies_comes_from_the_environment_and_must_not_be_negative(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    def start(value: str) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from allauth import app_settings as a; print(a.TRUSTED_PROXY_COUNT)",
            ],
            env={
                **clean,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATA_DIR": str(tmp_path),
                "TRUSTED_PROXY_COUNT": value,
            },
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )

    shown = start("2")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "2"
    refused = start("-1")
    assert refused.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in refused.stderr
