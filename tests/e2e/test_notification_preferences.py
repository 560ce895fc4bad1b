"""The e-mail preferences page with its choices per kind of message: no axe violation for staff or applicants,
with an error shown, right to left in Arabic, and nothing scrolls sideways on a 360 px phone."""

import pytest

from notifications.models import NotificationPreference
from tests.e2e.test_accessibility import check, log_in_arabic
from tests.e2e.test_small_screens import PAGE_SCROLLS_SIDEWAYS
from tests.e2e.test_thin_process import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

URL = "/messages/settings/"


def test_a_reviewer_sets_one_kind_to_the_daily_summary_on_an_accessible_page(new_page, reviewer):
    page = new_page()
    log_in(page, reviewer.email)
    check(page, URL)
    page.locator("select[name=event_review_assigned]").select_option("daily")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: URL not in url)
    assert NotificationPreference.objects.get(user=reviewer).event == "review_assigned"

    def with_error(p):
        # Only a forged value can be wrong: the list offers valid choices alone.
        p.evaluate(
            "document.querySelector('select[name=event_task_reminder] option[value=off]').value = 'hourly'; "
            "document.querySelector('select[name=event_task_reminder]').value = 'hourly';"
        )
        p.locator("main form button[type=submit]").click()
        p.locator(".error-summary").wait_for()

    check(page, URL, post=with_error)


def test_the_page_reads_right_to_left_in_arabic_and_fits_a_narrow_phone(new_page, alice, reviewer):
    for person in (alice, reviewer):
        person.language = "ar"
        person.save()
        page = new_page(locale="ar")
        page.set_viewport_size({"width": 360, "height": 740})
        log_in_arabic(page, person.email)
        check(page, URL)
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False
