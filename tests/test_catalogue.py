"""The public catalogue: funding programmes and support offers, searchable and filterable, with plain pages."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from applications.models import FinancingMethod, Programme, SeatScope
from catalogue.models import Offer, OfferKind
from demo.demo_data import load_demo_data
from organisations.models import LegalForm
from tests.factories import CallFactory, OfferFactory, ProgrammeFactory, TopicFactory, UserFactory


@pytest.fixture
def client(client):
    """A visitor who reads English; the assertions use the source texts."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def programme(title, *, calls=(), **fields):
    """A programme with calls given as (opens in days from now, last day in days from today)."""
    fields.setdefault("title_en", title)
    made = ProgrammeFactory(title_de=title, **fields)
    now, today = timezone.now(), timezone.localdate()
    for opens, last in calls:
        CallFactory(
            programme=made, opens_at=now + timedelta(days=opens), last_day=today + timedelta(days=last), title="Call"
        )
    return made


def offer(title, **fields):
    fields.setdefault("title_en", title)
    return OfferFactory(title_de=title, **fields)


def search(client, **params):
    response = client.get("/programmes/", params)
    assert response.status_code in (200, 400)
    return response


def titles(response) -> list[str]:
    """The titles of the results, in the order shown."""
    card_title = r'<h3 class="kern-title"><a class="kern-link" href="[^"]+"><bdi>([^<]+)</bdi></a></h3>'
    found = re.findall(card_title, response.text)
    return [html.unescape(title) for title in found]


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


# The list


def test_programmes_and_offers_are_listed_together_the_nearest_deadline_first(client, db):
    programme("Projektförderung", calls=[(-10, 60)])
    programme("Kleiner Fonds", calls=[(-10, 8)])
    programme("Ohne Aufruf")
    offer("Vernetzungsabend", kind=OfferKind.EVENT, starts_on=in_days(20), ends_on=in_days(20),
          registration_deadline=in_days(3))  # fmt: skip
    offer("Sprechstunde")
    response = search(client)
    assert titles(response) == ["Vernetzungsabend", "Kleiner Fonds", "Projektförderung", "Ohne Aufruf", "Sprechstunde"]
    assert "5 results" in text(response)


def test_a_card_says_the_deadline_the_largest_grant_and_who_may_apply_in_one_line(client, db):
    programme("Projektförderung", calls=[(-10, 60)], max_amount=Decimal("15000.00"), allowed_legal_forms=["ev"],
              seat_scope=SeatScope.BREMEN)  # fmt: skip
    page = text(search(client))
    last_day = timezone.localdate() + timedelta(days=60)
    assert f"Applications until and including {last_day:%B} {last_day.day}, {last_day.year}." in page
    assert "Grant: up to 15,000.00 EUR" in page
    assert "Open to: Registered association (e.V.) · The city of Bremen only" in page


def test_an_unpublished_offer_is_never_shown(client, db):
    hidden = offer("Workshop in Planung", published=False)
    offer("Sprechstunde")
    assert titles(search(client)) == ["Sprechstunde"]
    assert titles(search(client, q="Planung")) == []
    assert titles(search(client, kind="advice")) == ["Sprechstunde"]
    assert client.get(f"/programmes/offers/{hidden.pk}/").status_code == 404


def test_offers_that_are_over_or_closed_for_registration_are_not_listed(client, db):
    over = offer("Schulung im Frühjahr", starts_on=in_days(-20), ends_on=in_days(-10))
    offer(
        "Abend mit geschlossener Anmeldung", starts_on=in_days(5), ends_on=in_days(5), registration_deadline=in_days(-1)
    )
    offer("Laufende Beratung", starts_on=in_days(-100))
    assert titles(search(client)) == ["Laufende Beratung"]
    assert "This offer is over." in text(client.get(f"/programmes/offers/{over.pk}/"))


# Search


def test_search_looks_at_title_description_and_who_may_apply_in_the_visitors_language(client, db):
    programme("Stadtteilfonds", title_en="Neighbourhood fund", description_de="Kleine Zuschüsse für Begegnung.",
              who_may_apply_de="Auch Religionsgemeinschaften.",
              who_may_apply_en="Religious communities too.")  # fmt: skip
    offer("Buchführung für Vereine", title_en="Bookkeeping for associations", description_en="Receipts and lists.")
    assert titles(search(client, q="neighbourhood")) == ["Neighbourhood fund"]
    assert titles(search(client, q="religious")) == ["Neighbourhood fund"]
    assert titles(search(client, q="RECEIPTS")) == ["Bookkeeping for associations"]
    # No English description: the visitor reads the German one, so the search finds it there.
    assert titles(search(client, q="Zuschüsse")) == ["Neighbourhood fund"]
    # The German title is not what an English reader sees.
    assert titles(search(client, q="Stadtteilfonds")) == []
    german = client.get("/programmes/", {"q": "Stadtteilfonds"}, HTTP_ACCEPT_LANGUAGE="de")
    assert titles(german) == ["Stadtteilfonds"]


