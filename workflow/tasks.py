from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.services import decision_letter_create


@shared_task(autoretry_for=(OperationalError, FlowLockFailed), retry_backoff=True, retry_jitter=True, max_retries=6)
def create_decision_letter(*, task_id: int) -> None:
    """Render and store the letter, then finish the process step. Safe to run twice."""
    task = Task.objects.filter(pk=task_id, status=STATUS.NEW).select_related("process").first()
    if task is None:
        return
    process = task.process.coerced
    decision = process.application.current_decision
    decision_letter_create(decision=decision)  # stored before the process moves on
    try:
        task.flow_task.run(task)
    except TransitionNotAllowed:
        pass  # a redelivered message already finished this step


@shared_task
def fire_due_timers() -> int:
    """Fire the process timers that are due (deadlines for missing items); scheduled every minute by beat."""
    from viewflow.workflow.timers import fire_due_timers as fire

    return fire()


def stalled_steps_sweep(*, grace: timedelta = timedelta(minutes=5)) -> int:
    """Enqueue again the asynchronous steps still waiting after `grace`: their message may have been lost."""
    from workflow.flows import EarlyStartFlow, FundingFlow
    from workflow.nodes import CeleryHandle

    count = 0
    for flow_class in (FundingFlow, EarlyStartFlow):
        for node in flow_class.instance.nodes():
            if not isinstance(node, CeleryHandle):
                continue
            stalled = Task.objects.filter(flow_task=node, status=STATUS.NEW, created__lt=timezone.now() - grace)
            for task_id in stalled.values_list("pk", flat=True)[:500]:
                node.celery_task.delay(task_id=task_id)
                count += 1
    return count


@shared_task
def sweep_stalled_steps() -> int:
    return stalled_steps_sweep()


def deadline_reminders(days_before: tuple[int, ...] = (7, 2)) -> int:
    """Remind the organisation of an open request for missing items 7 and 2 days before its deadline, once each."""
    from applications.models import ApplicationStatus, ItemsRequest
    from workflow.messages import tell_organisation

    sent = 0
    now = timezone.now()
    open_requests = ItemsRequest.objects.filter(
        answered_at__isnull=True,
        deadline__gt=now,
        application__status=ApplicationStatus.ITEMS_REQUESTED,
    ).select_related("application__organisation")
    for request in open_requests:
        days_left = (timezone.localdate(request.deadline) - timezone.localdate(now)).days
        for days in sorted(days_before):
            if days_left <= days:
                tell_organisation(
                    request.application,
                    "items_reminder",
                    key=f"items-reminder:{request.pk}:{request.deadline:%Y%m%d}:{days}",
                    message=request.message,
                    deadline=request.deadline.isoformat(),
                )
                sent += 1
                break
    return sent


@shared_task
def send_deadline_reminders() -> int:
    return deadline_reminders()


def overdue_escalations(overdue_after: timedelta = timedelta(days=14)) -> int:
    """Tell the programme administrators about staff tasks open longer than `overdue_after`, once per task."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from notifications.services import notify
    from workflow.models import FundingProcess
    from workflow.selectors import STAFF_NODES

    administrators = list(
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="assign_reviewers") | Q(user_permissions__codename="assign_reviewers"),
            is_active=True,
        )
        .distinct()
    )
    overdue = Task.objects.filter(
        flow_task__in=STAFF_NODES, status__in=[STATUS.NEW, STATUS.ASSIGNED], created__lt=timezone.now() - overdue_after
    )
    processes = {
        p.pk: p.application
        for p in FundingProcess.objects.filter(pk__in=overdue.values("process_id")).select_related("application")
    }
    count = 0
    for task in overdue:
        application = processes.get(task.process_id)
        if application is None:
            continue
        for administrator in administrators:
            written = notify(
                recipient=administrator,
                event="task_overdue",
                context={
                    "task_title": str(task.flow_task.task_title),
                    "reference": application.reference,
                    "application_title": application.title,
                    "days": (timezone.now() - task.created).days,
                    "owner": str(task.owner) if task.owner else "",
                },
                link=f"/staff/applications/{application.pk}/",
                key=f"task-overdue:{task.pk}:{administrator.pk}",
            )
            count += written is not None
    return count


@shared_task
def escalate_overdue_tasks() -> int:
    return overdue_escalations()
