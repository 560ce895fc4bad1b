"""Moves the funding process: starting it on submission and completing human tasks under the flow lock."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.errors import NotAllowed
from applications.locking import is_lock_failure, row_locked
from applications.models import Application
from applications.services import (
    application_cancel,
    application_submit,
    application_withdraw,
    items_answer,
    items_answer_refusal,
)
from workflow.errors import ProcessBusy, TaskUnavailable
from workflow.flows import FundingFlow
from workflow.messages import tell_organisation, tell_staff_involved
from workflow.models import FundingProcess


def application_submit_and_start(*, application: Application, by, delivery_consent: bool = False) -> Application:
    """Submit the application and start its funding process, in one transaction."""
    with transaction.atomic():
        application = application_submit(application=application, by=by, delivery_consent=delivery_consent)
        FundingFlow.submit.run(application=application)
    return application


def _take_row_lock(flow_class, process_pk: int) -> None:
    """FOR UPDATE NOWAIT on the process row (`applications.locking`); ProcessBusy when it stays taken.

    viewflow's select_for_update_lock catches the refused NOWAIT inside its savepoint, so within any outer
    transaction the release of that savepoint fails ("current transaction is aborted", an InternalError rather
    than FlowLockFailed, and no retry). Here the refusal leaves the savepoint as an exception: Django rolls back to
    it and the transaction stays usable. A granted row lock is kept by the enclosing transaction until it ends.
    """
    if isinstance(flow_class.lock_impl, SelectForUpdateLock):
        row_locked(flow_class.process_class._default_manager.filter(pk=process_pk), busy=ProcessBusy)


@contextmanager
def process_locked(flow_class, process_pk: int) -> Iterator[None]:
    """Run the block in a transaction that first takes the flow lock of one process.

    Open it before any other work of the step, so that a lock failure is caught where the transaction starts;
    every lock failure (FlowLockFailed, a refused NOWAIT, the aborted transaction one leaves) becomes ProcessBusy,
    with everything the step did rolled back. Nested in another step's transaction it is safe too: the row lock
    is taken in a savepoint.
    """
    try:
        with transaction.atomic():
            _take_row_lock(flow_class, process_pk)
            with flow_class.lock(process_pk):  # viewflow's scope; its NOWAIT now finds the row ours
                yield
    except FlowLockFailed:
        raise ProcessBusy() from None
    except DatabaseError as error:
        if is_lock_failure(error):
            raise ProcessBusy() from error
        raise


def task_complete(*, task: Task, by, action: Callable[[object], object]):
    """Take a human task (if still free) and complete it with `action(process)`, all under the flow lock.

    Two people completing one task at once end in one transition; the other gets TaskUnavailable (ProcessBusy
    when the lock stayed taken for the whole wait, so that they may simply send again).
    """
    node = task.flow_task
    with process_locked(node.flow_class, task.process_id):
        # Re-read the task, which others may have changed before the lock (a cancelled process cancels its
        # tasks too). The process and its application, call and programme loaded by the page stay cached;
        # the services re-read the application under the lock where its state matters.
        task.refresh_from_db(fields=["status", "owner", "assigned", "started", "finished"])
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise TaskUnavailable()
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            if not node.can_assign(by, task):
                raise NotAllowed(_("You may not take this task."))
            activation.assign(by)
        if not node.can_execute(by, task):
            if task.owner_id != by.pk:
                raise TaskUnavailable()
            raise NotAllowed(_("You may not complete this task."))
        activation.start(None)
        result = action(activation.process)
        activation.execute()
        return result


def _end_processes(application: Application, process) -> None:
    """Cancel the funding process and any early-start procedure still open for the application.

    Called under the funding process's lock; each early-start process is locked before it is re-read.
    """
    from workflow.flows import EarlyStartFlow
    from workflow.models import EarlyStartProcess

    if process is not None:
        process.refresh_from_db()
        if process.status not in (PROCESS.DONE, PROCESS.CANCELED):
            FundingFlow.instance.cancel(process)
    for early in EarlyStartProcess.objects.filter(request__application=application).exclude(
        status__in=[PROCESS.DONE, PROCESS.CANCELED]
    ):
        with process_locked(EarlyStartFlow, early.pk):
            early.refresh_from_db()
            if early.status not in (PROCESS.DONE, PROCESS.CANCELED):
                EarlyStartFlow.instance.cancel(early)


@contextmanager
def _ending(application: Application) -> Iterator[object]:
    """The transaction of a withdrawal or cancellation: the flow lock first (the order every task completion
    uses), then the application's change; yields the funding process (None for a draft)."""
    process = FundingProcess.objects.filter(application=application).first()
    with process_locked(FundingFlow, process.pk) if process else transaction.atomic():
        yield process


