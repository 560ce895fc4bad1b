"""Staff work lists: my tasks (inbox), tasks my role may take (queue) and tasks I finished (done).

Every list is one query for the page of tasks plus a fixed number of queries for what the rows show, whatever
the number of tasks. A staff task is due a configured number of days after it was created (the same limit after
which it is escalated to the programme administrators); sorting "by deadline" sorts by that due date.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import Decision, DecisionStatus
from applications.selectors import programme_scope
from workflow.flows import EarlyStartFlow, FundingFlow
from workflow.models import EarlyStartProcess, FundingProcess
from workflow.selectors import STAFF_NODES

INBOX, QUEUE, DONE = "inbox", "queue", "done"
LISTS = (INBOX, QUEUE, DONE)
OPEN = (STATUS.NEW, STATUS.ASSIGNED)
DUE_SOON_DAYS = 3

STEPS = {node.name: node for node in STAFF_NODES if node.flow_class is FundingFlow}
STEPS[f"early_start_{EarlyStartFlow.decide.name}"] = EarlyStartFlow.decide

FUNDING = "process__fundingprocess__application__"
EARLY_START = "process__earlystartprocess__request__application__"


def due_after() -> timedelta:
    return timedelta(days=getattr(settings, "STAFF_TASK_ESCALATE_AFTER_DAYS", 14))


def _on_application(lookup: str, value) -> Q:
    """A condition on the task's application, whichever of the two processes the task belongs to."""
    return Q(**{FUNDING + lookup: value}) | Q(**{EARLY_START + lookup: value})


@dataclass(frozen=True)
class TaskFilter:
    programme: object = None
    call: object = None
    step: str = ""
    due: str = ""  # "overdue", "soon" or "" for any
    organisation: str = ""
    sort: str = "due"  # "due": oldest (most urgent) first; "newest": newest first

    def apply(self, tasks: QuerySet[Task], *, now=None) -> QuerySet[Task]:
        now = now or timezone.now()
        if self.programme is not None:
            tasks = tasks.filter(_on_application("call__programme", self.programme))
        if self.call is not None:
            tasks = tasks.filter(_on_application("call", self.call))
        if self.step:
            tasks = tasks.filter(flow_task=STEPS[self.step])
        if self.due == "overdue":
            tasks = tasks.filter(created__lt=now - due_after())
        elif self.due == "soon":
            tasks = tasks.filter(created__lt=now - due_after() + timedelta(days=DUE_SOON_DAYS))
        if self.organisation:
            tasks = tasks.filter(_on_application("organisation__name__icontains", self.organisation))
        return tasks


def _permissions(user) -> list[str]:
    return [perm for perm in {node._owner_permission for node in STAFF_NODES} if perm and user.has_perm(perm)]


def task_list(user, which: str, task_filter: TaskFilter | None = None) -> QuerySet[Task]:
    """The tasks of one list, within the staff member's programmes, filtered and sorted."""
    task_filter = task_filter or TaskFilter()
    tasks = Task.objects.filter(flow_task__in=STAFF_NODES)
    if which == INBOX:
        tasks = tasks.filter(owner=user, status__in=OPEN)
    elif which == QUEUE:
        tasks = tasks.filter(owner__isnull=True, status=STATUS.NEW, owner_permission__in=_permissions(user))
    elif which == DONE:
        tasks = tasks.filter(owner=user, status=STATUS.DONE)
    else:
        raise ValueError(which)
    scope = programme_scope(user)
    if scope is not None:
        tasks = tasks.filter(_on_application("call__programme__in", scope))
    tasks = task_filter.apply(tasks)
    if which == DONE:
        return tasks.order_by("-finished", "-pk")
    return tasks.order_by("-created", "-pk") if task_filter.sort == "newest" else tasks.order_by("created", "pk")


def task_rows(user, tasks: list[Task], *, now=None) -> list[dict]:
    """What each row shows: the application, the step, when it is due and whether four eyes keep the user out.

    Three queries for any number of rows: the processes of both kinds and the proposers of decisions to approve.
    """
    now = now or timezone.now()
    ids = [task.process_id for task in tasks]
    related = ("application__organisation", "application__call__programme")
    applications = {p.pk: p.application for p in FundingProcess.objects.filter(pk__in=ids).select_related(*related)}
    early = EarlyStartProcess.objects.filter(pk__in=ids).select_related(*(f"request__{r}" for r in related))
    applications.update({p.pk: p.request.application for p in early})
    approving = [applications[t.process_id].pk for t in tasks if t.flow_task is FundingFlow.approve]
    proposers = dict(
        Decision.objects.filter(application__in=approving, status=DecisionStatus.PROPOSED).values_list(
            "application_id", "proposed_by_id"
        )
    )
    rows = []
    for task in tasks:
        application = applications[task.process_id]
        due = task.created + due_after()
        rows.append(
            {
                "task": task,
                "application": application,
                "title": task.flow_task.task_title,
                "step": task.flow_task.name,
                "due": due,
                "overdue": task.status in OPEN and due < now,
                "blocked_by_four_eyes": task.flow_task is FundingFlow.approve
                and proposers.get(application.pk) == user.pk,
            }
        )
    return rows


def list_counts(user, known: dict[str, int] | None = None) -> dict[str, int]:
    """How many open tasks the inbox and the queue hold (shown on the tabs); `known` saves counting again."""
    known = known or {}
    return {which: known[which] if which in known else task_list(user, which).count() for which in (INBOX, QUEUE)}
