"""Letters after the decision hold up before an administrative lawyer: an amendment and a revocation are
administrative acts with their tenor and legal remedy; a hearing and a closing notice are not, and say so by carrying
no remedy. Each letter is rendered once, to one file, and delivered by the first retrieval of a person authorised to
receive it.

Alice represents the organisation, Bob is a plain member, Charlie belongs to another organisation.
"""

import io
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications.letters import remedy_text
from grants.letters import grant_letter_issue, grant_letter_path, render_grant_letter_html
from grants.models import Grant, GrantLetter
from grants.tasks import render_grant_letter, unrendered_letters_sweep
from tests.support.process import approve, propose

pytestmark = pytest.mark.usefixtures("tasks_in_process")

COURT = "Verwaltungsgericht der Freien Hansestadt Bremen"


@pytest.fixture
def grant(in_decision, clerk, approver, django_capture_on_commit_callbacks):
    """A grant of 2,500 EUR (application with one cost line of 3,000 EUR, deficit financing), letter delivered."""
    application = in_decision()
    application.delivery_consent_at = timezone.now()
    application.save(update_fields=["delivery_consent_at"])
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, by=approver)
    return Grant.objects.get(application=application)


def text_of(letter: GrantLetter) -> str:
    letter.refresh_from_db()
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages)


def stored(context: dict) -> dict:
    """The context as the letter row keeps it: dates ISO, amounts as strings (lines are left out)."""
    return {
        key: value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, Decimal) else value
        for key, value in context.items()
        if key != "lines"
    }


def issue(grant, kind, context, capture):
    with capture(execute=True):
        return grant_letter_issue(grant=grant, kind=kind, context=context)


AMENDMENT = {
    "issued_on": date(2026, 5, 4),
    "signed_by": "Anke Vogel",
    "amount": Decimal("2800.00"),
    "previous_amount": Decimal("2500.00"),
    "period_start": date(2026, 3, 1),
    "period_end": date(2026, 12, 31),
    "previous_period_end": date(2026, 10, 31),
    "plan_version": 2,
    "eligible_costs": Decimal("3300.00"),
    "own_funds": Decimal("500.00"),
    "third_party_funds": Decimal("0.00"),
    "lines": [{"position": 1, "description": "Honorare", "previous": Decimal("3000.00"), "amount": Decimal("3300.00")}],
    "reported_on": date(2026, 4, 20),
    "reasons": "Ein zusätzlicher Kurs wird angeboten.",
}
HEARING = {
    "scope": "partial",
    "grant_amount": Decimal("2500.00"),
    "revoked_amount": Decimal("1234.56"),
    "recalculated_grant": Decimal("1265.44"),
    "paid": Decimal("2500.00"),
    "amount": Decimal("1234.56"),
    "facts": "Die tatsächlichen Ausgaben lagen unter dem Plan.",
    "lines": [{"position": 1, "description": "Honorare", "planned": Decimal("3000.00"), "actual": Decimal("1765.44")}],
    "answer_by": date(2027, 3, 15),
}
REVOCATION = {
    "signed_by": "Anke Vogel",
    "scope": "partial",
    "ground": "recalculation",
    "grant_amount": Decimal("2500.00"),
    "revoked_amount": Decimal("1234.56"),
    "effective_on": date(2026, 4, 1),
    "amount": Decimal("1234.56"),
    "repay_by": date(2027, 5, 31),
    "interest_to_date": Decimal("98.76"),
    "facts": "Die tatsächlichen Ausgaben lagen unter dem Plan.",
    "hearing_sent_on": date(2027, 2, 15),
    "answer_by": date(2027, 3, 15),
    "answer": "Wir hatten weniger Teilnehmende.",
    "answered_on": date(2027, 3, 10),
    "weighing": "Besondere Umstände wurden nicht vorgetragen.",
    "known_on": date(2027, 2, 1),
    "revocation_deadline": date(2028, 2, 1),
    "payment_reference": "TH-ERSTATTUNG-1",
}
CLOSING = {
    "grant_amount": Decimal("2500.00"),
    "final_amount": Decimal("2500.00"),
    "paid": Decimal("2500.00"),
    "result": "confirmed",
    "proof_received_on": date(2027, 2, 1),
    "checked_on": date(2027, 3, 1),
    "retain_until": date(2032, 3, 1),
}


