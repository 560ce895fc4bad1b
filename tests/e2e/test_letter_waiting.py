"""The applicant keeps the application page open while the letter is rendered: the page loads the letter by
itself as soon as it is stored."""

from decimal import Decimal

import pytest

from applications.services import decision_letter_create
from tests.factories import PASSWORD
from tests.support.process import approve, propose

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_open_page_shows_the_letter_when_it_is_ready(
    new_page, alice, in_decision, clerk, approver, tasks_in_process
):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    approve(application, by=approver)
    decision = application.current_decision
    from applications.models import DecisionLetter

    DecisionLetter.objects.filter(decision=decision).delete()  # as if the worker had not rendered it yet
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("E-Mail").fill(alice.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto(f"/applications/{application.pk}/")
    assert page.get_by_text("Ihr Bescheid wird vorbereitet.").is_visible()

    decision_letter_create(decision=decision)

    page.get_by_text("Laden Sie Ihren Bescheid herunter.").wait_for(timeout=15_000)
    assert page.locator("#letter-wait").count() == 0