def test_every_word_of_the_search_must_occur(client, db):
    offer("Buchführung", title_en="Bookkeeping for associations")
    offer("Beratung", title_en="Advice for associations")
    assert titles(search(client, q="associations")) == ["Advice for associations", "Bookkeeping for associations"]
    assert titles(search(client, q="bookkeeping associations")) == ["Bookkeeping for associations"]


# Filters


def test_the_kind_filter(client, db):
    programme("Projektförderung", calls=[(-10, 60)])
    offer("Sprechstunde", kind=OfferKind.ADVICE)
    offer("Buchführung", kind=OfferKind.TRAINING)
    offer("Vernetzungsabend", kind=OfferKind.EVENT)
    offer("Sonstiges", kind=OfferKind.OTHER)
    assert titles(search(client, kind="funding")) == ["Projektförderung"]
    assert titles(search(client, kind="advice")) == ["Sprechstunde"]
    assert titles(search(client, kind="training")) == ["Buchführung"]
    assert titles(search(client, kind="event")) == ["Vernetzungsabend"]
    assert titles(search(client, kind="other")) == ["Sonstiges"]


def test_the_topic_filter(client, db):
    language, family = TopicFactory(name="Sprache"), TopicFactory(name="Eltern und Familie")
    programme("Projektförderung").topics.set([language])
    programme("Stadtteilfonds").topics.set([family])
    offer("Sprachcafé-Beratung", topics=[language, family])
    offer("Buchführung")
    assert titles(search(client, topic=language.pk)) == ["Projektförderung", "Sprachcafé-Beratung"]
    assert titles(search(client, topic=family.pk)) == ["Sprachcafé-Beratung", "Stadtteilfonds"]


def test_the_who_may_apply_filter_follows_the_eligibility_configuration(client, db):
    programme("Für alle")
    programme("Ohne Initiativen", informal_initiatives_may_apply=False)
    programme("Nur Vereine", allowed_legal_forms=["ev"])
    programme("Vereine und Initiativen", allowed_legal_forms=["ev", "informal"])
    offer("Sprechstunde")
    assert titles(search(client, legal_form=LegalForm.INFORMAL_INITIATIVE)) == [
        "Für alle", "Sprechstunde", "Vereine und Initiativen"
    ]  # fmt: skip
    assert titles(search(client, legal_form=LegalForm.RELIGIOUS_COMMUNITY)) == [
        "Für alle", "Ohne Initiativen", "Sprechstunde"
    ]  # fmt: skip
    assert len(titles(search(client, legal_form=LegalForm.REGISTERED_ASSOCIATION))) == 5


def test_the_amount_filter_counts_the_grant_a_programme_can_really_give(client, db):
    programme("Großes Programm", max_amount=Decimal("15000.00"))
    programme("Festbetrag", financing_method=FinancingMethod.FIXED, fixed_amount=Decimal("1500.00"),
              min_amount=Decimal("100.00"), max_amount=Decimal("3000.00"))  # fmt: skip
    offer("Sprechstunde")
    assert titles(search(client, amount="1.500")) == ["Festbetrag", "Großes Programm"]
    assert titles(search(client, amount="2000")) == ["Großes Programm"]
    assert titles(search(client, amount="15.000,00")) == ["Großes Programm"]
    assert titles(search(client, amount="15000.01")) == []
    assert "Grant: up to 1,500.00 EUR" in text(search(client, q="Festbetrag"))


