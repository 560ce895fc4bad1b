"""The thin funding process through the service layer, with letters rendered and e-mails sent by the
background worker: in-process on the embedded default, a real Celery worker on Redis when a broker is set."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from viewflow.workflow.status import PROCESS

from applications.models import ApplicationStatus, DecisionLetter
from applications.services import decision_letter_record_download
from tests.factories import ApplicationFactory
from tests.support.process import approve, propose, through_review
from tests.support.worker import wait_until
from workflow.models import FundingProcess
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(letter: DecisionLetter) -> str:
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_an_approved_application_ends_with_a_letter_and_an_email(
    alice, bob, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, created_by=bob, requested_amount=Decimal("2500.00"))

    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("2400.00"))
    approve(application, by=approver)

    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    assert letter is not None, "no decision letter was stored"
    process = wait_until(lambda: FundingProcess.objects.filter(application=application, status=PROCESS.DONE).first())
    assert process is not None, "the process did not finish after the letter"

    text = pdf_text(letter)
    assert "Zuwendungsbescheid" in text
    assert organisation.name in text
    assert "2.400,00 EUR" in text
    assert application.reference in text

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    messages = mailbox.wait_for(2, subject="Bescheid liegt vor")
    assert sorted(m["To"] for m in messages) == ["alice@example.org", "bob@example.org"]
    assert f"/applications/{application.pk}/" in messages[0].get_body(("plain",)).get_content()
    assert application.title in messages[0]["Subject"]


def test_a_rejection_letter_states_the_reasons(
    alice, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, outcome="reject", reasons="Das Projekt liegt außerhalb des Förderzwecks.")
    approve(application, by=approver)

    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    text = pdf_text(letter)
    assert "Ablehnungsbescheid" in text
    assert "außerhalb des Förderzwecks" in text
    assert "Klage" in " ".join(text.split())  # the authority's Rechtsbehelfsbelehrung: an action at the court
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_the_first_download_is_recorded_as_the_delivery_receipt(
    alice, bob, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("1000.00"))
    approve(application, by=approver)
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())

    decision_letter_record_download(letter=letter, by=bob)
    first = DecisionLetter.objects.get(pk=letter.pk)
    decision_letter_record_download(letter=letter, by=alice)
    again = DecisionLetter.objects.get(pk=letter.pk)

    assert first.first_downloaded_by == bob and first.first_downloaded_at is not None
    assert (again.first_downloaded_by, again.first_downloaded_at) == (bob, first.first_downloaded_at)


def test_an_english_speaking_applicant_gets_a_summary_page_and_the_german_text_stays_binding(
    alice, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    alice.language = "en"
    alice.save()
    application = ApplicationFactory(organisation=organisation, created_by=alice, requested_amount=Decimal("1800.00"))
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("1800.00"))
    approve(application, by=approver)

    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    text = " ".join(pdf_text(letter).split())
    assert text.index("Zuwendungsbescheid") < text.index("Summary of your decision letter")
    assert "Only the German text of the letter is legally binding." in text
    assert "the office grants 1,800.00 EUR" in text


def test_a_german_speaking_applicant_gets_no_summary_page(
    alice, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("1000.00"))
    approve(application, by=approver)
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    assert "Summary of your decision letter" not in pdf_text(letter)
    assert "Zusammenfassung" not in pdf_text(letter)
