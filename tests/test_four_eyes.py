"""The person who proposes a decision never approves it: the flow refuses, the pages refuse, the database refuses."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from viewflow.workflow.status import STATUS

from applications.errors import NotAllowed
from applications.models import Decision, DecisionStatus
from applications.services import decision_approve
from tests.factories import ApplicationFactory
from tests.support.process import approve, open_task, propose, through_review
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start


@pytest.fixture
def proposed(alice, organisation, clerk_and_approver, programme_admin, reviewer):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk_and_approver, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk_and_approver, amount=Decimal("1200.00"))
    return application


def test_the_proposer_gets_403_on_the_approval_page_and_nothing_changes(client, proposed, clerk_and_approver):
    task = open_task(proposed, FundingFlow.approve)
    client.force_login(clerk_and_approver)

    page = client.get(f"/staff/tasks/{task.pk}/")
    post = client.post(f"/staff/tasks/{task.pk}/", {"action": "approve", "comment": ""})

    assert page.status_code == 403
    assert post.status_code == 403
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None
    assert proposed.current_decision.status == DecisionStatus.PROPOSED


def test_the_flow_permission_refuses_the_proposer(proposed, clerk_and_approver, approver):
    task = open_task(proposed, FundingFlow.approve)
    node = task.flow_task

    assert not node.can_assign(clerk_and_approver, task)
    assert node.can_assign(approver, task)
    with pytest.raises(NotAllowed):
        approve(proposed, by=clerk_and_approver)


def test_the_task_list_tells_the_proposer_why_they_cannot_approve(client, proposed, clerk_and_approver):
    client.force_login(clerk_and_approver)
    page = client.get("/staff/queue/").content.decode()
    task = open_task(proposed, FundingFlow.approve)
    assert f"/staff/tasks/{task.pk}/" not in page
    assert "Eine zweite Person muss sie freigeben" in page or "second person must approve" in page


def test_a_second_approver_can_approve(client, proposed, approver):
    task = open_task(proposed, FundingFlow.approve)
    client.force_login(approver)
    response = client.post(f"/staff/tasks/{task.pk}/", {"action": "approve", "comment": ""})
    assert response.status_code == 302
    assert proposed.current_decision.status == DecisionStatus.APPROVED
    assert proposed.current_decision.approved_by == approver


def test_the_service_refuses_the_proposer(proposed, clerk_and_approver):
    with pytest.raises(NotAllowed):
        decision_approve(decision=proposed.current_decision, by=clerk_and_approver)


def test_the_database_refuses_a_decision_approved_by_its_proposer(proposed, clerk_and_approver):
    decision = proposed.current_decision
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(approved_by=clerk_and_approver)


def test_sending_back_returns_the_task_to_the_proposer_step(client, proposed, approver):
    task = open_task(proposed, FundingFlow.approve)
    client.force_login(approver)
    empty = client.post(f"/staff/tasks/{task.pk}/", {"action": "send_back", "comment": ""})
    assert empty.status_code == 400
    assert "comment" in empty.context["form"].errors

    client.post(f"/staff/tasks/{task.pk}/", {"action": "send_back", "comment": "Bitte Betrag prüfen."})
    assert proposed.current_decision.status == DecisionStatus.SENT_BACK
    assert open_task(proposed, FundingFlow.propose).status == STATUS.NEW