def test_the_deadline_filter(client, db):
    programme("Schließt bald", calls=[(-10, 10)])
    programme("Schließt später", calls=[(-10, 60)])
    programme("Öffnet bald", calls=[(20, 80)])
    programme("Ohne Aufruf")
    offer("Anmeldung bis nächste Woche", registration_deadline=in_days(5))
    offer("Abend ohne Anmeldung", starts_on=in_days(12), ends_on=in_days(12))
    offer("Schulung im Sommer", starts_on=in_days(90), ends_on=in_days(91), registration_deadline=in_days(45))
    offer("Laufende Beratung")
    every = titles(search(client))
    assert len(every) == 8
    assert titles(search(client, deadline="open")) == [
        "Anmeldung bis nächste Woche", "Schließt bald", "Abend ohne Anmeldung", "Schulung im Sommer",
        "Schließt später", "Laufende Beratung",
    ]  # fmt: skip
    assert titles(search(client, deadline="soon")) == [
        "Anmeldung bis nächste Woche", "Schließt bald", "Abend ohne Anmeldung"
    ]  # fmt: skip


def test_filters_combine(client, db):
    language = TopicFactory(name="Sprache")
    programme("Sprachprojekte", calls=[(-10, 20)], informal_initiatives_may_apply=False).topics.set([language])
    programme("Sprachfonds", calls=[(-10, 20)], max_amount=Decimal("1000.00")).topics.set([language])
    programme("Sprachprogramm ohne Aufruf").topics.set([language])
    programme("Kulturprojekte", calls=[(-10, 20)])
    offer("Sprachkurs-Beratung", topics=[language], registration_deadline=in_days(10))
    offer("Beratung zu Sprache", title_en="Language advice", topics=[language], kind=OfferKind.TRAINING)
    combined = {"kind": "funding", "topic": language.pk, "legal_form": "informal", "deadline": "soon"}
    assert titles(search(client, **combined)) == ["Sprachfonds"]
    assert titles(search(client, **combined, amount="2000")) == []
    assert titles(search(client, topic=language.pk, kind="advice", deadline="soon")) == ["Sprachkurs-Beratung"]
    assert titles(search(client, topic=language.pk, q="language")) == ["Language advice"]


def test_the_form_keeps_the_chosen_values_and_lists_them_with_a_way_to_remove_each(client, db):
    topic = TopicFactory(name="Sprache")
    response = search(client, q="Sprach café", kind="funding", topic=topic.pk, legal_form="informal", amount="1.000",
                      deadline="open")  # fmt: skip
    page = response.text
    assert response.status_code == 200
    assert 'value="Sprach café"' in page
    for name, value in [("kind", "funding"), ("topic", topic.pk), ("legal_form", "informal"), ("deadline", "open")]:
        assert re.search(rf'<select name="{name}"[^>]*>.*?<option value="{value}" selected>', page, re.S), name
    assert 'value="1.000"' in page
    shown = text(response)
    assert "Topic: Sprache – remove" in shown and "Grant of at least (EUR): 1,000.00 EUR – remove" in shown
    assert 'href="?q=Sprach+caf%C3%A9&amp;kind=funding&amp;legal_form=informal&amp;amount=1.000&amp;deadline=open"' in (
        page
    )


def test_invalid_filter_values_are_explained_next_to_the_field_and_the_rest_still_filters(client, db):
    programme("Projektförderung", calls=[(-10, 20)])
    offer("Sprechstunde")
    response = search(client, amount="abc", kind="money", topic="999", deadline="tomorrow", q="Sprechstunde")
    page = response.text
    assert response.status_code == 400
    assert 'value="abc"' in page
    assert re.search(r'id="id_amount-error".*Enter an amount in euros', page, re.S)
    for field in ("amount", "kind", "topic", "deadline"):
        assert f'href="#id_{field}"' in page, field
        assert f'aria-describedby="id_{field}-error"' in page or f"id_{field}-hint id_{field}-error" in page, field
    assert titles(response) == ["Sprechstunde"]


@pytest.mark.parametrize("params", [{"amount": "-5"}, {"amount": "1e400"}, {"topic": "abc"}, {"q": "x" * 500},
                                    {"amount": "99999999999999"}, {"legal_form": "gmbh"}])  # fmt: skip
def test_odd_input_never_fails(client, db, params):
    programme("Projektförderung", calls=[(-10, 20)])
    assert search(client, **params).status_code == 400


def test_the_empty_state_helps_to_find_something(client, db):
    programme("Projektförderung", calls=[(-10, 20)])
    response = search(client, q="Raumfahrt")
    page = text(response)
    assert "0 results" in page and "Nothing matches all your filters." in page
    assert 'href="/programmes/?kind=advice"' in response.text and 'href="/programmes/"' in response.text


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_needs_the_same_number_of_queries_for_any_number_of_results(
    client, db, size, django_assert_max_num_queries
):
    topics = [TopicFactory(name="Sprache"), TopicFactory(name="Kultur")]
    for number in range(size):
        made = programme(f"Programm {number}", calls=[(-10, 20 + number), (40, 90)], allowed_legal_forms=["ev"])
        made.topics.set(topics)
        made.required_documents.create(kind="statutes", legal_form="ev")
        offer(f"Angebot {number}", topics=topics, registration_deadline=in_days(number + 1))
    with django_assert_max_num_queries(8):
        response = search(client, q="o", topic=topics[0].pk, legal_form="ev", deadline="open")
    assert len(titles(response)) == 2 * size


