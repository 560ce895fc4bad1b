"""Changes during the project (ANBest-P Nr. 5): a small shift is noted, a larger change becomes an amendment
decision that a second person approves, with a new plan version and the Änderungsbescheid.

Alice represents the organisation, Bob is a plain member. Clara is a clerk, Anke an approver, Klaus holds both roles
(to prove that four eyes hold for a person with both).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.errors import ApplicationError, NotAllowed
from grants.changes import change_approve, change_propose
from grants.models import ChangeReport, ChangeStatus, Grant, GrantLetter
from notifications.models import Notification
from tests.support.process import approve, propose
from workflow.change_services import change_report_and_start
from workflow.flows.change import ChangeFlow

pytestmark = pytest.mark.usefixtures("tasks_in_process")


@pytest.fixture
def grant(in_decision, clerk, approver, django_capture_on_commit_callbacks):
    """2,500 EUR granted on one plan line "Honorare" of 3,000 EUR."""
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, by=approver)
    return Grant.objects.get(application=application)


def line_of(grant):
    return grant.plan_versions.get(number=1).lines.get()


def report(grant, by, amount, *, kind="costs", period_end=None):
    return change_report_and_start(
        grant=grant,
        by=by,
        kind=kind,
        description="Die Raummiete ist gestiegen.",
        new_amounts={line_of(grant).pk: Decimal(amount)},
        new_period_end=period_end,
    )


def task_of(change, node):
    return Task.objects.get(process__changeprocess__report=change, flow_task=node, status=STATUS.NEW)


def test_a_change_within_the_tolerance_is_noted_without_a_letter(client, grant, alice, clerk):
    # 3,000 -> 2,600: 400 is 13.3 % of the line, and the total falls.
    change = report(grant, alice, "2600.00")
    client.force_login(clerk)
    response = client.post(f"/staff/tasks/{task_of(change, ChangeFlow.assess).pk}/", {"action": "note", "note": ""})
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.NOTED, clerk)
    assert not GrantLetter.objects.filter(grant=grant).exists()
    assert grant.plan_versions.count() == 1
    assert Notification.objects.filter(recipient=alice, event="change_noted").exists()


def test_a_change_beyond_the_tolerance_cannot_be_just_noted(client, grant, alice, clerk):
    change = report(grant, alice, "3300.00")  # the total rises by 300
    client.force_login(clerk)
    response = client.post(f"/staff/tasks/{task_of(change, ChangeFlow.assess).pk}/", {"action": "note"})
    assert response.status_code == 400
    change.refresh_from_db()
    assert change.status == ChangeStatus.REPORTED


def test_an_amendment_needs_a_second_person(
    client, grant, alice, clerk_and_approver, approver, django_capture_on_commit_callbacks
):
    change = report(grant, alice, "3300.00", kind="period", period_end=grant.period_end + timedelta(days=30))
    client.force_login(clerk_and_approver)
    assess = task_of(change, ChangeFlow.assess)
    response = client.post(f"/staff/tasks/{assess.pk}/", {"action": "propose", "amount": "2800,00"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.proposed_amount) == (ChangeStatus.PROPOSED, Decimal("2800.00"))
    approval = task_of(change, ChangeFlow.approve)
    # The flow keeps the proposer out, the page refuses them, the service refuses them, and so does the database.
    assert not ChangeFlow.approve.can_assign(clerk_and_approver, approval)
    assert client.post(f"/staff/tasks/{approval.pk}/", {"action": "approve"}).status_code == 403
    with pytest.raises(NotAllowed):
        change_approve(report=change, by=clerk_and_approver)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeReport.objects.filter(pk=change.pk).update(approved_by=clerk_and_approver)
    grant.refresh_from_db()
    assert grant.amount == Decimal("2500.00") and grant.plan_versions.count() == 1

    old_end = grant.period_end
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):  # the letter is rendered after the commit
        assert client.post(f"/staff/tasks/{approval.pk}/", {"action": "approve"}).status_code == 302
    grant.refresh_from_db()
    change.refresh_from_db()
    assert change.status == ChangeStatus.AMENDED and change.approved_by == approver
    assert grant.amount == Decimal("2800.00")
    assert grant.period_end == old_end + timedelta(days=30)
    version = grant.plan_versions.get(number=2)
    assert (version.amount, version.eligible_costs) == (Decimal("2800.00"), Decimal("3300.00"))
    assert [line.amount for line in version.lines.all()] == [Decimal("3300.00")]
    assert change.plan_version == version
    letter = GrantLetter.objects.get(grant=grant, kind="amendment")
    assert letter.context["amount"] == "2800.00" and letter.context["previous_amount"] == "2500.00"
    assert letter.context["plan_version"] == 2
    assert Notification.objects.filter(recipient=alice, event="change_decided").exists()

    client.force_login(alice)
    page = client.get(f"/applications/{grant.application_id}/").content.decode()
    assert "2.800,00" in page or "2,800.00" in page
    assert f"/grants/letters/{letter.pk}/download/" in page


def test_an_increase_must_fit_the_budget(grant, alice, clerk, approver):
    call = grant.application.call
    call.budget = Decimal("2600.00")  # 2,500 approved: 100 left
    call.save(update_fields=["budget"])
    change = ChangeReport.objects.get(pk=report(grant, alice, "3300.00").pk)
    change_propose(report=change, by=clerk, amount=Decimal("2800.00"))
    with pytest.raises(ApplicationError) as refused:
        change_approve(report=change, by=approver)
    assert "2.600,00" in refused.value.message or "2,600.00" in refused.value.message
    grant.refresh_from_db()
    assert grant.amount == Decimal("2500.00")


def test_only_a_representative_reports_and_nothing_typed_is_lost(client, grant, alice, bob):
    url = f"/applications/{grant.application_id}/changes/new/"
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(alice)
    line = line_of(grant)
    response = client.post(
        url,
        {"kind": "period", "description": "Der Kurs dauert länger.", "new_period_end": "", f"line_{line.pk}": "abc"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Der Kurs dauert länger." in page  # kept
    assert 'id="id_new_period_end"' in page and f'id="id_line_{line.pk}"' in page
    assert not ChangeReport.objects.exists()
    response = client.post(
        url,
        {"kind": "costs", "description": "Mehr Honorar.", f"line_{line.pk}": "2.900,00"},
    )
    assert response.status_code == 302
    change = ChangeReport.objects.get()
    assert change.lines.get().amount == Decimal("2900.00")
    assert task_of(change, ChangeFlow.assess)


def test_the_change_steps_are_in_the_staff_work_list(client, grant, alice, clerk):
    change = report(grant, alice, "3300.00")
    client.force_login(clerk)
    page = client.get("/staff/queue/").content.decode()
    assert f"/staff/tasks/{task_of(change, ChangeFlow.assess).pk}/" in page


def test_an_amendment_moves_the_draft_proof_of_use_to_the_new_plan(running, alice):
    """The draft is opened when the decision becomes final; after an amendment its figures and receipts belong to
    the new plan version's lines, so it can still be submitted."""
    from datetime import timedelta

    from django.utils import timezone

    from grants.changes import current_plan
    from grants.models import PlanLine, PlanVersion
    from grants.proofs import proof_open, proof_submission_problems, proofs_follow_plan, receipt_add

    proof = proof_open(grant=running)
    old_line = current_plan(running).lines.get()
    receipt_add(
        proof=proof,
        by=alice,
        date=timezone.localdate() - timedelta(days=1),
        payee="Trainerin",
        purpose="Honorar",
        amount=Decimal("100.00"),
        plan_line=old_line,
    )
    version = PlanVersion.objects.create(
        grant=running,
        number=2,
        eligible_costs=Decimal("3000.00"),
        own_funds=Decimal("500.00"),
        third_party_funds=Decimal("0.00"),
        amount=Decimal("2500.00"),
    )
    new_line = PlanLine.objects.create(
        version=version,
        position=1,
        category=old_line.category,
        description=old_line.description,
        amount=old_line.amount,
    )
    assert proofs_follow_plan(grant=running, version=version) == 1
    assert list(proof.lines.values_list("plan_line", flat=True)) == [new_line.pk]
    assert list(proof.receipts.values_list("plan_line", flat=True)) == [new_line.pk]
    from django.utils.translation import gettext

    missing = gettext("The approved plan has lines that are missing here; please ask the office.")
    assert missing not in proof_submission_problems(proof)