def application_withdraw_and_end(*, application: Application, by, reason: str = "") -> Application:
    """The organisation withdraws: the process ends and the staff who worked on it are told."""
    with _ending(application) as process:
        application = application_withdraw(application=application, by=by, reason=reason)
        _end_processes(application, process)
        if process is not None:
            tell_staff_involved(application, process, "application_withdrawn", reason=reason)
    return application


def application_cancel_and_end(*, application: Application, by, reason: str) -> Application:
    """A programme administrator cancels the procedure: the process ends and the organisation is told why."""
    with _ending(application) as process:
        application = application_cancel(application=application, by=by, reason=reason)
        _end_processes(application, process)
        tell_organisation(application, "application_cancelled", reason=reason)
        if process is not None:
            tell_staff_involved(application, process, "application_cancelled", exclude=by, reason=reason)
    return application


def items_answer_and_continue(*, application: Application, by, answer: str, at: datetime | None = None) -> Application:
    """The organisation resubmits with the missing items; the clerk's completeness check comes back.

    After the deadline the answer is refused with the same message before and after the timer moved the process
    on to the clerk (which ends the organisation's task).
    """
    from workflow.selectors import open_organisation_task

    task = open_organisation_task(application)
    if task is None:
        latest = application.items_requests.order_by("-requested_at").first()
        raise TaskUnavailable(
            items_answer_refusal(latest, at=at) or _("There is no open request for this application.")
        )
    return task_complete(
        task=task,
        by=by,
        action=lambda process: items_answer(application=process.application, by=by, answer=answer, at=at),
    )


def early_start_request_and_start(*, application: Application, by, reason: str):
    from applications.services import early_start_request
    from workflow.flows import EarlyStartFlow

    with transaction.atomic():
        request = early_start_request(application=application, by=by, reason=reason)
        EarlyStartFlow.request.run(request=request)
    return request


def items_request_and_tell(*, application: Application, by, message: str, deadline):
    """The clerk asks for missing items; every member of the organisation hears of it."""
    from applications.services import items_request

    request = items_request(application=application, by=by, message=message, deadline=deadline)
    tell_organisation(application, "items_requested", message=request.message, deadline=request.deadline.isoformat())
    return request


def items_extend_and_tell(*, application: Application, by, deadline):
    from applications.services import items_deadline_extend

    request = items_deadline_extend(application=application, by=by, deadline=deadline)
    tell_organisation(application, "items_requested", message=request.message, deadline=request.deadline.isoformat())
    return request


def tasks_take(*, tasks: list[Task], by) -> int:
    """Take several free tasks at once (each under its flow's lock); returns how many were taken.

    Tasks someone else took meanwhile, or that four eyes keep from this user, are left as they are.
    """
    taken = 0
    for task in tasks:
        node = task.flow_task
        try:
            with process_locked(node.flow_class, task.process_id):
                task.refresh_from_db()
                if task.status != STATUS.NEW or task.owner_id is not None or not node.can_assign(by, task):
                    continue
                node.activation_class(task).assign(by)
                taken += 1
        except ProcessBusy:
            continue
    return taken


def reviewers_assign_many(*, tasks: list[Task], by, reviewers: list) -> list[tuple[Application, str | None]]:
    """Name the same reviewer(s) for several applications: each gets as many as its programme asks for.

    Returns each application with None when it worked, or the reason it did not; one failure stops no other.
    """
    from applications.errors import ApplicationError
    from applications.services import reviewers_assign

    results = []
    for task in tasks:
        application = task.process.coerced.application
        needed = application.call.programme.reviewers_required
        chosen = reviewers[:needed]
        if len(chosen) < needed:
            results.append((application, _("This programme needs %(count)s reviewers.") % {"count": needed}))
            continue
        try:
            task_complete(
                task=task,
                by=by,
                action=lambda process, chosen=chosen: reviewers_assign(
                    application=process.application, by=by, reviewers=chosen
                ),
            )
        except (ApplicationError, TaskUnavailable) as error:
            results.append((application, error.message))
        else:
            results.append((application, None))
    return results
