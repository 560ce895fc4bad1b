"""Pages fit a 360 px wide phone: nothing makes the page scroll sideways."""

import pytest

from tests.e2e.test_thin_process import log_in
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def test_applicant_pages_fit_a_narrow_phone(new_page, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ["/", "/programmes/", "/directory/"]:  # before logging in
        page.goto(url)
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, url
    log_in(page, alice.email)
    for url in ["/", "/calls/", f"/calls/{call.pk}/", f"/calls/{call.pk}/apply/", f"/applications/{draft.pk}/",
                f"/applications/{draft.pk}/edit/", f"/applications/{draft.pk}/submit/"]:  # fmt: skip
        page.goto(url)
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, url


def test_staff_work_lists_fit_a_narrow_phone(new_page, alice, organisation, call, clerk):
    from workflow.services import application_submit_and_start

    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, clerk.email)
    for url in ["/staff/", "/staff/queue/", "/staff/queue/?programme=x", f"/staff/applications/{application.pk}/"]:
        page.goto(url)
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, url