# The programme page


def test_a_programme_with_an_open_call_says_who_how_much_and_by_when(client, db):
    made = programme("Projektförderung", calls=[(-10, 30)], allowed_legal_forms=["ev", "religious"],
                     seat_scope=SeatScope.BREMERHAVEN, min_amount=Decimal("500.00"), max_amount=Decimal("15000.00"),
                     financing_method=FinancingMethod.PARTIAL, share_percent=Decimal("80"),
                     own_share_percent=Decimal("10"))  # fmt: skip
    call = made.calls.get()
    response = client.get(f"/programmes/{made.pk}/")
    page = text(response)
    assert "These kinds of group may apply: registered association (e.V.), religious community." in page
    assert "Informal initiatives without a legal form cannot apply." in page
    assert "Your group must be based in Bremerhaven." in page
    assert "From 500.00 EUR to 15,000.00 EUR per project." in page
    assert "The grant pays 80 % of the eligible costs." in page
    assert "Your group pays at least 10 % of the total costs itself" in page
    last_day = call.last_day
    assert f"Applications until and including {last_day:%B} {last_day.day}, {last_day.year}." in page
    assert f'href="/calls/{call.pk}/check/"' in response.text
    assert f'href="/accounts/signup/?next=/calls/{call.pk}/apply/"' in response.text

    client.force_login(UserFactory(language="en"))
    assert f'href="/calls/{call.pk}/apply/"' in client.get(f"/programmes/{made.pk}/").text


def test_each_financing_method_is_explained_simply(client, db):
    cases = [
        (dict(financing_method=FinancingMethod.DEFICIT), "own money and other funders do not cover"),
        (dict(financing_method=FinancingMethod.FIXED, fixed_amount=Decimal("1500.00")),
         "A fixed amount of 1,500.00 EUR per project."),
        (dict(financing_method=FinancingMethod.FULL, min_amount=Decimal("0")), "Up to 15,000.00 EUR per project."),
        (dict(financing_method=FinancingMethod.FULL), "The grant pays all eligible costs of the project."),
    ]  # fmt: skip
    for number, (fields, sentence) in enumerate(cases):
        made = programme(f"Programm {number}", **fields)
        assert sentence in text(client.get(f"/programmes/{made.pk}/")), fields


def test_a_programme_without_an_open_call_says_when_the_next_one_opens(client, db):
    made = programme("Projektförderung", calls=[(-60, -5), (20, 80)])
    response = client.get(f"/programmes/{made.pk}/")
    page = text(response)
    opens = timezone.localdate(timezone.now() + timedelta(days=20))
    assert f"There is no open call at the moment. The next call opens on {opens:%B} {opens.day}, {opens.year}." in page
    assert "/check/" not in response.text and "/apply/" not in response.text
    assert "Every kind of group may apply, also informal initiatives without a legal form." in page


def test_a_programme_without_any_call_says_so_and_points_to_advice(client, db):
    made = programme("Projektförderung", calls=[(-60, -5)])
    response = client.get(f"/programmes/{made.pk}/")
    assert "There is no open call at the moment, and no next call has been announced yet." in text(response)
    assert 'href="/programmes/?kind=advice"' in response.text
    assert client.get("/programmes/99999/").status_code == 404