def test_an_amendment_amends_the_decision_and_keeps_the_rest(grant, django_capture_on_commit_callbacks):
    letter = issue(grant, "amendment", AMENDMENT, django_capture_on_commit_callbacks)
    text = text_of(letter)
    decided = timezone.localdate(grant.decision.approved_at).strftime("%d.%m.%Y")
    reference = grant.application.reference
    assert f"1. Der Zuwendungsbescheid vom {decided} (Aktenzeichen {reference}) wird wie folgt geändert" in text
    assert "Die Zuwendung wird auf bis zu 2.800,00 EUR festgesetzt (bisher 2.500,00 EUR)" in text
    assert "Der Bewilligungszeitraum wird bis zum 31.12.2026 verlängert (bisher bis zum 31.10.2026)" in text
    assert "Finanzierungsplan in der Fassung 2 (Anlage)" in text
    assert f"2. Im Übrigen bleibt der Zuwendungsbescheid vom {decided} unverändert wirksam" in text
    assert "ANBest-P" in text and "gelten weiter" in text
    assert "Rechtsbehelfsbelehrung" in text
    assert " ".join(remedy_text(grant.programme.authority).split()) in text
    assert "3.300,00 EUR" in text  # the annex: plan version 2
    assert letter.file.name == f"letters/{grant.application_id}/amendment-1.pdf"


def test_a_hearing_is_no_decision_and_carries_no_remedy(grant, django_capture_on_commit_callbacks):
    letter = issue(grant, "hearing", HEARING, django_capture_on_commit_callbacks)
    text = text_of(letter)
    assert "Anhörung" in text
    assert "teilweise, in Höhe von 1.234,56 EUR, zu widerrufen und von Ihnen 1.234,56 EUR zurückzufordern" in text
    assert "§ 28 Absatz 1 VwVfG" in text
    assert "Sie können sich bis zum 15.03.2027 äußern" in text
    assert "im Förderportal" in text and "schriftlich" in text
    assert "Ihre Stellungnahme werde ich bei meiner Entscheidung berücksichtigen" in text
    assert "3.000,00 EUR" in text and "1.765,44 EUR" in text  # planned against actual
    assert "Rechtsbehelfsbelehrung" not in text
    assert COURT not in text and "Klage" not in text


def test_a_revocation_states_tenor_ground_discretion_period_and_remedy(grant, django_capture_on_commit_callbacks):
    letter = issue(grant, "revocation", REVOCATION, django_capture_on_commit_callbacks)
    text = text_of(letter)
    assert "teilweise, in Höhe von 1.234,56 EUR, mit Wirkung vom 01.04.2026 widerrufen" in text
    assert "Die Zuwendung beträgt damit 1.265,44 EUR" in text  # 2,500.00 - 1,234.56
    assert "2. Der zu erstattende Betrag wird auf 1.234,56 EUR festgesetzt." in text
    assert "Er ist bis zum 31.05.2027 zu erstatten (§ 49a Absatz 1 VwVfG)" in text
    assert "3. Der Erstattungsbetrag ist vom 01.04.2026 an mit fünf Prozentpunkten über dem Basiszinssatz" in text
    assert "Zinsen in Höhe von 98,76 EUR aufgelaufen" in text
    assert "§ 49 Absatz 3 Satz 1 Nummer 1 VwVfG" in text
    assert "intendiertes Ermessen" in text
    assert "Wir hatten weniger Teilnehmende." in text
    assert "§ 49 Absatz 3 Satz 2 in Verbindung mit § 48 Absatz 4 VwVfG" in text
    assert "TH-ERSTATTUNG-1" in text
    assert "IBAN" not in text  # the authority has no account set
    assert "Rechtsbehelfsbelehrung" in text and COURT in text


def test_a_revocation_names_the_account_when_the_authority_has_one(grant):
    authority = grant.programme.authority
    authority.iban, authority.bic = "DE02 2905 0000 1070 0004 07", "BRLADE22XXX"
    letter = GrantLetter.objects.create(grant=grant, kind="revocation", context=stored(REVOCATION))
    html = render_grant_letter_html(letter)
    assert "IBAN DE02 2905 0000 1070 0004 07, BIC BRLADE22XXX" in " ".join(html.split())


def test_a_closing_notice_reports_the_result_and_the_retention(grant, django_capture_on_commit_callbacks):
    letter = issue(grant, "closing", CLOSING, django_capture_on_commit_callbacks)
    text = text_of(letter)
    assert "Abschlussmitteilung" in text
    assert "Die Zuwendung beträgt 2.500,00 EUR" in text
    assert "bis zum 01.03.2032" in text and "danach gelöscht" in text
    assert "kein Verwaltungsakt" in text
    assert "Rechtsbehelfsbelehrung" not in text and COURT not in text


def test_numbers_count_per_grant_and_kind(grant, django_capture_on_commit_callbacks):
    first = issue(grant, "hearing", HEARING, django_capture_on_commit_callbacks)
    second = issue(grant, "hearing", HEARING, django_capture_on_commit_callbacks)
    closing = issue(grant, "closing", CLOSING, django_capture_on_commit_callbacks)
    assert (first.number, second.number, closing.number) == (1, 2, 1)
    assert GrantLetter.objects.get(pk=second.pk).file.name.endswith("/hearing-2.pdf")


