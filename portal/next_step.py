"""What happens next for an application, in plain words: who must act, and what they do."""

from django.utils.translation import gettext_lazy as _

from applications.deadlines import berlin_date
from applications.formatting import format_money
from applications.models import Application, ApplicationStatus
from grants.claims import hearing_open
from workflow.flows import FundingFlow
from workflow.selectors import current_step

_BY_NODE = {
    FundingFlow.check_completeness: (_("The office"), _("A clerk checks whether your application is complete.")),
    FundingFlow.decide_overdue: (_("The office"), _("The deadline has passed; a clerk decides how to go on.")),
    FundingFlow.assign_reviewers: (_("The office"), _("Reviewers are being chosen for your application.")),
    FundingFlow.review_first: (_("The office"), _("Your application is being reviewed.")),
    FundingFlow.review_second: (_("The office"), _("Your application is being reviewed.")),
    FundingFlow.reassign_first: (_("The office"), _("Your application is being reviewed.")),
    FundingFlow.reassign_second: (_("The office"), _("Your application is being reviewed.")),
    FundingFlow.propose: (_("The office"), _("A clerk prepares the decision.")),
    FundingFlow.approve: (_("The office"), _("A second person at the office approves the decision.")),
    FundingFlow.create_letter: (_("The office"), _("Your decision letter is being prepared.")),
    FundingFlow.notify_organisation: (_("The office"), _("Your decision letter is being prepared.")),
}


def letter_ready(application: Application) -> bool:
    """Whether the letter of the application's current decision has been stored."""
    from applications.models import DecisionLetter

    decision = application.current_decision
    return decision is not None and DecisionLetter.objects.filter(decision=decision).exists()


def next_step(application: Application) -> dict:
    """Who acts, what they do, and until and including which day (`when`, a date in Berlin) if there is a deadline."""
    if application.status == ApplicationStatus.DRAFT:
        return {
            "who": _("You"),
            "what": _("Complete the draft and submit it before the call closes."),
            "when": application.call.last_day,
        }
    step = current_step(application)
    if step and step["node"] == FundingFlow.answer_request:
        request = application.items_requests.order_by("-requested_at").first()
        return {
            "who": _("You"),
            "what": _("Send the missing items the office asked for."),
            "when": berlin_date(request.deadline) if request else None,
            "answer": True,
        }
    if step and step["node"] in _BY_NODE:
        who, what = _BY_NODE[step["node"]]
        return {"who": who, "what": what, "when": None}
    if application.status == ApplicationStatus.WITHDRAWN:
        return {"who": _("Nobody"), "what": _("The application was withdrawn. Nothing more happens."), "when": None}
    if application.status == ApplicationStatus.CANCELLED:
        return {"who": _("Nobody"), "what": _("The office ended the procedure; the reason is below."), "when": None}
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        if not letter_ready(application):
            # The letter is rendered in the background right after the approval; the page waits for it.
            return {
                "who": _("The office"),
                "what": _("Your decision letter is being prepared. This page shows it as soon as it is ready."),
                "when": None,
                "preparing": True,
            }
        grant_step = _grant_step(application)
        if grant_step is not None:
            return grant_step
        return {"who": _("You"), "what": _("Download your decision letter."), "when": None}
    return {"who": _("The office"), "what": _("Your application is being processed."), "when": None}


def _grant_step(application: Application) -> dict | None:
    """After the letter was received: what the grant's process waits for."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from grants.models import Grant, GrantStatus
    from grants.services import expected_final_on
    from workflow.flows.grant import GrantFlow

    grant = Grant.objects.filter(application=application).select_related("decision__letter").first()
    if grant is None or not grant.decision.letter.first_downloaded_at and not grant.decision.letter.delivered_at:
        return None
    if grant.status == GrantStatus.CLOSED:
        final = grant.payment_requests.filter(final=True, paid_on__isnull=True).exclude(status="refused").first()
        if final is not None:
            return {
                "who": _("The office"),
                "what": _("The office pays you the rest of the grant, %(amount)s EUR.")
                % {"amount": format_money(final.amount)},
                "when": None,
            }
        return {
            "who": _("Nobody"),
            "what": _("The grant is closed. Keep your receipts as long as stated below."),
            "when": None,
        }
    if grant.status == GrantStatus.APPEALED:
        return {
            "who": _("The office"),
            "what": _("An appeal is pending; payments wait until it has ended."),
            "when": None,
        }
    if grant.status == GrantStatus.AWAITING_FINALITY:
        return {
            "who": _("Nobody"),
            "what": _("The decision becomes final when the appeal period ends; then you can request the money."),
            "when": expected_final_on(grant),
        }
    task = (
        Task.objects.filter(process__grantprocess__grant=grant, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .exclude(flow_task_type="FUNCTION")
        .order_by("-created")
        .first()
    )
    node = task.flow_task if task else None
    claim = grant.claims.order_by("-pk").first()
    missing = grant.proofs.filter(status="items_requested").order_by("due_on").first()
    if missing is not None:
        return {
            "who": _("You"),
            "what": _("Add the missing items the office asked for to your proof of use and submit it again."),
            "when": None,
        }
    if node is GrantFlow.submit_proof:
        proof = grant.proofs.filter(kind="final").first()
        return {
            "who": _("You"),
            "what": _("Request the money shortly before you need it, and prove its use after the project."),
            "when": proof.due_on if proof else None,
        }
    if node in (GrantFlow.check_proof, GrantFlow.approve_check):
        return {"who": _("The office"), "what": _("The office checks your proof of use."), "when": None}
    # After the day in the letter the office's decision waits while the time to answer still runs (a late delivery).
    late_answer = node is GrantFlow.decide_revocation and claim is not None and hearing_open(claim)
    if claim is not None and (node is GrantFlow.await_answer or late_answer):
        return {
            "who": _("You"),
            "what": _("Answer the hearing about the money to be reclaimed."),
            "when": claim.answer_until or claim.hearing_deadline,
        }
    if node in (GrantFlow.hear, GrantFlow.decide_revocation, GrantFlow.approve_revocation):
        return {"who": _("The office"), "what": _("The office decides whether money is to be repaid."), "when": None}
    if node is GrantFlow.await_repayment and claim is not None:
        return {
            "who": _("You"),
            "what": _("Repay the amount the letter states, with the interest."),
            "when": claim.repay_by,
        }
    return None
