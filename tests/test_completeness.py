"""The completeness check: the clerk confirms or asks for missing items with a deadline; the organisation answers;
the loop may repeat; a missed deadline gives the clerk a task to extend or to go on without the items."""

from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import ApplicationStatus, ItemsRequest
from tests.factories import ApplicationFactory
from tests.support.process import open_task
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start
from workflow.tasks import fire_due_timers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(alice, organisation, call):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    return application


def let_deadline_pass():
    """Time passes: the deadline timer of the open request becomes due."""
    Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - timedelta(minutes=1)
    )


def request_items(client, application, message="Bitte die Satzung nachreichen.", days=14):
    task = open_task(application, FundingFlow.check_completeness)
    return client.post(
        f"/staff/tasks/{task.pk}/",
        {
            "outcome": "request",
            "message": message,
            "deadline": (timezone.localdate() + timedelta(days=days)).isoformat(),
        },
    )


def test_a_request_reaches_the_organisation_which_answers_and_the_clerk_sees_the_changes(
    client, submitted, alice, bob, clerk, background_worker, mailbox
):
    client.force_login(clerk)
    assert request_items(client, submitted).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.ITEMS_REQUESTED
    messages = mailbox.wait_for(2, subject="fehlende Unterlagen nach")
    assert sorted(m["To"] for m in messages) == [alice.email, bob.email]
    assert "Satzung nachreichen" in messages[0].get_body(("plain",)).get_content()

    client.force_login(bob)
    dashboard = client.get("/").content.decode()
    assert f"/applications/{submitted.pk}/answer/" in dashboard
    project = {
        "title": "Sprachcafé für Eltern und Kinder",
        "summary": submitted.summary,
        "period_start": submitted.period_start.isoformat(),
        "period_end": submitted.period_end.isoformat(),
    }
    assert client.post(f"/applications/{submitted.pk}/edit/project/", project).status_code == 302  # fmt: skip
    assert client.post(f"/applications/{submitted.pk}/answer/", {"answer": "x", "confirm": "on"}).status_code == 403
    client.force_login(alice)
    unconfirmed = client.post(f"/applications/{submitted.pk}/answer/", {"answer": "Titel ergänzt, Satzung folgt."})
    assert unconfirmed.status_code == 400
    response = client.post(
        f"/applications/{submitted.pk}/answer/", {"answer": "Titel ergänzt, Satzung folgt.", "confirm": "on"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert ItemsRequest.objects.get().answered_by == alice

    client.force_login(clerk)
    task = open_task(submitted, FundingFlow.check_completeness)
    page = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "Sprachcafé für Eltern und Kinder" in page and "<del><bdi>Sprachcafé für Eltern</bdi></del>" in page
    assert "Satzung folgt" in page


def test_the_loop_may_repeat(client, submitted, alice, clerk):
    for round_ in range(2):
        client.force_login(clerk)
        request_items(client, submitted, message=f"Runde {round_}")
        client.force_login(alice)
        client.post(f"/applications/{submitted.pk}/answer/", {"answer": f"Antwort {round_}", "confirm": "on"})
    client.force_login(clerk)
    task = open_task(submitted, FundingFlow.check_completeness)
    client.post(f"/staff/tasks/{task.pk}/", {"outcome": "complete"})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.IN_REVIEW
    assert ItemsRequest.objects.filter(answered_at__isnull=False).count() == 2
    assert open_task(submitted, FundingFlow.assign_reviewers).status == STATUS.NEW


def test_a_request_needs_a_message_and_a_future_deadline(client, submitted, clerk):
    client.force_login(clerk)
    task = open_task(submitted, FundingFlow.check_completeness)
    response = client.post(
        f"/staff/tasks/{task.pk}/", {"outcome": "request", "message": "", "deadline": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert "message" in response.context["form"].errors
    response = client.post(
        f"/staff/tasks/{task.pk}/", {"outcome": "request", "message": "x", "deadline": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400 and "deadline" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_every_checklist_point_must_be_ticked_to_confirm(client, submitted, clerk):
    point = submitted.call.programme.checklist.create(text="Satzung liegt vor")
    client.force_login(clerk)
    task = open_task(submitted, FundingFlow.check_completeness)
    response = client.post(f"/staff/tasks/{task.pk}/", {"outcome": "complete"})
    assert response.status_code == 400 and f"check_{point.pk}" in response.context["form"].errors
    client.post(f"/staff/tasks/{task.pk}/", {"outcome": "complete", f"check_{point.pk}": "on"})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.IN_REVIEW


def test_a_missed_deadline_gives_the_clerk_a_task_to_extend_or_go_on(client, submitted, alice, clerk):
    client.force_login(clerk)
    request_items(client, submitted, days=3)
    assert fire_due_timers() == 0
    let_deadline_pass()
    assert fire_due_timers() == 1

    assert open_task(submitted, FundingFlow.decide_overdue).status == STATUS.NEW
    client.force_login(alice)
    assert (
        client.post(f"/applications/{submitted.pk}/answer/", {"answer": "zu spät", "confirm": "on"}).status_code == 400
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.ITEMS_REQUESTED

    client.force_login(clerk)
    task = open_task(submitted, FundingFlow.decide_overdue)
    new_deadline = timezone.localdate() + timedelta(days=7)
    client.post(f"/staff/tasks/{task.pk}/", {"action": "extend", "deadline": new_deadline.isoformat()})
    assert open_task(submitted, FundingFlow.answer_request).status == STATUS.NEW
    assert timezone.localtime(ItemsRequest.objects.get().deadline).date() == new_deadline

    let_deadline_pass()
    assert fire_due_timers() == 1
    task = open_task(submitted, FundingFlow.decide_overdue)
    client.post(f"/staff/tasks/{task.pk}/", {"action": "reject"})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert open_task(submitted, FundingFlow.propose).status == STATUS.NEW


def test_wrong_roles_get_403_on_the_completeness_task(client, submitted, approver, reviewer, alice):
    task = open_task(submitted, FundingFlow.check_completeness)
    for person in (approver, reviewer, alice):
        client.force_login(person)
        assert client.get(f"/staff/tasks/{task.pk}/").status_code == 403
        assert client.post(f"/staff/tasks/{task.pk}/", {"outcome": "complete"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_the_organisation_reads_the_history_in_plain_words(client, submitted, alice, clerk):
    client.force_login(clerk)
    request_items(client, submitted, message="Bitte die Satzung nachreichen.")
    client.force_login(alice)
    client.post(f"/applications/{submitted.pk}/answer/", {"answer": "Anbei.", "confirm": "on"})
    page = client.get(f"/applications/{submitted.pk}/").content.decode()
    assert "hat das Amt fehlende Unterlagen bei Ihnen nachgefordert" in page
    assert "Bitte die Satzung nachreichen." in page
    assert "Sie haben die fehlenden Unterlagen am" in page


def test_reminders_go_out_seven_and_two_days_before_the_deadline_once_each(
    client, submitted, alice, bob, clerk, background_worker, mailbox
):
    from tests.support.worker import wait_until
    from workflow.tasks import deadline_reminders

    client.force_login(clerk)
    request_items(client, submitted, days=10)
    assert deadline_reminders() == 0
    ItemsRequest.objects.update(deadline=timezone.now() + timedelta(days=6))
    assert deadline_reminders() == 1
    assert deadline_reminders() == 1  # the same reminder again: written once per member, so nothing new
    ItemsRequest.objects.update(deadline=timezone.now() + timedelta(days=1))
    deadline_reminders()
    reminders = wait_until(lambda: len(mailbox.matching("Erinnerung")) >= 4 and mailbox.matching("Erinnerung"))
    assert sorted(m["To"] for m in reminders) == [alice.email, alice.email, bob.email, bob.email]
    assert len(mailbox.wait_for(5, subject="Erinnerung", timeout=2)) == 4


def test_reviewers_are_told_when_a_review_is_assigned(in_decision, reviewer, background_worker, mailbox):
    in_decision()
    message = mailbox.wait_for(1, subject="Bitte begutachten")[0]
    assert message["To"] == reviewer.email
    assert "/staff/tasks/" in message.get_body(("plain",)).get_content()


def test_the_organisation_gets_a_receipt_with_the_file_number(background_worker, mailbox, submitted, alice):
    message = mailbox.wait_for(2, subject="Ihr Antrag ist eingegangen")[0]
    assert submitted.reference in message.get_body(("plain",)).get_content()


def test_a_task_waiting_too_long_is_escalated_to_the_programme_administrators_once(
    submitted, programme_admin, background_worker, mailbox
):
    from workflow.tasks import overdue_escalations

    assert overdue_escalations() == 0
    Task.objects.filter(flow_task=FundingFlow.check_completeness).update(created=timezone.now() - timedelta(days=20))
    assert overdue_escalations() == 1
    assert overdue_escalations() == 0
    message = mailbox.wait_for(1, subject="Aufgabe wartet")[0]
    assert message["To"] == programme_admin.email
    assert submitted.reference in message["Subject"]
