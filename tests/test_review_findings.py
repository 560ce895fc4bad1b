"""Rules found in review: who sees what on the staff side, bounded proposals, resubmission dates, plain e-mails,
input that must never crash a page, and letters that carry the mandatory content."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications.models import MEMO_CHECKS, ApplicationStatus, DecisionLetter, Document
from tests.factories import ApplicationFactory
from tests.support.process import approval_details, assign, confirm_complete, open_task, propose
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start
from workflow.tasks import create_decision_letter

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def complete(alice, organisation, call, clerk):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    confirm_complete(application, by=clerk)
    return application


def test_a_reviewer_sees_the_application_page_only_after_declaring_no_conflict(
    client, complete, programme_admin, reviewer, second_reviewer
):
    assign(complete, by=programme_admin, reviewers=[reviewer])
    for person in (reviewer, second_reviewer):
        client.force_login(person)
        assert client.get(f"/staff/applications/{complete.pk}/").status_code == 404
    client.force_login(reviewer)
    task = open_task(complete, FundingFlow.review_first)
    client.post(f"/staff/tasks/{task.pk}/", {"declaration": "none"})
    assert client.get(f"/staff/applications/{complete.pk}/").status_code == 200
    client.force_login(second_reviewer)
    assert client.get(f"/staff/applications/{complete.pk}/").status_code == 404


def test_drafts_are_not_shown_to_the_office(client, alice, organisation, call, clerk):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    client.post(f"/applications/{draft.pk}/edit/documents/", {"kind": "statutes", "file": io.BytesIO(PDF)})
    client.force_login(clerk)
    assert client.get(f"/staff/applications/{draft.pk}/").status_code == 404


def test_a_proposal_cannot_exceed_the_grant_limit(client, in_decision, clerk):
    application = in_decision(requested_amount=Decimal("2500.00"))
    task = open_task(application, FundingFlow.propose)
    client.force_login(clerk)
    checks = {name: "on" for name, _label in MEMO_CHECKS}
    response = client.post(
        f"/staff/tasks/{task.pk}/",
        {"outcome": "approve", "amount": "9.999.999,00", **checks},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "Höchstens 2.500,00 EUR können bewilligt werden" in response.content.decode()
    client.post(f"/staff/tasks/{task.pk}/", {"outcome": "approve", "amount": "2.500,00", **checks})
    assert application.current_decision.amount == Decimal("2500.00")


def test_after_a_missed_deadline_only_a_rejection_can_be_proposed(alice, organisation, call, clerk):
    from applications.errors import ApplicationError
    from applications.services import decision_propose, items_request, items_request_lapse
    from workflow.services import task_complete

    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    task_complete(
        task=open_task(application, FundingFlow.check_completeness),
        by=clerk,
        action=lambda p: items_request(
            application=p.application, by=clerk, message="x", deadline=timezone.localdate() + timedelta(days=1)
        ),
    )
    items_request_lapse(application=application, by=clerk)
    with pytest.raises(ApplicationError, match="zuerst die inhaltliche Prüfung"):
        decision_propose(
            application=application, by=clerk, outcome="approve", amount=Decimal("1000.00"), **approval_details()
        )
    rejection = decision_propose(
        application=application, by=clerk, outcome="reject", grounds=["incomplete"], reasons="Unterlagen fehlen."
    )
    assert rejection.outcome == "reject"


def test_a_resubmission_is_judged_by_the_first_submission_date(client, alice, organisation, call, clerk):
    from applications.models import Application

    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    client.force_login(clerk)
    task = open_task(application, FundingFlow.check_completeness)
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    client.post(f"/staff/tasks/{task.pk}/", {"outcome": "request", "message": "Bitte Satzung.", "deadline": deadline})
    # The project has started since the application was submitted: that is not a start before applying.
    Application.objects.filter(pk=application.pk).update(
        period_start=timezone.localdate() - timedelta(days=2), submitted_at=timezone.now() - timedelta(days=10)
    )
    client.force_login(alice)
    response = client.post(f"/applications/{application.pk}/answer/", {"answer": "Anbei.", "confirm": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_over_financing_is_refused_at_submission(client, alice, organisation, call):
    draft = ApplicationFactory(
        organisation=organisation,
        call=call,
        created_by=alice,
        requested_amount=Decimal("1000.00"),
        costs=Decimal("1000"),
    )
    draft.own_funds = Decimal("500.00")
    draft.save()
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "überfinanzieren" in page or "höchstens 500,00 EUR" in page


@pytest.mark.django_db(transaction=True)
def test_plain_text_mails_show_ampersands_and_quotes_as_typed(alice, organisation, background_worker, mailbox):
    from notifications.services import notify

    notify(
        recipient=alice,
        event="decision_available",
        context={"application_title": "Kochen & Reden", "reference": "TH-1", "organisation": "O'Brien e.V."},
    )
    message = mailbox.wait_for(1)[0]
    assert "Kochen & Reden" in message["Subject"]
    assert "O'Brien e.V." in message.get_body(("plain",)).get_content()


def test_input_that_must_not_crash_a_page(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    client.force_login(alice)
    assert client.post(f"/applications/{draft.pk}/edit/documents/", {"remove": "abc"}).status_code == 302
    rows = {
        "costs-TOTAL_FORMS": "1",
        "costs-INITIAL_FORMS": "0",
        "costs-0-category": "staff",
        "costs-0-description": "Honorare",
        "costs-0-quantity": "9999999999",
        "costs-0-unit_price": "1",
    }
    response = client.post(f"/applications/{draft.pk}/edit/costs/", rows)
    assert response.status_code == 400
    assert client.get(f"/applications/{draft.pk}/").status_code == 200
    assert client.get(f"/applications/{draft.pk}/edit/costs/").status_code == 200


def test_every_applicant_page_of_another_organisation_is_404(client, alice, charlie, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    document = Document.objects.create(
        application=draft, kind="statutes", file="documents/x", original_name="x.pdf", content_type="application/pdf",
        size=10, uploaded_by=alice,
    )  # fmt: skip
    client.force_login(charlie)
    for url in [
        f"/applications/{draft.pk}/answer/",
        f"/applications/{draft.pk}/early-start/",
        f"/applications/{draft.pk}/edit/documents/",
        f"/documents/{document.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "answer": "x", "confirm": "on"}).status_code == 404, url


@pytest.mark.django_db(transaction=True)
def test_the_letter_carries_the_mandatory_content_and_a_repeated_task_adds_nothing(
    in_decision, clerk, approver, background_worker, mailbox
):
    from tests.support.process import approve
    from tests.support.worker import wait_until

    application = in_decision(requested_amount=Decimal("2500.00"))
    propose(application, by=clerk, amount=Decimal("2400.00"))
    approve(application, by=approver)
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    task = application.process.task_set.get(flow_task=FundingFlow.create_letter)
    create_decision_letter(task_id=task.pk)  # a redelivered message
    assert DecisionLetter.objects.filter(decision__application=application).count() == 1

    with letter.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    decision = application.current_decision
    for content in [
        organisation_name := application.organisation.name,
        "Zweck der Zuwendung",
        application.reference,
        "Projektförderung",
        "Fehlbedarfsfinanzierung",
        "Zuwendungsfähige Ausgaben",
        "3.000,00 EUR",  # eligible costs: the factory's cost plan is the request plus the own funds
        "2.400,00 EUR",
        f"Der Bewilligungszeitraum beginnt am {decision.period_start:%d.%m.%Y}",
        "ANBest-P",
        "Verwendungsnachweis",
        "Auszahlung",
        "Rechtsbehelfsbelehrung",
        "Klage",
        "Referat Integrationspolitik",
        "Anke Vogel",
    ]:
        assert content in text, content
    assert organisation_name
