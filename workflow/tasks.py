from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.services import decision_letter_create


# Retries 2, 4, 8, 16, 30, 30 … seconds apart, about five minutes in all: a database that is away for a while
# (a restart, a failover) does not end the step; the stalled-step sweep takes over after that.
@shared_task(
    autoretry_for=(OperationalError, FlowLockFailed),
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=12,
)
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


def stalled_steps_sweep(*, grace: timedelta = timedelta(seconds=30)) -> int:
    """Enqueue again the asynchronous steps still waiting after `grace`: their message may have been lost (a
    killed worker, a broker that forgot its queue). A step still running is safe to enqueue again: the letter is
    stored once per decision version under one path, and a finished step is not run twice."""
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


@shared_task
def report_letter_files_without_rows() -> int:
    """Tell the operators about stored letter files that no letter names (the daily check of the letter store)."""
    import logging

    from django.conf import settings
    from django.core.mail import EmailMessage

    from applications.services import letter_files_without_rows
    from grants.models import GrantLetter
    from notifications import mail

    grant_letter_files = set(GrantLetter.objects.exclude(file="").values_list("file", flat=True))
    orphans = [path for path in letter_files_without_rows() if path not in grant_letter_files]
    if orphans:
        logging.getLogger(__name__).error("%s letter files have no letter row: %s", len(orphans), orphans[:20])
        if settings.OPERATOR_EMAILS:
            mail.send(
                EmailMessage(
                    subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{len(orphans)} letter files without a letter",
                    body="These stored files belong to no decision letter; check and remove them:\n\n"
                    + "\n".join(orphans),
                    to=settings.OPERATOR_EMAILS,
                )
            )
    return len(orphans)


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


def _open_staff_tasks_older_than(age: timedelta):
    from workflow.selectors import STAFF_NODES

    return Task.objects.filter(
        flow_task__in=STAFF_NODES, status__in=[STATUS.NEW, STATUS.ASSIGNED], created__lt=timezone.now() - age
    ).select_related("owner")


def _applications_of(tasks) -> dict:
    """The application each task's process is about, by process id (funding and early-start processes)."""
    from workflow.models import applications_by_process

    kinds = {task.flow_task.flow_class.process_class for task in tasks}
    return applications_by_process({task.process_id for task in tasks}, ("call",), kinds)


