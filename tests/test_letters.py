"""Decision letters hold up before an administrative lawyer and an auditor: every mandatory element of a
Zuwendungsbescheid, the reasons of a (partial) rejection, the legal remedy of the issuing authority, an identifiable
addressee, and a DIN 5008 page with the file number and page count on every page."""

import io
import unicodedata
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from pypdf import PdfReader

from applications.letters import BlockedResource, remedy_text, render_decision_letter, static_only_url_fetcher
from applications.models import EarlyStartRequest, FundingStatus, RemedyKind, ThirdPartyFunding
from organisations.models import LegalForm, MembershipRole
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory
from tests.support.process import approve, propose, through_review
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db

COURT = "Verwaltungsgericht der Freien Hansestadt Bremen"
OFFICE = "Amt für Versorgung und Integration Bremen"


def read(decision) -> PdfReader:
    return PdfReader(io.BytesIO(render_decision_letter(decision)))


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text on one line (shaped Arabic extracts as presentation forms, hence NFKC)."""
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages]


def letter_text(decision) -> str:
    return " ".join(page_texts(read(decision)))


def decide(application, *, clerk, approver, **proposal):
    propose(application, by=clerk, **proposal)
    approve(application, by=approver)
    return application.current_decision


@pytest.fixture
def objection_authority(call):
    authority = call.programme.authority
    authority.remedy_kind = RemedyKind.OBJECTION
    authority.remedy_body = OFFICE
    authority.remedy_address = "Doventorscontrescarpe 172, 28195 Bremen"
    authority.save()
    return authority


def test_a_grant_letter_holds_every_mandatory_element(in_decision, alice, clerk, approver, settings):
    application = in_decision(requested_amount=Decimal("2500.00"))
    decision = decide(application, clerk=clerk, approver=approver, amount=Decimal("2500.00"), memo="Intern: geprüft.")
    pages = page_texts(read(decision))
    text = " ".join(pages)
    anbest = decision.anbest
    issued = timezone.localdate(decision.approved_at)

    for content in [
        # recipient, identifiable through its representative
        "Deutsch-Türkischer Elternverein Bremen e.V.",
        "vertreten durch Alice Aydın",
        # tenor: type and amount
        "bewillige ich Ihnen",
        "eine Zuwendung als Projektförderung in Höhe von bis zu 2.500,00 EUR (nicht rückzahlbarer Zuschuss)",
        # legal basis
        "§§ 23 und 44 der Landeshaushaltsordnung (LHO), der dazu erlassenen Verwaltungsvorschriften und der "
        "Richtlinie zur Förderung von Migrant*innenorganisationen vom 1. Januar 2026",
        # purpose, the application part of the decision
        "Zweck der Zuwendung",
        f"(Aktenzeichen {application.reference}) ist Bestandteil dieses Bescheids",
        # financing method, eligible costs, binding plan with the 20 % tolerance
        "Finanzierungsart: Fehlbedarfsfinanzierung",
        "Zuwendungsfähige Ausgaben 3.000,00 EUR",
        "Eigenmittel 500,00 EUR",
        "Der Finanzierungsplan ist hinsichtlich des Gesamtergebnisses verbindlich. Die Einzelansätze dürfen um bis zu "
        "20 vom Hundert überschritten werden",
        "ermäßigt sich die Zuwendung um den vollen in Betracht kommenden Betrag",
        # approval period
        f"Der Bewilligungszeitraum beginnt am {decision.period_start:%d.%m.%Y} und endet am "
        f"{decision.period_end:%d.%m.%Y}",
        # Nebenbestimmungen with the version, and the annex itself
        f"(ANBest-P) in der Fassung vom {anbest.version_date:%d.%m.%Y} sind Bestandteil dieses Bescheids (Anlage)",
        f"Anlage: {anbest.title} (Fassung vom {anbest.version_date:%d.%m.%Y})",
        "1. Anforderung und Verwendung der Zuwendung",
        # payment and proof of use
        "als sie innerhalb von sechs Wochen nach der Auszahlung für fällige Zahlungen benötigt wird",
        "Verwendungsnachweis",
        "innerhalb von sechs Monaten nach Ablauf des Bewilligungszeitraums",
        # legal remedy of this authority
        "Rechtsbehelfsbelehrung",
        f"Klage erhoben werden. Die Klage ist schriftlich oder zu Protokoll der Urkundsbeamtin oder des "
        f"Urkundsbeamten der Geschäftsstelle bei folgendem Gericht zu erheben: {COURT}, Am Wall 198, 28195 Bremen.",
        # issuing authority, contact, date, official
        "Die Senatorin für Arbeit, Soziales, Jugend und Integration",
        "Referat Integrationspolitik",
        "Ansprechpartner/in Clara Kramer",
        f"Datum {issued:%d.%m.%Y}",
        f"Ihre Nachricht vom {timezone.localdate(application.submitted_at):%d.%m.%Y}",
        "Im Auftrag Anke Vogel",
        "Namenswiedergabe (§ 37 Absatz 3 Satz 1 VwVfG) und ist ohne Unterschrift gültig",
        f"Informationen zum Datenschutz: {settings.SITE_URL}/privacy/",
    ]:
        assert content in text, content
    assert "Im Übrigen wird der Antrag abgelehnt" not in text
    assert "Intern: geprüft." not in text  # the review memo stays in the file
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Aktenzeichen {application.reference}" in page, number
        assert f"Seite {number} von {len(pages)}" in page, number


def test_the_letter_is_a_tagged_german_pdf_ua(in_decision, clerk, approver):
    decision = decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00"))
    reader = read(decision)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert b"pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_a_partial_grant_rejects_the_rest_with_its_grounds_facts_and_weighing(in_decision, clerk, approver):
    application = in_decision(requested_amount=Decimal("2500.00"))
    decision = decide(
        application,
        clerk=clerk,
        approver=approver,
        amount=Decimal("2000.00"),
        grounds=["budget"],
        reasons="Für den Aufruf lagen Anträge über 180.000 EUR vor.",
        weighing="Alle förderfähigen Anträge werden gleichmäßig gekürzt.",
        gap_closure="Der Verein zahlt 500 EUR aus Mitgliedsbeiträgen.",
    )
    text = letter_text(decision)

    for content in [
        "Im Übrigen wird der Antrag abgelehnt.",
        "Beantragt waren 2.500,00 EUR; abgelehnt wird damit ein Betrag von 500,00 EUR.",
        "Begründung",
        "Die für diesen Förderaufruf verfügbaren Haushaltsmittel reichen nicht aus, um alle förderfähigen Anträge in "
        "voller Höhe zu bewilligen (§ 34 LHO).",
        "Sachverhalt Für den Aufruf lagen Anträge über 180.000 EUR vor.",
        "Ermessenserwägungen Alle förderfähigen Anträge werden gleichmäßig gekürzt.",
        "Auf die Gewährung einer Zuwendung besteht kein Rechtsanspruch (VV Nr. 1.1 zu § 44 LHO)",
        # the rest of the financing, as the organisation secures it, is an Auflage
        "Weitere Mittel (siehe Auflage) 500,00 EUR",
        "Der Verein zahlt 500 EUR aus Mitgliedsbeiträgen.",
        "Auflage (§ 36 Absatz 2 Nummer 4 VwVfG)",
    ]:
        assert content in text, content
    assert text.index("Im Übrigen wird der Antrag abgelehnt") < text.index("Begründung")


def test_a_rejection_prints_its_grounds_facts_and_weighing(in_decision, clerk, approver):
    application = in_decision()
    decision = decide(
        application,
        clerk=clerk,
        approver=approver,
        outcome="reject",
        grounds=["eligibility", "priority"],
        reasons="Das Projekt richtet sich nicht an Menschen mit Migrationsgeschichte.",
        weighing="Andere Anträge tragen mehr zu den Programmzielen bei.",
    )
    text = letter_text(decision)

    for content in [
        "Ablehnungsbescheid",
        f"auf Gewährung einer Zuwendung für das Projekt „{application.title}“ in Höhe von 2.500,00 EUR lehne ich ab.",
        "Begründung",
        "Die Voraussetzungen für eine Förderung nach der Richtlinie zur Förderung von Migrant*innenorganisationen "
        "vom 1. Januar 2026 liegen nicht vor.",
        "nach den im Förderaufruf bekannt gemachten Auswahlkriterien vergeben",
        "Sachverhalt Das Projekt richtet sich nicht an Menschen mit Migrationsgeschichte.",
        "Ermessenserwägungen Andere Anträge tragen mehr zu den Programmzielen bei.",
        "kein Rechtsanspruch",
        f"bei folgendem Gericht zu erheben: {COURT}",
    ]:
        assert content in text, content
    assert "ANBest-P" not in text and "Zuwendungsbescheid" not in text


def test_the_legal_remedy_is_an_action_at_the_court_for_a_senator(call):
    text = remedy_text(call.programme.authority)
    assert text.startswith("Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage erhoben")
    assert f"bei folgendem Gericht zu erheben: {COURT}, Am Wall 198, 28195 Bremen." in text
    assert "§ 55a der Verwaltungsgerichtsordnung" in text
    assert "Widerspruch" not in text


def test_the_legal_remedy_is_an_objection_at_the_body_for_a_subordinate_office(
    objection_authority, in_decision, clerk, approver
):
    assert remedy_text(objection_authority) == (
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben werden. Der "
        "Widerspruch ist schriftlich, in elektronischer Form nach § 3a Absatz 2 des Verwaltungsverfahrensgesetzes "
        f"oder zur Niederschrift bei folgender Behörde zu erheben: {OFFICE}, Doventorscontrescarpe 172, 28195 Bremen."
    )
    text = letter_text(decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00")))
    assert f"zur Niederschrift bei folgender Behörde zu erheben: {OFFICE}" in text
    assert "Klage" not in text


# What the summary says about the remedy, in words of each language's catalogue.
REMEDY_WORDS = {
    "en": {"action": "you can sue (Klage)", "objection": "you can object (Widerspruch)"},
    "tr": {"action": "dava (Klage)", "objection": "itiraz (Widerspruch)"},
    "ar": {"action": "دعوى", "objection": "اعتراض"},  # extracted right to left: brackets may turn
    "ru": {"action": "иск (Klage)", "objection": "возражение (Widerspruch)"},
    "uk": {"action": "позов (Klage)", "objection": "заперечення (Widerspruch)"},
}


def summary_of(decision, language) -> str:
    text = letter_text(decision)
    with translation.override(language):
        heading = translation.gettext("Summary of your decision letter")
    assert heading in text, f"no {language} summary"
    return text[text.index(heading) :]


@pytest.mark.parametrize("language", REMEDY_WORDS)
@pytest.mark.parametrize("kind", ["action", "objection"])
def test_the_summary_names_the_remedy_of_the_german_letter(kind, language, alice, call, in_decision, clerk, approver):
    alice.language = language
    alice.save()
    authority = call.programme.authority
    if kind == "objection":
        authority.remedy_kind, authority.remedy_body = RemedyKind.OBJECTION, OFFICE
        authority.save()
    decision = decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00"))
    summary = summary_of(decision, language)

    other = "objection" if kind == "action" else "action"
    assert REMEDY_WORDS[language][kind] in summary
    assert REMEDY_WORDS[language][other] not in summary
    assert ("Klage" if kind == "action" else "Widerspruch") in summary
    assert ("Widerspruch" if kind == "action" else "Klage") not in summary
    assert (COURT if kind == "action" else OFFICE) in summary  # the German name, as in the letter


def test_the_summary_of_a_partial_grant_states_the_refused_amount_and_the_grounds(alice, in_decision, clerk, approver):
    alice.language = "en"
    alice.save()
    decision = decide(
        in_decision(requested_amount=Decimal("2500.00")), clerk=clerk, approver=approver, amount=Decimal("2000.00")
    )
    summary = summary_of(decision, "en")
    assert 'The office grants 2,000.00 EUR for your project "Sprachcafé für Eltern".' in summary
    assert "You asked for 2,500.00 EUR, so the office refuses 500.00 EUR." in summary
    assert "under „Begründung“" in summary
    assert "lower priority under the call's criteria" in summary


def test_an_informal_initiative_letter_names_the_responsible_persons(organisation, alice, in_decision, clerk, approver):
    organisation.name = "Frauencafé Gröpelingen"
    organisation.legal_form = LegalForm.INFORMAL_INITIATIVE
    organisation.save()
    MembershipFactory(
        organisation=organisation,
        user=UserFactory(first_name="Dilan", last_name="Kaya"),
        role=MembershipRole.REPRESENTATIVE,
    )
    MembershipFactory(organisation=organisation, user=UserFactory(first_name="Mira"), role=MembershipRole.MEMBER)
    text = letter_text(decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00")))
    assert "Frauencafé Gröpelingen zu Händen der verantwortlichen Personen: Alice Aydın und Dilan Kaya" in text
    assert "vertreten durch" not in text and "Mira" not in text


def test_applied_third_party_funds_are_a_condition_and_a_granted_early_start_is_noted(
    organisation, alice, clerk, approver, call, programme_admin, reviewer
):
    application = ApplicationFactory(
        organisation=organisation,
        call=call,
        created_by=alice,
        requested_amount=Decimal("2500.00"),
        costs=Decimal("3500.00"),
    )
    ThirdPartyFunding.objects.create(
        application=application, funder="Stiftung Bremer Bürger", amount=Decimal("400.00"), status=FundingStatus.APPLIED
    )
    ThirdPartyFunding.objects.create(
        application=application, funder="Sparkasse", amount=Decimal("100.00"), status=FundingStatus.GRANTED
    )
    consent_on = timezone.now() - timedelta(days=3)
    EarlyStartRequest.objects.create(
        application=application,
        reason="Kurse beginnen vor dem Bescheid.",
        requested_by=alice,
        granted=True,
        decided_by=clerk,
        decided_at=consent_on,
    )
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    text = letter_text(decide(application, clerk=clerk, approver=approver, amount=Decimal("2500.00")))

    assert "Drittmittel 500,00 EUR" in text
    assert (
        "Bedingung (§ 36 Absatz 2 Nummer 2 VwVfG): Die Zuwendung wird erst ausgezahlt, wenn Sie nachgewiesen haben"
        in text
    )
    assert "Stiftung Bremer Bürger: 400,00 EUR" in text
    assert "Sparkasse:" not in text  # already granted: no condition
    assert f"Dem vorzeitigen Maßnahmebeginn wurde am {timezone.localdate(consent_on):%d.%m.%Y} zugestimmt." in text


def test_the_payment_period_follows_the_authority(call, in_decision, clerk, approver):
    authority = call.programme.authority
    authority.payment_period = "two_months"
    authority.save()
    text = letter_text(decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00")))
    assert "innerhalb von zwei Monaten nach der Auszahlung für fällige Zahlungen benötigt wird" in text
    assert "sechs Wochen" not in text


def test_the_authority_logo_is_embedded_without_fetching_anything(
    call, in_decision, clerk, approver, settings, tmp_path
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(image, format="PNG")
    authority = call.programme.authority
    authority.logo.save("wappen.png", ContentFile(image.getvalue()))
    reader = read(decide(in_decision(), clerk=clerk, approver=approver, amount=Decimal("2500.00")))
    assert len(reader.pages[0].images) == 1


def test_the_renderer_fetches_only_static_files_and_data():
    fetcher = static_only_url_fetcher()
    for url in ["file:///etc/passwd", "http://example.org/logo.png", "/static/../../etc/passwd"]:
        with pytest.raises(BlockedResource):
            fetcher.fetch(url)


def test_a_right_to_left_override_in_a_title_leaves_the_letter_s_sentences_intact(in_decision, clerk, approver):
    """A title typed with U+202E (stored before input was cleaned, or by any other way) cannot reverse the
    letter's own sentences: the control is removed and the title is isolated (<bdi>) in the PDF."""
    application = in_decision(title="Sprachcafé \u202efür Eltern\u202c und Kinder")
    text = letter_text(decide(application, clerk=clerk, approver=approver, amount=Decimal("2500.00")))
    assert "\u202e" not in text and "\u202c" not in text
    assert "für das Projekt „Sprachcafé für Eltern und Kinder“ im Bewilligungszeitraum vom" in text
    assert "Zuwendung als Projektförderung in Höhe von" in text
    assert "nretlE" not in text and "redniK" not in text  # nothing drawn backwards
