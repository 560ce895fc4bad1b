"""The privacy notice (Art. 13 GDPR) is public, complete, translated, and linked wherever data is collected."""

from django.urls import reverse

from tests.factories import ApplicationFactory

NOTE = 'So verwenden wir Ihre Daten: <a class="kern-link" href="/privacy/">Datenschutzerklärung</a>'


def test_the_notice_is_public_and_names_everything_article_13_asks_for(client, db, settings):
    settings.DATA_PROTECTION_OFFICER = "Frau Dr. Datenschutz, Bahnhofsplatz 29, 28195 Bremen"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "dsb@example.org"
    settings.RETENTION_APPLICATION_YEARS = 10
    settings.RETENTION_RECEIPTS_YEARS = 5

    response = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()

    assert response.status_code == 200
    assert reverse("privacy") == "/privacy/"
    assert "<h1" in page and "Datenschutzerklärung</h1>" in page
    assert settings.ISSUING_OFFICE in page  # the controller
    assert "Frau Dr. Datenschutz" in page and 'href="mailto:dsb@example.org"' in page
    assert "Die Landesbeauftragte für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen" in page
    assert "Arndtstraße 1" in page and "27570 Bremerhaven" in page
    assert "Antragsakten: 10 Jahre nach dem Ende des Verfahrens." in page
    assert "Belege: 5 Jahre nach der Prüfung des Verwendungsnachweises durch das Amt." in page
    for article in ["Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 6 Abs. 1 lit. e"]:
        assert article in page
    assert "Sie können eine Einwilligung jederzeit mit Wirkung für die Zukunft widerrufen." in page
    assert "Die Schnellprüfung „Können wir einen Antrag stellen?“ gibt Ihnen nur einen Rat." in page


def test_the_retention_periods_follow_the_settings(client, db, settings):
    settings.RETENTION_APPLICATION_YEARS = 1
    settings.RETENTION_RECEIPTS_YEARS = 6
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Antragsakten: 1 Jahr nach dem Ende des Verfahrens." in page
    assert "Belege: 6 Jahre nach der Prüfung" in page


def test_the_footer_of_every_page_links_to_the_notice(client, db):
    page = client.get("/calls/").content.decode()
    assert '<a class="kern-link" href="/privacy/">Datenschutzerklärung</a>' in page


def test_the_sign_up_page_links_to_the_notice(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert NOTE in page


def test_the_application_steps_and_the_submit_page_link_to_the_notice(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    assert NOTE in client.get(f"/calls/{call.pk}/apply/").content.decode()
    assert NOTE in client.get(f"/applications/{draft.pk}/edit/project/").content.decode()
    assert NOTE in client.get(f"/applications/{draft.pk}/submit/").content.decode()


def test_the_notice_in_arabic_keeps_the_legal_names_in_german(client, db):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "إشعار الخصوصية</h1>" in page
    assert "إذا اختلفت عن النسخة الألمانية" in page  # the German version applies
    assert '<address class="kern-body" lang="de" dir="ltr">Die Landesbeauftragte für Datenschutz' in page


def test_a_retention_period_below_one_year_stops_startup():
    from tests.test_settings import start_django

    result = start_django(RETENTION_RECEIPTS_YEARS="0")
    assert result.returncode != 0
    assert "RETENTION_APPLICATION_YEARS and RETENTION_RECEIPTS_YEARS must be at least 1" in result.stderr
