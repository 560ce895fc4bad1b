"""The applicant's progress bar: the flow's milestones, each done, current or still to come."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.flows import FundingFlow
from workflow.models import FundingProcess

LABELS = {
    "submit": _("Submitted"),
    "check_completeness": _("Checked for completeness"),
    "assign_reviewers": _("Reviewers chosen"),
    "review_first": _("Reviewed"),
    "propose": _("Decision prepared"),
    "approve": _("Decision approved"),
    "create_letter": _("Letter issued"),
    "end": _("Done"),
}


# After an approval the bar goes on through the grant's own process.
GRANT_LABELS = {
    "become_final": _("Decision final"),
    "submit_proof": _("Proof of use submitted"),
    "approve_check": _("Proof of use checked"),
    "close": _("Grant closed"),
}


def _states(process) -> tuple[set, set]:
    done, current = set(), set()
    if process is not None:
        for task in Task.objects.filter(process=process).only("flow_task", "status"):
            if task.status == STATUS.DONE:
                done.add(task.flow_task.name)
            elif task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED):
                current.add(task.flow_task.name)
    return done, current


def _steps(nodes, labels, done, current) -> list[dict]:
    return [
        {
            "name": node.name,
            "label": labels[node.name],
            "state": "done" if node.name in done else "current" if node.name in current else "todo",
        }
        for node in nodes
    ]


def progress(application) -> list[dict]:
    from workflow.flows.grant import GrantFlow
    from workflow.models import GrantProcess

    process = FundingProcess.objects.filter(application=application).first()
    steps = _steps(FundingFlow.instance.milestones(), LABELS, *_states(process))
    if process is not None and process.status == "CANCELED":
        for step in steps:
            if step["state"] != "done":
                step["state"] = "stopped"
    grant_process = GrantProcess.objects.filter(grant__application=application).first()
    if grant_process is not None:
        milestones = [getattr(GrantFlow.instance, name) for name in GRANT_LABELS]
        steps += _steps(milestones, GRANT_LABELS, *_states(grant_process))
    return steps
