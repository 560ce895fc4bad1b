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


def progress(application) -> list[dict]:
    milestones = FundingFlow.instance.milestones()
    process = FundingProcess.objects.filter(application=application).first()
    done, current = set(), set()
    if process is not None:
        for task in Task.objects.filter(process=process).only("flow_task", "status"):
            if task.status == STATUS.DONE:
                done.add(task.flow_task.name)
            elif task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED):
                current.add(task.flow_task.name)
    steps = []
    for node in milestones:
        state = "done" if node.name in done else "current" if node.name in current else "todo"
        steps.append({"name": node.name, "label": LABELS[node.name], "state": state})
    if process is not None and process.status == "CANCELED":
        for step in steps:
            if step["state"] != "done":
                step["state"] = "stopped"
    return steps
