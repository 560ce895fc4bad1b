"""Nothing typed is lost when the session runs out: after logging in again the form shows what was typed."""

import pytest

from tests.e2e.test_thin_process import log_in
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typed_text_survives_a_lost_session_and_is_cleared_once_saved(new_page, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    page = new_page()
    log_in(page, alice.email)
    page.goto(f"/applications/{draft.pk}/edit/project/")
    page.get_by_label("Ziele").fill("Eltern sprechen sicherer Deutsch und kennen die Schule ihrer Kinder.")

    page.context.clear_cookies(name="sessionid")  # the session runs out while the volunteer is typing
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("E-Mail").fill(alice.email)
    page.get_by_label("Passwort").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/applications/{draft.pk}/edit/project/")

    assert page.get_by_label("Ziele").input_value().startswith("Eltern sprechen sicherer Deutsch")
    assert page.locator("#restored-notice").is_visible()

    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("Ihr Entwurf wurde gespeichert").wait_for()
    draft.refresh_from_db()
    assert draft.aims.startswith("Eltern sprechen sicherer Deutsch")
    page.reload()
    assert not page.locator("#restored-notice").is_visible()
