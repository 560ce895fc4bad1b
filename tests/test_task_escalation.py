"""A staff task left open is followed up in two steps: after STAFF_TASK_REMIND_AFTER_DAYS its holder is reminded
once (its owner, or when nobody took it, the staff whose role may take it); after STAFF_TASK_ESCALATE_AFTER_DAYS
the programme administrators are told once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from notifications.models import Notification
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import open_task, propose
from tests.test_settings import start_django
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start
from workflow.tasks import escalate_overdue_tasks, overdue_escalations, overdue_reminders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(alice, organisation, call):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    return application


@pytest.fixture
def second_clerk(db):
    from applications import roles

    return UserFactory(email="carla@example.org", first_name="Carla", roles=[roles.CLERK])


def waiting_for(days: int, application, node) -> Task:
    task = open_task(application, node)
    Task.objects.filter(pk=task.pk).update(created=timezone.now() - timedelta(days=days, hours=1))
    return task


def outbox(event: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(event=event).select_related("recipient").order_by("recipient__email")
    return [(row.recipient.email, row.key) for row in rows]


def test_an_unassigned_task_reminds_every_clerk_once_and_no_one_else(
    submitted, clerk, second_clerk, approver, reviewer, programme_admin, background_worker, mailbox
):
    waiting_for(6, submitted, FundingFlow.check_completeness)
    assert overdue_reminders() == 0
    task = waiting_for(8, submitted, FundingFlow.check_completeness)

    assert overdue_reminders() == 2
    assert outbox("task_reminder") == [
        (second_clerk.email, f"task-reminder:{task.pk}:{second_clerk.pk}"),
        (clerk.email, f"task-reminder:{task.pk}:{clerk.pk}"),
    ]
    assert overdue_reminders() == 0  # once per task
    assert overdue_escalations() == 0  # the administrators are not told yet

    messages = mailbox.wait_for(2, subject=submitted.reference)
    assert sorted(m["To"] for m in messages) == [second_clerk.email, clerk.email]
    assert f"/staff/tasks/{task.pk}/" in messages[0].get_body(("plain",)).get_content()
    assert len(mailbox.wait_for(3, timeout=2)) == 2
    assert not Notification.objects.get(recipient=clerk).context["held"]


def test_a_task_someone_holds_reminds_only_them(in_decision, clerk, second_clerk, reviewer, background_worker, mailbox):
    application = in_decision()
    mailbox.clear()
    task = waiting_for(8, application, FundingFlow.propose)
    Task.objects.filter(pk=task.pk).update(owner=second_clerk)

    assert overdue_reminders() == 1
    assert outbox("task_reminder") == [(second_clerk.email, f"task-reminder:{task.pk}:{second_clerk.pk}")]
    assert Notification.objects.get(event="task_reminder").context["held"] is True
    assert [m["To"] for m in mailbox.wait_for(1)] == [second_clerk.email]


def test_the_proposer_is_not_reminded_to_approve_their_own_proposal(
    in_decision, clerk_and_approver, approver, background_worker, mailbox
):
    application = in_decision(requested_amount=Decimal("1000.00"))
    propose(application, by=clerk_and_approver, amount=Decimal("1000.00"))
    task = waiting_for(8, application, FundingFlow.approve)

    assert overdue_reminders() == 1
    assert outbox("task_reminder") == [(approver.email, f"task-reminder:{task.pk}:{approver.pk}")]


def test_after_fourteen_days_the_holder_is_reminded_and_the_administrators_are_told_each_once(
    submitted, clerk, programme_admin, background_worker, mailbox
):
    task = waiting_for(15, submitted, FundingFlow.check_completeness)

    assert escalate_overdue_tasks() == 2
    assert outbox("task_reminder") == [(clerk.email, f"task-reminder:{task.pk}:{clerk.pk}")]
    assert outbox("task_overdue") == [(programme_admin.email, f"task-overdue:{task.pk}:{programme_admin.pk}")]
    assert escalate_overdue_tasks() == 0

    messages = mailbox.wait_for(2, subject=submitted.reference)
    assert sorted(m["To"] for m in messages) == [clerk.email, programme_admin.email]
    by_recipient = {m["To"]: m["Subject"] for m in messages}
    assert by_recipient[clerk.email].startswith("[Teilhabe] Erinnerung: Eine Aufgabe wartet seit 15 Tagen")
    assert by_recipient[programme_admin.email].startswith("[Teilhabe] Aufgabe wartet seit 15 Tagen")


def test_a_done_task_is_not_followed_up(submitted, clerk, programme_admin):
    from tests.support.process import confirm_complete

    task = waiting_for(20, submitted, FundingFlow.check_completeness)
    confirm_complete(submitted, by=clerk)
    assert escalate_overdue_tasks() == 0
    assert not Notification.objects.filter(key__contains=f":{task.pk}:").exists()


def test_the_days_come_from_the_settings(submitted, clerk, programme_admin, settings):
    settings.STAFF_TASK_REMIND_AFTER_DAYS = 2
    settings.STAFF_TASK_ESCALATE_AFTER_DAYS = 4
    waiting_for(3, submitted, FundingFlow.check_completeness)
    assert overdue_reminders() == 1
    assert overdue_escalations() == 0
    waiting_for(5, submitted, FundingFlow.check_completeness)
    assert overdue_escalations() == 1
    assert Notification.objects.get(event="task_reminder").context["escalate_after"] == 4


def test_a_reminder_set_later_than_the_escalation_stops_startup_with_a_clear_message():
    result = start_django(STAFF_TASK_REMIND_AFTER_DAYS="14", STAFF_TASK_ESCALATE_AFTER_DAYS="7")
    assert result.returncode != 0
    assert (
        "STAFF_TASK_REMIND_AFTER_DAYS must be at least 1 and less than STAFF_TASK_ESCALATE_AFTER_DAYS" in result.stderr
    )


def test_reminders_and_escalations_stay_within_the_programme_teams(
    submitted, clerk, second_clerk, programme_admin, background_worker, mailbox
):
    from tests.factories import CallFactory

    elsewhere = CallFactory(programme__title="Stadtteilfonds").programme
    elsewhere.staff.add(second_clerk)  # works on another programme only
    other_admin = UserFactory(email="olaf@example.org", roles=["programme administrator"])
    elsewhere.staff.add(other_admin)
    task = waiting_for(15, submitted, FundingFlow.check_completeness)

    assert escalate_overdue_tasks() == 2
    assert outbox("task_reminder") == [(clerk.email, f"task-reminder:{task.pk}:{clerk.pk}")]
    assert outbox("task_overdue") == [(programme_admin.email, f"task-overdue:{task.pk}:{programme_admin.pk}")]
