"""Moves the funding process: starting it on submission and completing human tasks under the flow lock."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.errors import NotAllowed
from applications.models import Application
from applications.services import application_submit
from workflow.errors import TaskUnavailable
from workflow.flows import FundingFlow


def application_submit_and_start(*, application: Application, by) -> Application:
    """Submit the application and start its funding process, in one transaction."""
    with transaction.atomic():
        application = application_submit(application=application, by=by)
        FundingFlow.submit.run(application=application)
    return application


def task_complete(*, task: Task, by, action: Callable[[object], object]):
    """Take a human task (if still free) and complete it with `action(process)`, all under the flow lock.

    Two people completing one task at once end in one transition; the other gets TaskUnavailable.
    """
    node = task.flow_task
    try:
        with node.flow_class.lock(task.process_id):
            task.refresh_from_db()
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