def test_the_context_is_stored_as_json(grant, django_capture_on_commit_callbacks):
    letter = issue(grant, "hearing", HEARING, django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    assert letter.context["revoked_amount"] == "1234.56"
    assert letter.context["answer_by"] == "2027-03-15"
    assert letter.context["lines"][0]["actual"] == "1765.44"


def test_a_rerun_writes_no_second_file(grant, media_root, django_capture_on_commit_callbacks):
    letter = issue(grant, "closing", CLOSING, django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    rendered_at = letter.rendered_at
    folder = media_root / "letters" / str(grant.application_id)
    before = sorted(path.name for path in folder.iterdir())
    # A lost render half-way: the file is there, the row not yet marked; the task runs again.
    GrantLetter.objects.filter(pk=letter.pk).update(rendered_at=None)
    render_grant_letter.delay(letter_id=letter.pk)
    render_grant_letter.delay(letter_id=letter.pk)  # and a redelivered message does nothing
    after = sorted(path.name for path in folder.iterdir())
    assert before == after
    assert after.count("closing-1.pdf") == 1
    letter.refresh_from_db()
    assert letter.rendered_at is not None and letter.rendered_at >= rendered_at
    assert letter.file.name == grant_letter_path(letter)


def test_the_sweep_renders_letters_whose_message_was_lost(grant):
    letter = grant_letter_issue(grant=grant, kind="closing", context=CLOSING)  # on_commit never runs here
    GrantLetter.objects.filter(pk=letter.pk).update(created=timezone.now() - timedelta(minutes=2))
    assert unrendered_letters_sweep() == 1
    letter.refresh_from_db()
    assert letter.rendered_at is not None
    assert unrendered_letters_sweep() == 0


def test_a_summary_page_follows_in_the_submitters_language(grant, alice):
    alice.language = "ar"
    alice.save(update_fields=["language"])
    letter = GrantLetter.objects.create(grant=grant, kind="hearing", context=stored(HEARING))
    html = render_grant_letter_html(letter)
    assert html.count('<html lang="de">') == 1
    assert '<section class="summary" lang="ar" dir="rtl">' in html
    assert '<span lang="de">Anhörung</span>' in html
    alice.language = "de"
    alice.save(update_fields=["language"])
    assert 'class="summary"' not in render_grant_letter_html(GrantLetter.objects.get(pk=letter.pk))


def test_the_first_retrieval_by_a_representative_delivers_the_letter(
    client, grant, alice, bob, django_capture_on_commit_callbacks
):
    letter = issue(grant, "revocation", REVOCATION, django_capture_on_commit_callbacks)
    client.force_login(bob)  # a plain member may read it, but that delivers nothing
    response = client.get(f"/grants/letters/{letter.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    letter.refresh_from_db()
    assert (letter.retrieved_at, letter.delivered_at) == (None, None)
    client.force_login(alice)
    assert client.get(f"/grants/letters/{letter.pk}/download/").status_code == 200
    letter.refresh_from_db()
    assert letter.retrieved_by == alice
    assert letter.delivered_at == timezone.localdate(letter.retrieved_at) + timedelta(days=1)
    first = letter.retrieved_at
    client.get(f"/grants/letters/{letter.pk}/download/")
    letter.refresh_from_db()
    assert letter.retrieved_at == first  # later downloads change nothing


def test_without_consent_a_download_delivers_nothing(client, grant, alice, django_capture_on_commit_callbacks):
    type(grant.application).objects.filter(pk=grant.application_id).update(delivery_consent_at=None)
    letter = issue(grant, "amendment", AMENDMENT, django_capture_on_commit_callbacks)
    client.force_login(alice)
    assert client.get(f"/grants/letters/{letter.pk}/download/").status_code == 200
    letter.refresh_from_db()
    assert letter.delivered_at is None


def test_another_organisation_gets_404(client, grant, charlie, django_capture_on_commit_callbacks):
    letter = issue(grant, "closing", CLOSING, django_capture_on_commit_callbacks)
    client.force_login(charlie)
    assert client.get(f"/grants/letters/{letter.pk}/download/").status_code == 404
    letter.refresh_from_db()
    assert letter.retrieved_at is None


def test_the_letters_are_listed_for_the_organisation_and_the_office(
    client, grant, alice, clerk, django_capture_on_commit_callbacks
):
    letter = issue(grant, "hearing", HEARING, django_capture_on_commit_callbacks)
    client.force_login(alice)
    page = client.get(f"/applications/{grant.application_id}/").content.decode()
    assert f'href="/grants/letters/{letter.pk}/download/"' in page
    client.force_login(clerk)
    page = client.get(f"/staff/applications/{grant.application_id}/").content.decode()
    assert f'href="/staff/grant-letters/{letter.pk}/"' in page
    response = client.get(f"/staff/grant-letters/{letter.pk}/")
    assert response.status_code == 200
    letter.refresh_from_db()
    assert letter.retrieved_at is None  # the office's reading delivers nothing
