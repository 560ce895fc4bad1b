"""Vorzeitiger Maßnahmebeginn: the organisation asks, a clerk decides, the eligibility rule honours a grant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import ApplicationStatus, EarlyStartRequest
from tests.factories import ApplicationFactory
from workflow.flows import EarlyStartFlow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def started_early(alice, organisation, call):
    """A draft whose project started last week: not fundable unless the office agreed to the early start."""
    today = timezone.localdate()
    return ApplicationFactory(
        organisation=organisation, call=call, created_by=alice, period_start=today - timedelta(days=7)
    )


def decide(client, clerk, **data):
    from viewflow.workflow.models import Task

    task = Task.objects.get(flow_task=EarlyStartFlow.decide, status="NEW")
    client.force_login(clerk)
    return client.post(f"/staff/tasks/{task.pk}/", data)


def test_a_granted_early_start_lets_an_already_started_project_be_submitted(
    client, started_early, alice, clerk, background_worker, mailbox
):
    client.force_login(alice)
    blocked = client.get(f"/applications/{started_early.pk}/submit/").content.decode()
    assert "schon begonnen hat, kann nicht gefördert werden" in blocked

    response = client.post(f"/applications/{started_early.pk}/early-start/", {"reason": "Die Ferien beginnen."})
    assert response.status_code == 302
    assert "Das Amt hat noch nicht entschieden." in client.get(f"/applications/{started_early.pk}/").content.decode()
    client.force_login(clerk)
    assert "Über einen vorzeitigen Maßnahmebeginn entscheiden" in client.get("/staff/").content.decode()
    assert decide(client, clerk, decision="grant", note="").status_code == 302

    assert EarlyStartRequest.objects.get().granted is True
    assert mailbox.wait_for(1, subject="Vorzeitiger Beginn")[0]["To"] == alice.email
    client.force_login(alice)
    client.post(f"/applications/{started_early.pk}/submit/", {"confirm": "on"})
    started_early.refresh_from_db()
    assert started_early.status == ApplicationStatus.SUBMITTED


def test_a_refusal_needs_a_reason_and_keeps_the_rule(client, started_early, alice, clerk):
    client.force_login(alice)
    client.post(f"/applications/{started_early.pk}/early-start/", {"reason": "Räume nur im März frei."})
    assert decide(client, clerk, decision="refuse", note="").status_code == 400
    decide(client, clerk, decision="refuse", note="Kein dringender Grund erkennbar.")
    client.force_login(alice)
    page = client.get(f"/applications/{started_early.pk}/").content.decode()
    assert "Kein dringender Grund erkennbar." in page
    client.post(f"/applications/{started_early.pk}/submit/", {"confirm": "on"})
    started_early.refresh_from_db()
    assert started_early.status == ApplicationStatus.DRAFT


def test_only_clerks_decide_and_a_second_request_waits(client, started_early, alice, approver):
    client.force_login(alice)
    client.post(f"/applications/{started_early.pk}/early-start/", {"reason": "Ferien."})
    again = client.post(f"/applications/{started_early.pk}/early-start/", {"reason": "Nochmal."})
    assert again.status_code == 400
    assert decide(client, approver, decision="grant").status_code == 403
    assert EarlyStartRequest.objects.get().granted is None


def test_a_request_needs_a_reason(client, started_early, alice):
    client.force_login(alice)
    response = client.post(f"/applications/{started_early.pk}/early-start/", {"reason": ""})
    assert response.status_code == 400
    assert not EarlyStartRequest.objects.exists()
