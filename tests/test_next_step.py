"""The dashboard always says what happens next and who must act: one case per state of the process."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from tests.factories import ApplicationFactory
from tests.support.process import approve, assign, confirm_complete, open_task, propose, review
from workflow.flows import FundingFlow
from workflow.services import (
    application_cancel_and_end,
    application_submit_and_start,
    application_withdraw_and_end,
    items_request_and_tell,
    task_complete,
)
from workflow.tasks import fire_due_timers

pytestmark = pytest.mark.django_db(transaction=True)


def request_items(application, clerk):
    task_complete(
        task=open_task(application, FundingFlow.check_completeness),
        by=clerk,
        action=lambda p: items_request_and_tell(
            application=p.application, by=clerk, message="Satzung", deadline=timezone.localdate() + timedelta(days=5)
        ),
    )


def miss_deadline(application, clerk):
    request_items(application, clerk)
    Task.objects.filter(flow_task_type="TIMER", status="SCHEDULED").update(scheduled=timezone.now())
    fire_due_timers()


STATES = {
    "draft": ("Sie", "Vervollständigen Sie den Entwurf"),
    "submitted": ("Das Amt", "prüft, ob Ihr Antrag vollständig ist"),
    "items_requested": ("Sie", "Senden Sie die fehlenden Unterlagen"),
    "deadline_missed": ("Das Amt", "Die Frist ist abgelaufen"),
    "complete": ("Das Amt", "werden Begutachtende ausgewählt"),
    "in_review": ("Das Amt", "Ihr Antrag wird begutachtet"),
    "reviewed": ("Das Amt", "bereitet die Entscheidung vor"),
    "proposed": ("Das Amt", "Eine zweite Person im Amt gibt die Entscheidung frei"),
    "decided": ("Sie", "Laden Sie Ihren Bescheid herunter"),
    "withdrawn": ("Niemand", "zurückgezogen"),
    "cancelled": ("Niemand", "Das Amt hat das Verfahren beendet"),
}


def wait_for_letter(application, timeout: float = 60) -> None:
    import time

    from applications.models import DecisionLetter

    deadline = time.monotonic() + timeout
    while not DecisionLetter.objects.filter(decision__application=application).exists():
        assert time.monotonic() < deadline, "the letter was not rendered"
        time.sleep(0.2)


@pytest.mark.parametrize("state", list(STATES))
def test_the_dashboard_names_the_next_step_for_every_state(
    client, state, alice, organisation, call, clerk, approver, programme_admin, reviewer, background_worker
):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    if state != "draft":
        application_submit_and_start(application=application, by=alice)
    if state == "items_requested":
        request_items(application, clerk)
    if state == "deadline_missed":
        miss_deadline(application, clerk)
    if state in ("complete", "in_review", "reviewed", "proposed", "decided"):
        confirm_complete(application, by=clerk)
    if state in ("in_review", "reviewed", "proposed", "decided"):
        assign(application, by=programme_admin, reviewers=[reviewer])
    if state in ("reviewed", "proposed", "decided"):
        review(application, by=reviewer)
    if state in ("proposed", "decided"):
        propose(application, by=clerk, amount=Decimal("1000.00"))
    if state == "decided":
        approve(application, by=approver)
        wait_for_letter(application)  # rendered in the background; until then the page says it is being prepared
    if state == "withdrawn":
        application_withdraw_and_end(application=application, by=alice)
    if state == "cancelled":
        application_cancel_and_end(application=application, by=programme_admin, reason="Programm eingestellt.")

    client.force_login(alice)
    who, what = STATES[state]
    row = client.get("/").content.decode()
    assert f"<strong>{who}:</strong>" in row and what in row, state


def test_the_progress_shows_the_flow_milestones_done_current_and_to_come(
    client, alice, organisation, call, clerk, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    confirm_complete(application, by=clerk)
    client.force_login(alice)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert page.count("progress__step--done") == 2  # submitted, checked
    assert 'progress__step--current" aria-current="step"' in page
    assert page.count("progress__step--todo") == 5
    assert page.index("Eingereicht") < page.index("Auf Vollständigkeit geprüft") < page.index("Bescheid erlassen")