def _users_with_permission(permission: str):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = permission.split(".", 1)
    return (
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


class ProgrammeTeams:
    """Who works on which programme (its team, or no team at all), asked once per programme per run."""

    def __init__(self):
        self._members = {}

    def works_on(self, user, programme_id: int) -> bool:
        from applications.selectors import staff_working_on

        if programme_id not in self._members:
            self._members[programme_id] = set(staff_working_on(programme_id).values_list("pk", flat=True))
        return user.pk in self._members[programme_id]


def task_holders(task: Task, application, teams: ProgrammeTeams) -> list:
    """Who has to act on an open staff task: its owner, or when nobody has taken it, the staff of the
    programme whose role may take it, less anyone the four-eyes rule keeps from it (the proposer of the
    decision to approve)."""
    if task.owner_id:
        return [task.owner] if task.owner.is_active else []
    if not task.owner_permission:
        return []
    excluded = getattr(task.flow_task, "is_excluded", None)
    return [
        user
        for user in _users_with_permission(task.owner_permission)
        if teams.works_on(user, application.call.programme_id) and not (excluded and excluded(user, task))
    ]


def _task_context(task: Task, application) -> dict:
    return {
        "task_title": str(task.flow_task.task_title),
        "reference": application.reference,
        "application_title": application.title,
        "days": (timezone.now() - task.created).days,
        "owner": str(task.owner) if task.owner else "",
    }


def overdue_reminders(remind_after: timedelta | None = None) -> int:
    """First step for a staff task left open: remind its holders once, after STAFF_TASK_REMIND_AFTER_DAYS."""
    from django.conf import settings
    from django.urls import reverse

    from notifications.services import notify

    if remind_after is None:
        remind_after = timedelta(days=settings.STAFF_TASK_REMIND_AFTER_DAYS)
    tasks = list(_open_staff_tasks_older_than(remind_after))
    applications = _applications_of(tasks)
    teams = ProgrammeTeams()
    count = 0
    for task in tasks:
        application = applications.get(task.process_id)
        if application is None:
            continue
        for holder in task_holders(task, application, teams):
            written = notify(
                recipient=holder,
                event="task_reminder",
                context={
                    **_task_context(task, application),
                    "held": task.owner_id == holder.pk,
                    "escalate_after": settings.STAFF_TASK_ESCALATE_AFTER_DAYS,
                },
                link=reverse("workflow:task", args=[task.pk]),
                key=f"task-reminder:{task.pk}:{holder.pk}",
            )
            count += written is not None
    return count


def overdue_escalations(overdue_after: timedelta | None = None) -> int:
    """Second step: tell the programme administrators about staff tasks still open after
    STAFF_TASK_ESCALATE_AFTER_DAYS, once per task."""
    from django.conf import settings
    from django.urls import reverse

    from notifications.services import notify

    if overdue_after is None:
        overdue_after = timedelta(days=settings.STAFF_TASK_ESCALATE_AFTER_DAYS)
    administrators = list(_users_with_permission("applications.assign_reviewers"))
    tasks = list(_open_staff_tasks_older_than(overdue_after))
    applications = _applications_of(tasks)
    teams = ProgrammeTeams()
    count = 0
    for task in tasks:
        application = applications.get(task.process_id)
        if application is None:
            continue
        for administrator in administrators:
            if not teams.works_on(administrator, application.call.programme_id):
                continue
            written = notify(
                recipient=administrator,
                event="task_overdue",
                context=_task_context(task, application),
                link=reverse("workflow:application", args=[application.pk]),
                key=f"task-overdue:{task.pk}:{administrator.pk}",
            )
            count += written is not None
    return count


@shared_task
def escalate_overdue_tasks() -> int:
    """Daily: reminders first, then escalations, so a holder hears of a task before the administrators do."""
    return overdue_reminders() + overdue_escalations()


def letter_provisions_end(now=None) -> int:
    """End the provision of letters (the decision letters and the letters after the decision) not retrieved within
    ten days of the notification; the office is told to post them. Each letter once (a conditional UPDATE, keyed
    messages). Returns how many it ended, at most 500 of each kind a run."""
    from applications.delivery import letter_provision_end, letter_provisions_due
    from applications.models import DecisionLetter
    from grants.models import GrantLetter

    ended = 0
    for model in (DecisionLetter, GrantLetter):
        path = model.application_path
        due = letter_provisions_due(now, model).select_related(f"{path}__call", f"{path}__organisation")
        for letter in due.order_by("provided_at")[:500]:
            ended += letter_provision_end(letter=letter, now=now)
    return ended


@shared_task
def end_unretrieved_letter_provisions() -> int:
    """Hourly: letters not retrieved within ten days go to the office to be posted (§ 41(2a) VwVfG)."""
    return letter_provisions_end()


@shared_task
def make_grants_final() -> int:
    """Grants whose appeal period has ended become final, and their organisations are told (hourly, by beat)."""
    from applications.models import DecisionLetter
    from grants.models import Grant, GrantStatus
    from workflow.errors import ProcessBusy
    from workflow.grant_services import grant_make_final

    delivered = DecisionLetter.objects.filter(delivered_at__isnull=False).values("decision_id")
    count = 0
    for grant in Grant.objects.filter(status=GrantStatus.AWAITING_FINALITY, decision_id__in=delivered):
        try:
            count += grant_make_final(grant=grant)
        except ProcessBusy:
            continue  # someone is working on it; the next run takes it
    return count
