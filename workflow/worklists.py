"""Staff work lists: my tasks (inbox), tasks my role may take (queue) and tasks I finished (done).

Every list is one query for the page of tasks plus a fixed number of queries for what the rows show, whatever
the number of tasks. A staff task is due a configured number of days after it was created (the same limit after
which it is escalated to the programme administrators); sorting "by deadline" sorts by that due date.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import Decision, DecisionStatus
from applications.selectors import programme_scope
from workflow.flows import EarlyStartFlow, FundingFlow
from workflow.flows.change import ChangeFlow
from workflow.flows.grant import GrantFlow, InterimProofFlow, PaymentFlow
from workflow.models import applications_by_process, on_staff_process
from workflow.selectors import STAFF_NODES

INBOX, QUEUE, DONE = "inbox", "queue", "done"
LISTS = (INBOX, QUEUE, DONE)
OPEN = (STATUS.NEW, STATUS.ASSIGNED)
DUE_SOON_DAYS = 3

STEPS = {node.name: node for node in STAFF_NODES if node.flow_class is FundingFlow}
STEPS[f"early_start_{EarlyStartFlow.decide.name}"] = EarlyStartFlow.decide
STEPS.update({f"payment_{node.name}": node for node in (PaymentFlow.certify, PaymentFlow.release)})
STEPS.update({f"grant_{node.name}": node for node in STAFF_NODES if node.flow_class is GrantFlow})
STEPS.update({f"change_{node.name}": node for node in (ChangeFlow.assess, ChangeFlow.approve)})
STEPS[f"interim_proof_{InterimProofFlow.review.name}"] = InterimProofFlow.review

COUNT_CAP = 1000  # lists count up to this many tasks exactly, beyond it they say "more than 1,000"


def due_after() -> timedelta:
    return timedelta(days=getattr(settings, "STAFF_TASK_ESCALATE_AFTER_DAYS", 14))


def _on_process(**lookups) -> Q:
    """A condition on the task's process (the call, programme and organisation it was started for).

    As two sets of process ids: the database builds each set once from an index on the process table and then
    walks the list's own index in order, instead of joining every task to its process and application.
    """
    return on_staff_process(**lookups)


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
            tasks = tasks.filter(_on_process(programme=self.programme))
        if self.call is not None:
            tasks = tasks.filter(_on_process(call=self.call))
        if self.step:
            tasks = tasks.filter(flow_task=STEPS[self.step])
        if self.due == "overdue":
            tasks = tasks.filter(created__lt=now - due_after())
        elif self.due == "soon":
            tasks = tasks.filter(created__lt=now - due_after() + timedelta(days=DUE_SOON_DAYS))
        if self.organisation:
            tasks = tasks.filter(_on_process(organisation__name__icontains=self.organisation))
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
        tasks = tasks.filter(_on_process(programme__in=scope))
    tasks = task_filter.apply(tasks)
    if which == DONE:
        return tasks.order_by("-finished", "-pk")
    return tasks.order_by("-created", "-pk") if task_filter.sort == "newest" else tasks.order_by("created", "pk")


def task_rows(user, tasks: list[Task], *, now=None) -> list[dict]:
    """What each row shows: the application, the step, when it is due and whether four eyes keep the user out.

    Three queries for any number of rows (four for reviewers): the processes of both kinds, the proposers of
    decisions to approve, and for reviewers the applications they may see: only those whose review they took
    after declaring no conflict. Of the others a reviewer sees the organisation, to judge a conflict, no more.
    """
    from applications.selectors import applications_for_staff, is_office

    now = now or timezone.now()
    ids = [task.process_id for task in tasks]
    kinds = {task.flow_task.flow_class.process_class for task in tasks}
    applications = applications_by_process(ids, ("organisation", "call__programme"), kinds)
    approving = [applications[t.process_id].pk for t in tasks if t.flow_task is FundingFlow.approve]
    proposers = dict(
        Decision.objects.filter(application__in=approving, status=DecisionStatus.PROPOSED).values_list(
            "application_id", "proposed_by_id"
        )
    )
    if is_office(user):
        visible = None
    else:
        ids = {application.pk for application in applications.values()}
        visible = set(applications_for_staff(user).filter(pk__in=ids).values_list("pk", flat=True))
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
                "visible": visible is None or application.pk in visible,
                "blocked_by_four_eyes": task.flow_task is FundingFlow.approve
                and proposers.get(application.pk) == user.pk,
            }
        )
    return rows


def capped_count(tasks: QuerySet[Task]) -> int:
    """The number of tasks, counted up to COUNT_CAP + 1 (so a long list costs no more than a short one)."""
    return tasks.order_by()[: COUNT_CAP + 1].count()


def list_counts(user, known: dict[str, int] | None = None) -> dict[str, int]:
    """How many open tasks the inbox and the queue hold (shown on the tabs); `known` saves counting again."""
    known = known or {}
    return {which: known[which] if which in known else capped_count(task_list(user, which)) for which in (INBOX, QUEUE)}


class CappedPaginator(Paginator):
    """Pages through at most COUNT_CAP tasks; the page says when there are more (narrow the filters to see them,
    or download the list, which holds every row)."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)

    @property
    def more(self) -> bool:
        return self.count > COUNT_CAP


def export_header() -> list[str]:
    from django.utils.translation import gettext as _

    return [_("Reference"), _("Application"), _("Organisation"), _("Programme"), _("Call"), _("Step"), _("Created"),
            _("Due"), _("Finished"), _("Held by"), _("Requested grant (EUR)")]  # fmt: skip


def export_rows(user, tasks: QuerySet[Task], chunk: int = 2000):
    """Every row of a list for a download. The ids in the list's order first (one query, a snapshot: tasks taken
    meanwhile neither vanish nor repeat), then the rows a chunk at a time, three queries per chunk."""
    ids = list(tasks.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_id = Task.objects.select_related("owner").in_bulk(part)
        for row in task_rows(user, [by_id[pk] for pk in part if pk in by_id]):
            application, task = row["application"], row["task"]
            yield [application.reference, application.title, application.organisation.name,
                   application.call.programme.title, application.call.title, str(row["title"]), task.created,
                   row["due"], task.finished, str(task.owner or ""), application.requested_amount]  # fmt: skip
