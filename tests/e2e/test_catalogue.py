"""The catalogue in a real browser: the filter form works without JavaScript, axe finds no violation in German
and Arabic (filters applied, bad input, no results, programme and offer pages), and nothing scrolls sideways on a
360 px phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.test_accessibility import check
from tests.e2e.test_small_screens import PAGE_SCROLLS_SIDEWAYS
from tests.factories import CallFactory, OfferFactory, ProgrammeFactory, TopicFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue_urls(db):
    """A catalogue with both kinds of entry; the addresses of every kind of page it has."""
    today = timezone.localdate()
    language = TopicFactory(name="Sprache")
    open_programme = ProgrammeFactory(title_en="Self-help and project funding", allowed_legal_forms=["ev"])
    open_programme.topics.set([language])
    CallFactory(programme=open_programme, last_day=today + timedelta(days=20))
    closed = ProgrammeFactory(
        title_de="Stadtteilfonds",
        title_en="Neighbourhood fund",
        financing_method="festbetrag",
        fixed_amount=Decimal("1500.00"),
        max_amount=Decimal("3000.00"),
    )
    CallFactory(
        programme=closed,
        opens_at=timezone.now() + timedelta(days=40),
        last_day=today + timedelta(days=100),
    )
    training = OfferFactory(
        kind="training",
        title_de="Buchführung für Vereine: Einnahmen, Ausgaben, Belege",
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=47),
        registration_deadline=today + timedelta(days=30),
        schedule_de="jeweils 10–15 Uhr",
        languages=["de", "ar", "uk", "ru", "tr", "fa"],
        place="Bürgerhaus Gröpelingen, Liegnitzstraße 63, 28237 Bremen",
        contact_email="qualifizierung-und-vernetzung@integration.bremen.example",
        topics=[language],
    )
    OfferFactory(title_de="Beratung zur Antragstellung", topics=[language])
    return {
        "filtered": f"/programmes/?q=&kind=funding&topic={language.pk}&legal_form=ev&amount=1.000&deadline=open",
        "everything": "/programmes/",
        "invalid": "/programmes/?amount=abc&kind=money",
        "empty": "/programmes/?q=Raumfahrt",
        "programme with open call": f"/programmes/{open_programme.pk}/",
        "programme without open call": f"/programmes/{closed.pk}/",
        "offer": f"/programmes/offers/{training.pk}/",
    }


def test_the_filters_work_without_javascript_and_keep_their_values(browser, live_server, catalogue_urls):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/programmes/")
        page.locator("select[name=kind]").select_option("funding")
        page.locator("select[name=legal_form]").select_option("ev")
        page.locator("input[name=amount]").fill("2.000")
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/programmes/?*kind=funding*")
        assert page.locator("select[name=kind]").input_value() == "funding"
        assert page.locator("select[name=legal_form]").input_value() == "ev"
        assert page.locator("input[name=amount]").input_value() == "2.000"
        assert page.locator("main h3").all_inner_texts() == ["Selbsthilfe- und Projektförderung"]

        page.locator("input[name=amount]").fill("viel")
        page.locator("main button[type=submit]").click()
        page.locator("#id_amount-error").wait_for()
        assert page.locator("input[name=amount]").input_value() == "viel"
        assert page.locator("input[name=amount]").get_attribute("aria-invalid") == "true"
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["de-DE", "ar"])
def test_catalogue_pages_have_no_violations(new_page, catalogue_urls, locale):
    page = new_page(locale=locale)
    for url in catalogue_urls.values():
        check(page, url)
    if locale == "ar":
        assert page.get_attribute("html", "dir") == "rtl"


@pytest.mark.parametrize("locale", ["de-DE", "ar"])
def test_catalogue_pages_fit_a_narrow_phone(new_page, catalogue_urls, locale):
    page = new_page(locale=locale)
    page.set_viewport_size({"width": 360, "height": 740})
    for url in catalogue_urls.values():
        page.goto(url)
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, (locale, url)
