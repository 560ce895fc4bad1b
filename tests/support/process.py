"""Drive the funding flow the way the pages do: through the workflow service, under the flow lock."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import MEMO_CHECKS
from applications.services import (
    completeness_confirm,
    decision_approve,
    decision_propose,
    review_declare,
    review_submit,
    reviewers_assign,
)
from workflow.flows import FundingFlow
from workflow.models import FundingProcess
from workflow.services import task_complete


def open_task(application, node) -> Task:
    process = FundingProcess.objects.get(application=application)
    return Task.objects.get(process_id=process.pk, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def confirm_complete(application, *, by):
    return task_complete(
        task=open_task(application, FundingFlow.check_completeness),
        by=by,
        action=lambda process: completeness_confirm(application=process.application, by=by),
    )


def assign(application, *, by, reviewers):
    return task_complete(
        task=open_task(application, FundingFlow.assign_reviewers),
        by=by,
        action=lambda process: reviewers_assign(application=process.application, by=by, reviewers=reviewers),
    )


def review(application, *, by, slot=1, score=4):
    node = FundingFlow.review_first if slot == 1 else FundingFlow.review_second
    assignment = application.review_assignments.get(slot=slot, active=True)
    declared = review_declare(assignment=assignment, by=by, conflict=False)
    criteria = application.call.programme.criteria.all()
    return task_complete(
        task=open_task(application, node),
        by=by,
        action=lambda process: review_submit(
            review=declared,
            by=by,
            scores={c.pk: (score, "") for c in criteria},
            memo="Plausibel und gut geplant.",
            double_funding=False,
            double_funding_note="",
            own_funds_counted=True,
        ),
    )


def through_review(application, *, clerk, admin, reviewer):
    """From the submitted application to the decision proposal: complete, one reviewer, reviewed."""
    confirm_complete(application, by=clerk)
    assign(application, by=admin, reviewers=[reviewer])
    review(application, by=reviewer)


ALL_CHECKS = {name: True for name, _label in MEMO_CHECKS}
PRIORITY_REASONS = {
    "grounds": ["priority"],
    "reasons": "Andere Anträge dieses Aufrufs erfüllen die Förderkriterien besser.",
    "weighing": "Die Mittel reichen nicht für alle Anträge; gefördert wird nach der Bewertung.",
}


def approval_details() -> dict:
    """What a complete approval proposal records besides the amount: every check of the review memo."""
    return {"checks": dict(ALL_CHECKS)}


def propose(application, *, by, outcome="approve", amount=None, **details):
    """Propose through the flow with a complete review memo; a rejection or a grant below the request gets
    reasons and, where the plan leaves a gap, a note on how it is closed, unless the test gives its own."""
    application.refresh_from_db()
    if outcome == "reject" or (amount is not None and amount < (application.requested_amount or 0)):
        details = {**PRIORITY_REASONS, **details}
    details.setdefault("checks", ALL_CHECKS)
    details.setdefault("gap_closure", "Der Verein deckt den Rest aus weiteren Eigenmitteln.")
    return task_complete(
        task=open_task(application, FundingFlow.propose),
        by=by,
        action=lambda process: decision_propose(
            application=process.application, by=by, outcome=outcome, amount=amount, **details
        ),
    )


def approve(application, *, by):
    return task_complete(
        task=open_task(application, FundingFlow.approve),
        by=by,
        action=lambda process: decision_approve(decision=process.application.current_decision, by=by),
    )
