"""The figures each letter after the decision fixes when it is issued (see `grants.letters` for the keys)."""

from datetime import date

from django.utils import timezone

from grants.checks import late_use_with_revocation
from grants.models import CheckStatus, Claim, Grant, ProofCheck, ProofKind
from grants.selectors import money_position


def _person(user) -> str:
    return user.get_full_name() or user.email


def _approved_check(grant: Grant) -> ProofCheck | None:
    proof = grant.proofs.filter(kind=ProofKind.FINAL).first()
    return proof.checks.filter(status=CheckStatus.APPROVED).order_by("-version").first() if proof else None


def _lines(grant: Grant) -> list[dict]:
    """Planned against actual per cost line, from the final proof of use."""
    proof = grant.proofs.filter(kind=ProofKind.FINAL).first()
    if proof is None:
        return []
    return [
        {
            "position": row.plan_line.position,
            "description": row.plan_line.description,
            "planned": row.plan_line.amount,
            "actual": row.actual,
        }
        for row in proof.lines.select_related("plan_line").order_by("plan_line__position")
    ]


def hearing_context(claim: Claim) -> dict:
    grant = claim.grant
    check = claim.proof_check or _approved_check(grant)
    context = {
        "scope": "full" if claim.amount >= grant.amount else "partial",
        "revoked_amount": claim.amount,
        "amount": claim.amount,
        "facts": claim.hearing_text,
        "answer_by": claim.hearing_deadline,
        "grant_amount": grant.amount,
        "paid": money_position(grant).paid,
        "lines": _lines(grant),
        "signed_by": _person(claim.hearing_sent_by),
    }
    if check is not None:
        context["recalculated_grant"] = check.recalculated_grant
    return context


def revocation_context(claim: Claim, interest_to_date=None) -> dict:
    grant = claim.grant
    context = {
        "scope": claim.scope,
        "ground": claim.ground,
        "revoked_amount": claim.revoked_amount,
        "effective_on": claim.effective_on,
        "amount": claim.amount,
        "repay_by": claim.repay_by,
        "facts": claim.reasons,
        "weighing": claim.weighing,
        "known_on": claim.known_on,
        "signed_by": _person(claim.approved_by),
        "grant_amount": grant.amount,
        "lines": _lines(grant),
        "hearing_sent_on": timezone.localdate(claim.hearing_sent_at),
        "answer_by": claim.answer_until or claim.hearing_deadline,  # from the hearing letter's delivery
        "revocation_deadline": claim.revocation_deadline,
        "payment_reference": f"{grant.application.reference} Erstattung",
    }
    if claim.answer:
        context["answer"] = claim.answer
        context["answered_on"] = timezone.localdate(claim.answered_at)
    if interest_to_date is not None:
        context["interest_to_date"] = interest_to_date
    if claim.late_use_interest:
        context["late_use_interest"] = claim.late_use_interest
        context["total_due"] = claim.amount + claim.late_use_interest
        context["late_use"] = late_use_with_revocation(claim.proof_check)[1] if claim.proof_check else []
        context["period_of_use"] = _period_of_use(grant)
    return context


def _period_of_use(grant: Grant) -> str:
    """The payment period of the grant's terms in the words of the letter ("sechs Wochen", "zwei Monaten")."""
    words = {1: "einem", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht"}
    if grant.payment_period_months:
        count = grant.payment_period_months
        return f"{words.get(count, count)} {'Monat' if count == 1 else 'Monaten'}"
    count = grant.payment_period_weeks or 0
    return f"{words.get(count, count)} {'Woche' if count == 1 else 'Wochen'}"


def closing_context(grant: Grant, on: date | None = None) -> dict:
    check = _approved_check(grant)
    paid = money_position(grant).paid
    proof = check.proof if check else None
    context = {
        "final_amount": check.recalculated_grant if check else grant.amount,
        "paid": paid,
        "result": check.result if check else "confirmed",
        "retain_until": grant.retain_until or on or timezone.localdate(),
        "grant_amount": grant.amount,
    }
    if check is not None:
        context["checked_on"] = timezone.localdate(check.approved_at)
        if check.balance > 0:
            context["still_to_pay"] = check.balance
    if proof is not None and proof.submitted_at:
        context["proof_received_on"] = timezone.localdate(proof.submitted_at)
    return context
