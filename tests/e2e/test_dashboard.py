"""The process dashboard in a real browser: no axe violations in German and Arabic, fits a 360 px phone, and its
figures update every minute without reloading the page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from viewflow.workflow.models import Task

from tests.e2e.test_accessibility import check, log_in_arabic
from tests.e2e.test_thin_process import log_in
from tests.factories import ApplicationFactory
from tests.support.process import assign, confirm_complete, open_task
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def submit(alice, organisation, call, **fields):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, **fields)
    application_submit_and_start(application=application, by=alice)
    return application


@pytest.fixture
def busy_call(alice, organisation, call, clerk, programme_admin, reviewer):
    """Applications at the check (one overdue), one in review, one draft."""
    ApplicationFactory(organisation=organisation, call=call, created_by=alice, title="Entwurf")
    old = submit(alice, organisation, call, title="Lange liegengeblieben")
    Task.objects.filter(pk=open_task(old, FundingFlow.check_completeness).pk).update(
        created=timezone.now() - timedelta(days=20)
    )
    submit(alice, organisation, call)
    in_review = submit(alice, organisation, call, title="In der Begutachtung")
    confirm_complete(in_review, by=clerk)
    assign(in_review, by=programme_admin, reviewers=[reviewer])
    return call


def test_the_dashboard_has_no_violations_in_german(new_page, busy_call, programme_admin):
    page = new_page()
    log_in(page, programme_admin.email)
    check(page, "/staff/dashboard/")
    check(page, f"/staff/dashboard/?call={busy_call.pk}")
    check(page, "/staff/dashboard/?programme=999999")  # the error next to the field
    assert page.locator("#id_programme-error").is_visible()


def test_the_dashboard_is_right_to_left_in_arabic_and_has_no_violations(new_page, busy_call, programme_admin):
    programme_admin.language = "ar"
    programme_admin.save()
    page = new_page(locale="ar")
    log_in_arabic(page, programme_admin.email)
    check(page, f"/staff/dashboard/?call={busy_call.pk}")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False


def test_the_dashboard_fits_a_narrow_phone(new_page, busy_call, programme_admin):
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, programme_admin.email)
    page.goto(f"/staff/dashboard/?call={busy_call.pk}")
    assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False
    diagram = page.locator("#dashboard-diagram")
    assert diagram.evaluate("el => el.scrollWidth > el.clientWidth")  # the diagram scrolls inside its own box


def test_the_figures_update_every_minute_without_reloading_the_page(
    new_page, busy_call, programme_admin, alice, organisation
):
    page = new_page()
    log_in(page, programme_admin.email)
    page.clock.install()
    page.goto(f"/staff/dashboard/?call={busy_call.pk}")
    check_row = page.locator("#dashboard-figures tbody tr", has_text="Antrag auf Vollständigkeit prüfen").first
    assert check_row.locator("td").inner_text() == "2"
    page.evaluate("window.notReloaded = true")

    submit(alice, organisation, busy_call, title="Neu eingegangen")
    cache.clear()  # as if the minute the figures are kept for had passed
    page.clock.run_for(61_000)

    check_row.locator("td", has_text="3").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#dashboard-status").get_attribute("aria-live") == "polite"

    page.locator("#dashboard-pause").click()
    assert page.locator("#dashboard-pause").get_attribute("aria-pressed") == "true"
    submit(alice, organisation, busy_call, title="Noch einer")
    cache.clear()
    page.clock.run_for(61_000)
    page.wait_for_timeout(500)
    assert check_row.locator("td").inner_text() == "3"
