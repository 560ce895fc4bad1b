"""Moves the funding process: starting it on submission and completing human tasks under the flow lock."""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.errors import NotAllowed
from applications.models import Application
from applications.services import (
    application_cancel,
    application_submit,
    application_withdraw,
    items_answer,
    items_answer_refusal,
)
from workflow.errors import TaskUnavailable
from workflow.flows import FundingFlow
from workflow.messages import tell_organisation, tell_staff_involved
from workflow.models import FundingProcess


def application_submit_and_start(*, application: Application, by, delivery_consent: bool = False) -> Application:
    """Submit the application and start its funding process, in one transaction."""
    with transaction.atomic():
        application = application_submit(application=application, by=by, delivery_consent=delivery_consent)
        FundingFlow.submit.run(application=application)
    return application


def task_complete(*, task: Task, by, action: Callable[[object], object]):
    """Take a human task (if still free) and complete it with `action(process)`, all under the flow lock.

    Two people completing one task at once end in one transition; the other gets TaskUnavailable.
    """
    node = task.flow_task
    try:
        with node.flow_class.lock(task.process_id):
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
    except FlowLockFailed:
        raise TaskUnavailable(
            _("Someone else is working on this application right now. Try again in a moment.")
        ) from None


def _end_processes(application: Application, process) -> None:
    """Cancel the funding process and any early-start procedure still open for the application."""
    from workflow.flows import EarlyStartFlow
    from workflow.models import EarlyStartProcess

    if process is not None and process.status not in (PROCESS.DONE, PROCESS.CANCELED):
        FundingFlow.instance.cancel(process)
    for early in EarlyStartProcess.objects.filter(request__application=application).exclude(
        status__in=[PROCESS.DONE, PROCESS.CANCELED]
    ):
        EarlyStartFlow.instance.cancel(early)


def _ending(application: Application, by, end_application) -> tuple[Application, object]:
    """Take the flow lock first (the order every task completion uses), then change the application."""
    process = FundingProcess.objects.filter(application=application).first()
    try:
        with FundingFlow.lock(process.pk) if process else transaction.atomic():
            application = end_application()
            _end_processes(application, process)
    except FlowLockFailed:
        raise TaskUnavailable(_("Someone is working on this application right now. Try again in a moment.")) from None
    return application, process


def application_withdraw_and_end(*, application: Application, by, reason: str = "") -> Application:
    """The organisation withdraws: the process ends and the staff who worked on it are told."""
    with transaction.atomic():
        application, process = _ending(
            application, by, lambda: application_withdraw(application=application, by=by, reason=reason)
        )
        if process is not None:
            tell_staff_involved(application, process, "application_withdrawn", reason=reason)
    return application


def application_cancel_and_end(*, application: Application, by, reason: str) -> Application:
    """A programme administrator cancels the procedure: the process ends and the organisation is told why."""
    with transaction.atomic():
        application, process = _ending(
            application, by, lambda: application_cancel(application=application, by=by, reason=reason)
        )
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
            with node.flow_class.lock(task.process_id):
                task.refresh_from_db()
                if task.status != STATUS.NEW or task.owner_id is not None or not node.can_assign(by, task):
                    continue
                node.activation_class(task).assign(by)
                taken += 1
        except FlowLockFailed:
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
