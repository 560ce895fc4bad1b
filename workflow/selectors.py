"""Staff task lists and the applicant's view of the process."""

from django.db.models import Q, QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.flows import EarlyStartFlow, FundingFlow
from workflow.flows.change import ChangeFlow
from workflow.flows.grant import GrantFlow, InterimProofFlow, PaymentFlow
from workflow.models import STAFF_PROCESSES, FundingProcess, on_staff_process

STAFF_NODES = (
    FundingFlow.check_completeness,
    FundingFlow.decide_overdue,
    FundingFlow.assign_reviewers,
    FundingFlow.review_first,
    FundingFlow.review_second,
    FundingFlow.reassign_first,
    FundingFlow.reassign_second,
    FundingFlow.propose,
    FundingFlow.approve,
    EarlyStartFlow.decide,
    PaymentFlow.certify,
    PaymentFlow.release,
    GrantFlow.check_proof,
    GrantFlow.approve_check,
    GrantFlow.hear,
    GrantFlow.decide_revocation,
    GrantFlow.approve_revocation,
    GrantFlow.await_repayment,
    InterimProofFlow.review,
    ChangeFlow.assess,
    ChangeFlow.approve,
)


def staff_tasks(user) -> QuerySet[Task]:
    """Open human tasks this user holds or may take (by the permissions of their staff role), within the
    programmes they work on."""
    from applications.selectors import programme_scope

    permissions = [perm for perm in {node._owner_permission for node in STAFF_NODES} if perm and user.has_perm(perm)]
    tasks = (
        Task.objects.filter(flow_task__in=STAFF_NODES, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .filter(Q(owner=user) | Q(owner__isnull=True, owner_permission__in=permissions))
        .select_related("process", "owner")
        .order_by("created")
    )
    scope = programme_scope(user)
    if scope is not None:
        tasks = tasks.filter(on_staff_process(programme__in=scope))
    return tasks


def open_staff_task_exists(user, task_id: int) -> bool:
    """Whether an open staff task with this id exists within the user's programmes. Outside them the answer must
    be the same as for an id that does not exist, so that nobody learns what goes on in other programmes."""
    from applications.selectors import programme_scope

    tasks = Task.objects.filter(pk=task_id, flow_task__in=STAFF_NODES, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    scope = programme_scope(user)
    if scope is not None:
        tasks = tasks.filter(on_staff_process(programme__in=scope))
    return tasks.exists()


def open_task_for_staff(user, task_id: int) -> Task | None:
    """The open task with its process already of the flow's own class, and the application, call, programme and
    organisation loaded with it.

    Two queries: the task, then its process of the flow's own kind with what it is about. One query joining every
    kind of process (about 30 tables) took PostgreSQL longer to plan (17 ms at 100,000 applications) and Django
    longer to compile than both of these together take to run.
    """
    task = staff_tasks(user).filter(pk=task_id).first()
    if task is not None:
        process_class = task.flow_task.flow_class.process_class
        path = dict(STAFF_PROCESSES).get(process_class)
        related = [f"{path}__call__programme", f"{path}__organisation"] if path else []
        task.process = process_class.objects.select_related(*related).get(pk=task.process_id)
    return task


def current_step(application) -> dict | None:
    """The open task of the application's process: what happens next, and who must act."""
    process = FundingProcess.objects.filter(application=application).first()
    if process is None:
        return None
    task = (
        Task.objects.filter(process=process, flow_task_type="HUMAN")
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED])
        .order_by("-created")
        .first()
    )
    return {"process": process, "task": task, "node": task.flow_task if task else None}


def open_organisation_task(application) -> Task | None:
    """The organisation's open task (answering a request for missing items), if there is one."""
    process = FundingProcess.objects.filter(application=application).first()
    if process is None:
        return None
    return Task.objects.filter(
        process=process, flow_task=FundingFlow.answer_request, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).first()


def open_tasks(application) -> QuerySet[Task]:
    """Every open human task of the application's funding process (two while reviews run in parallel)."""
    return (
        Task.objects.filter(
            process__fundingprocess__application=application,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .select_related("owner")
        .order_by("created")
    )