def test_an_upheld_objection_is_remedied_by_an_amendment_two_people_sign(
    client, grant, alice, clerk, approver, django_capture_on_commit_callbacks
):
    """The organisation objected to the amount; the office finds the objection right. Recording that opens the
    amendment procedure, and the letter is an Abhilfebescheid with its cost decision."""
    from django.utils import timezone

    from grants.letters import render_grant_letter_html
    from grants.models import AppealOutcome, ChangeKind
    from grants.services import appeal_record
    from workflow.grant_services import appeal_end_and_continue

    lodged = timezone.localdate() - timedelta(days=10)
    appeal = appeal_record(grant=grant, by=clerk, kind="objection", lodged_on=lodged)
    # Upheld without saying why: refused next to the note, nothing changes.
    client.force_login(clerk)
    url = f"/staff/applications/{grant.application_id}/appeal/"
    response = client.post(url, {"outcome": "upheld", "decided_on": timezone.localdate().isoformat(), "note": ""})
    assert response.status_code == 400 and 'id="id_note-error"' in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.PENDING and not ChangeReport.objects.filter(grant=grant).exists()

    reasons = "Die Honorarsätze entsprechen der Richtlinie; die Kürzung um 300 EUR war nicht begründet."
    response = client.post(url, {"outcome": "upheld", "decided_on": timezone.localdate().isoformat(), "note": reasons})
    assert response.status_code == 302
    change = ChangeReport.objects.get(grant=grant, appeal=appeal)
    assert (change.kind, change.description) == (ChangeKind.APPEAL, reasons)
    assess = task_of(change, ChangeFlow.assess)
    # Refusing is not a way out of an upheld appeal.
    response = client.post(f"/staff/tasks/{assess.pk}/", {"action": "refuse", "note": "Doch nicht."})
    assert response.status_code == 400
    response = client.post(f"/staff/tasks/{assess.pk}/", {"action": "propose", "amount": "2800,00"})
    assert response.status_code == 302
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/staff/tasks/{task_of(change, ChangeFlow.approve).pk}/", {"action": "approve"}).status_code
            == 302
        )
    grant.refresh_from_db()
    assert grant.amount == Decimal("2800.00")
    letter = GrantLetter.objects.get(grant=grant, kind="amendment")
    text = " ".join(render_grant_letter_html(letter).split())
    assert "Abhilfebescheid" in text and f"Ihrem Widerspruch vom {lodged:%d.%m.%Y} wird abgeholfen" in text
    assert "§ 72 VwGO" in text and "§ 80 Absatz 1 Satz 1 VwVfG" in text and reasons in text
    assert "Nr. 5 ANBest-P eine Änderung des Projekts angezeigt" not in text  # not written as a reported change
    with pytest.raises(ApplicationError):
        appeal_end_and_continue(appeal=appeal, by=clerk, outcome="upheld", decided_on=timezone.localdate())
