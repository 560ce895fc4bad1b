"""Drive the funding flow the way the staff pages do: through the workflow service, under the flow lock."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.services import decision_approve, decision_propose
from workflow.flows import FundingFlow
from workflow.models import FundingProcess
from workflow.services import task_complete


def open_task(application, node) -> Task:
    process = FundingProcess.objects.get(application=application)
    return Task.objects.get(process_id=process.pk, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def propose(application, *, by, outcome="approve", amount=None, reasons=""):
    return task_complete(
        task=open_task(application, FundingFlow.propose),
        by=by,
        action=lambda process: decision_propose(
            application=process.application, by=by, outcome=outcome, amount=amount, reasons=reasons
        ),
    )


def approve(application, *, by):
    return task_complete(
        task=open_task(application, FundingFlow.approve),
        by=by,
        action=lambda process: decision_approve(decision=process.application.current_decision, by=by),
    )