def test_the_programme_page_speaks_the_visitors_language(client, db):
    made = programme("Projektförderung", title_en="Project funding")
    german = client.get(f"/programmes/{made.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<h1 class="kern-heading-large"><bdi>Projektförderung</bdi></h1>' in german
    english = client.get(f"/programmes/{made.pk}/").text
    assert '<h1 class="kern-heading-large"><bdi>Project funding</bdi></h1>' in english


# The offer page


def test_an_offer_page_shows_dates_costs_languages_and_the_contact_person(client, db):
    made = offer("Buchführung für Vereine", kind=OfferKind.TRAINING, starts_on=in_days(40), ends_on=in_days(47),
                 schedule_en="10:00–15:00 on both days", registration_deadline=in_days(30), free_of_charge=False,
                 cost_note_en="10 EUR for material", languages=["de", "ar"], place="Bürgerhaus Gröpelingen",
                 contact_name="Jonas Brandt", contact_email="jonas@example.org",
                 contact_phone="0421 361 0000")  # fmt: skip
    response = client.get(f"/programmes/offers/{made.pk}/")
    page = text(response)
    start, end, register = in_days(40), in_days(47), in_days(30)
    assert f"from {start:%B} {start.day}, {start.year} to {end:%B} {end.day}, {end.year}, 10:00–15:00 on both days" in (
        page
    )
    assert f"Please register with the contact person by {register:%B} {register.day}, {register.year}." in page
    assert "10 EUR for material" in page and "German, Arabic" in page and "Bürgerhaus Gröpelingen" in page
    assert "Jonas Brandt" in page
    assert 'href="mailto:jonas@example.org"' in response.text and 'href="tel:04213610000"' in response.text


def test_an_ongoing_offer_and_a_one_day_event(client, db):
    ongoing = offer("Sprechstunde")
    evening = offer("Vernetzungsabend", kind=OfferKind.EVENT, starts_on=in_days(7), ends_on=in_days(7))
    assert "When ongoing, no fixed dates" in text(client.get(f"/programmes/offers/{ongoing.pk}/"))
    day = in_days(7)
    assert f"When on {day:%B} {day.day}, {day.year}" in text(client.get(f"/programmes/offers/{evening.pk}/"))
    assert "Networking event" in text(client.get(f"/programmes/offers/{evening.pk}/"))


# Where the catalogue is linked, and who maintains it


def test_the_navigation_and_the_landing_page_lead_to_the_catalogue_and_the_open_calls_stay(client, db):
    call = CallFactory()
    landing = client.get("/").text
    assert landing.count('href="/programmes/"') == 2  # main navigation and the landing page
    calls = client.get("/calls/")
    assert calls.status_code == 200 and f"/calls/{call.pk}/" in calls.text and 'href="/programmes/"' in calls.text


def test_a_programme_administrator_maintains_offers_in_every_language_and_others_cannot(client, db, programme_admin):
    from applications import roles

    programme_admin.is_staff = True
    programme_admin.save()
    client.force_login(programme_admin)
    page = client.get("/admin/catalogue/offer/add/").text
    assert 'name="title_de"' in page and 'name="title_ar"' in page and 'name="audience_uk"' in page
    response = client.post("/admin/catalogue/offer/add/", {
        "kind": "training", "title_de": "Buchführung für Vereine", "description_de": "Belege sammeln.",
        "audience_de": "Kassenwart*innen.", "languages": ["de", "tr"], "free_of_charge": "on",
        "contact_name": "Jonas Brandt", "contact_email": "jonas@example.org", "published": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.text
    assert Offer.objects.get().languages == ["de", "tr"]
    assert "Buchführung für Vereine" in client.get("/programmes/", HTTP_ACCEPT_LANGUAGE="de").text
    assert client.get("/admin/applications/programme/add/").status_code == 200

    clerk = UserFactory(roles=[roles.CLERK], is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/catalogue/offer/add/").status_code == 403
    assert client.post("/admin/catalogue/offer/add/", {"title_de": "x"}).status_code == 403


def test_the_offer_form_explains_what_is_missing(client, db, programme_admin):
    programme_admin.is_staff = True
    programme_admin.save()
    client.force_login(programme_admin)
    response = client.post("/admin/catalogue/offer/add/", {
        "kind": "event", "title_de": "Abend", "description_de": "x", "audience_de": "alle", "contact_name": "Miriam",
        "starts_on": in_days(5).isoformat(), "ends_on": in_days(4).isoformat(),
    })  # fmt: skip
    page = text(response)
    assert response.status_code == 200 and not Offer.objects.exists()
    with translation.override("de"):
        for message in ("The offer cannot end before it starts.", "Say what it costs, or tick 'free of charge'.",
                        "Give an e-mail address or a phone number, so that people can reach you."):  # fmt: skip
            assert translation.gettext(message) in page


def test_the_demo_has_offers_and_topics_and_loads_twice(client, db):
    load_demo_data()
    load_demo_data()
    assert Offer.objects.filter(published=True).count() == 3
    assert set(Offer.objects.filter(published=True).values_list("kind", flat=True)) == {"advice", "training", "event"}
    assert all(p.topics.exists() for p in Programme.objects.all())
    assert len(titles(search(client))) == 5
