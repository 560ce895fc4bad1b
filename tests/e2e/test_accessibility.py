"""axe-core (bundled with axe-playwright-python, no download) finds no violation on any page type:
public pages, the applicant's steps, forms showing errors, staff pages and error pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.e2e.test_thin_process import log_in
from tests.factories import ApplicationFactory
from tests.support.process import open_task, propose
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def violations(page):
    """Every axe rule: WCAG 2.1 A and AA, and axe's best practices (heading order, landmarks) on top."""
    result = AXE.run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


def check(page, url, *, post=None):
    page.goto(url)
    if post:
        post(page)
    found = violations(page)
    assert found == [], f"{url}: {found}"


def test_public_and_applicant_pages_have_no_violations(new_page, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    submitted = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title="Eingereicht")
    application_submit_and_start(application=submitted, by=alice)
    page = new_page()
    for url in ["/", "/calls/", f"/calls/{call.pk}/", f"/calls/{call.pk}/check/", "/accounts/login/", "/directory/",
                "/accounts/signup/", "/accounts/password/reset/", "/privacy/", "/does-not-exist/"]:  # fmt: skip
        check(page, url)
    check(page, f"/calls/{call.pk}/check/", post=lambda p: p.get_by_role("button", name="Prüfen").click())

    log_in(page, alice.email)
    for url in ["/", f"/applications/{draft.pk}/", f"/applications/{draft.pk}/edit/project/",
                f"/applications/{draft.pk}/edit/costs/", f"/applications/{draft.pk}/edit/financing/",
                f"/applications/{draft.pk}/edit/documents/", f"/applications/{draft.pk}/submit/",
                f"/applications/{draft.pk}/withdraw/", f"/applications/{draft.pk}/early-start/",
                f"/applications/{submitted.pk}/", "/messages/", "/organisation/new/", "/organisation/profile/",
                "/messages/settings/", "/accessibility/"]:  # fmt: skip
        check(page, url)

    def with_errors(p):
        p.get_by_label("Projekttitel").fill("")
        p.get_by_label("Projektbeginn").fill((timezone.localdate() + timedelta(days=9)).isoformat())
        p.get_by_label("Projektende").fill(timezone.localdate().isoformat())
        p.get_by_role("button", name="Entwurf speichern").click()
        p.locator(".error-summary").wait_for()

    check(page, f"/applications/{draft.pk}/edit/project/", post=with_errors)


def test_staff_pages_have_no_violations(
    new_page, alice, organisation, call, clerk, approver, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    page = new_page()
    log_in(page, clerk.email)
    for url in ["/staff/", "/staff/queue/", "/staff/queue/?programme=x&due=soon", "/staff/done/"]:
        check(page, url)
    check(page, f"/staff/tasks/{open_task(application, FundingFlow.check_completeness).pk}/")
    check(page, f"/staff/applications/{application.pk}/")

    from tests.support.process import confirm_complete

    confirm_complete(application, by=clerk)
    admin_page = new_page()
    log_in(admin_page, programme_admin.email)
    check(admin_page, "/staff/queue/?step=assign_reviewers")
    check(admin_page, f"/staff/applications/{application.pk}/")

    through_review_rest(application, admin=programme_admin, reviewer=reviewer)
    check(page, f"/staff/tasks/{open_task(application, FundingFlow.propose).pk}/")
    propose(application, by=clerk, amount=Decimal("1000.00"))

    other = new_page()
    log_in(other, approver.email)
    check(other, f"/staff/tasks/{open_task(application, FundingFlow.approve).pk}/")


def test_arabic_pages_are_right_to_left_and_have_no_violations(new_page, alice, organisation, call):
    alice.language = "ar"
    alice.save()
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    page = new_page(locale="ar")
    page.goto("/")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    for url in ["/", "/calls/", f"/calls/{call.pk}/", f"/calls/{call.pk}/check/?legal_form=ev&requested_amount=x",
                "/accounts/login/", "/accessibility/"]:  # fmt: skip
        check(page, url)
    log_in_arabic(page, alice.email)
    for url in ["/", f"/applications/{draft.pk}/", f"/applications/{draft.pk}/edit/project/",
                f"/applications/{draft.pk}/edit/costs/", f"/applications/{draft.pk}/submit/"]:  # fmt: skip
        check(page, url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def through_review_rest(application, *, admin, reviewer):
    from tests.support.process import assign, review

    assign(application, by=admin, reviewers=[reviewer])
    review(application, by=reviewer)


def log_in_arabic(page, email):
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
