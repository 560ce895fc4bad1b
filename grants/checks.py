"""The office's check of a proof of use (VV Nr. 11 zu § 44 LHO): the checklist and memo, the reproducible receipt
sample, the recalculation on the actual figures, and its approval by a second person.

The proof is recalculated by the grant's financing method on its actual figures (`grants.recalculation`), with the
terms fixed at approval; the result is "confirmed", "still payable" or an amount to reclaim. The sample is drawn from
a seed made of the grant and the check's version, so anybody can draw it again and get the same receipts.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.financing import FinancingTerms
from applications.models import EventKind
from applications.services import event_record
from grants.errors import ApplicationError, NotAllowed, require_perm
from grants.finality import add_months
from grants.locks import locked
from grants.models import (
    PROOF_CHECKS,
    CheckResult,
    CheckStatus,
    Grant,
    GrantStatus,
    PaymentStatus,
    ProofCheck,
    ProofKind,
    ProofOfUse,
    ProofStatus,
    Receipt,
)
from grants.recalculation import PlanLine as RecalculationLine
from grants.recalculation import Recalculation, RecalculationError, recalculate_grant
from grants.sampling import Sample, pick_sample
from grants.selectors import money_position

ZERO = Decimal("0.00")


def grant_terms(grant: Grant) -> FinancingTerms:
    """The financing terms fixed when the grant was opened (a later change to the programme changes nothing)."""
    return FinancingTerms(
        method=grant.financing_method,
        max_amount=grant.amount,
        share_percent=grant.share_percent,
        fixed_amount=grant.fixed_amount,
    )


def recalculation_for(proof: ProofOfUse) -> Recalculation:
    """The grant on the proof's actual figures, against what has been paid out."""
    grant = proof.grant
    plan = grant.plan_versions.order_by("-number").first()
    lines = list(plan.lines.all())
    actual = {str(row.plan_line_id): row.actual for row in proof.lines.all()}
    return recalculate_grant(
        terms=grant_terms(grant),
        approved_grant=plan.amount,
        plan_lines=[RecalculationLine(key=str(line.pk), label=line.description, planned=line.amount) for line in lines],
        actual_costs={str(line.pk): actual.get(str(line.pk), ZERO) for line in lines},
        actual_own_funds=proof.actual_own_funds or ZERO,
        actual_third_party_funds=proof.actual_third_party_funds or ZERO,
        paid=money_position(grant).paid,
    )


def late_use(proof: ProofOfUse, on: date | None = None):
    """Interest on money paid out but not spent within the payment period (§ 49a(4) VwVfG), matching the
    receipts' dates to the payments first in, first out; None when the base rate table lacks a rate needed."""
    from grants.interest import BaseRateMissing, UsePeriod, base_rates, late_use_interest

    grant = proof.grant
    payments = list(grant.payment_requests.filter(status=PaymentStatus.PAID).values_list("paid_on", "amount"))
    if not payments:
        return None
    period = UsePeriod(weeks=grant.payment_period_weeks or 0, months=grant.payment_period_months or 0)
    spending = list(proof.receipts.values_list("date", "amount"))
    try:
        return late_use_interest(payments, spending, period, on or timezone.localdate(), base_rates())
    except BaseRateMissing:
        return None


def late_use_with_revocation(check: ProofCheck) -> tuple[Decimal, list[dict]]:
    """The § 49a(4) interest the office may claim together with a revocation, and its rows for the letter.

    Only the parts spent late count: the parts never spent are the overpayment the revocation reclaims, and they bear
    interest under § 49a(3) from the day the revocation takes effect; claiming both would charge them twice.
    Computed as on the day of the check, like the figure the check recorded.
    """
    result = late_use(check.proof, on=timezone.localdate(check.checked_at))
    if result is None:
        return ZERO, []
    rows, total = [], ZERO
    for payment in result.payments:
        parts = [part for part in payment.late if part.spent_on is not None]
        if not parts:
            continue
        interest = sum((part.calculation.total for part in parts), ZERO)
        rows.append(
            {
                "paid_on": payment.paid_on,
                "amount": payment.amount,
                "use_by": payment.use_by,
                "spent_late": payment.spent_late,
                "last_used_on": max(part.spent_on for part in parts),
                "interest": interest,
            }
        )
        total += interest
    return total, rows


def sample_seed(proof: ProofOfUse, version: int) -> str:
    return f"grant-{proof.grant_id}-proof-{proof.pk}-check-{version}"


def receipt_sample(proof: ProofOfUse, version: int) -> Sample | None:
    """The receipts to check, drawn as the programme sets (share, and always from an amount); None without receipts."""
    receipts = list(proof.receipts.values_list("pk", "amount"))
    if not receipts:
        return None
    programme = proof.grant.programme
    return pick_sample(
        receipts,
        percent=programme.receipt_sample_percent,
        always_above=programme.receipt_always_checked_from,
        seed=sample_seed(proof, version),
    )


def _next_version(proof: ProofOfUse) -> int:
    latest = proof.checks.order_by("-version").first()
    return latest.version + 1 if latest else 1


@transaction.atomic
def proof_check_propose(*, proof: ProofOfUse, by, checks: dict[str, bool], memo: str, findings: str = "") -> ProofCheck:
    """The clerk records the check: every point of the checklist, the memo, the sample drawn and the recalculation.

    A point not ticked needs the memo to say why. The result goes to a second person for approval.
    """
    require_perm(by, "applications.check_application", _("You may not check proofs of use."))
    proof = locked(ProofOfUse.objects.filter(pk=proof.pk).select_related("grant__programme"))
    if proof.status != ProofStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted proof of use can be checked."))
    if proof.checks.filter(status=CheckStatus.PROPOSED).exists():
        raise ApplicationError(_("A check of this proof of use is already waiting for approval."))
    if not memo.strip():
        raise ApplicationError(_("Write the check memo (Prüfvermerk)."), field="memo")
    version = _next_version(proof)
    sample = receipt_sample(proof, version)
    try:
        recalculation = recalculation_for(proof)
    except RecalculationError as error:
        raise ApplicationError(str(error)) from None
    result = {
        "confirmed": CheckResult.CONFIRMED,
        "still_payable": CheckResult.STILL_PAYABLE,
        "to_reclaim": CheckResult.TO_RECLAIM,
    }[recalculation.status]
    balance = -recalculation.balance if result == CheckResult.TO_RECLAIM else recalculation.balance
    held_too_long = late_use(proof)
    check = ProofCheck.objects.create(
        proof=proof,
        version=version,
        memo=memo.strip(),
        sample_seed=sample.seed if sample else "",
        sample_note=sample.method_note if sample else _("There were no receipts to sample."),
        recalculated_grant=recalculation.grant,
        paid=recalculation.paid,
        balance=balance,
        result=result,
        explanation="\n".join(recalculation.explanation),
        late_use_interest=held_too_long.total if held_too_long else ZERO,
        checked_by=by,
        **{name: bool(checks.get(name)) for name, _label in PROOF_CHECKS},
    )
    proof.receipts.update(in_sample=False)
    if sample:
        proof.receipts.filter(pk__in=sample.ids).update(in_sample=True)
    if findings.strip():
        check.memo += "\n\n" + findings.strip()
        check.save(update_fields=["memo"])
    event_record(proof.grant.application, EventKind.PROOF_CHECKED, by, check.get_result_display())
    return check


@transaction.atomic
def proof_items_request(*, proof: ProofOfUse, by, message: str) -> ProofOfUse:
    """The clerk asks the organisation for missing items of the proof; it goes back to the organisation."""
    require_perm(by, "applications.check_application", _("You may not check proofs of use."))
    if not message.strip():
        raise ApplicationError(_("Say what is missing; the organisation reads it."), field="message")
    proof = locked(ProofOfUse.objects.filter(pk=proof.pk))
    if proof.status != ProofStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted proof of use can be sent back."))
    proof.status = ProofStatus.ITEMS_REQUESTED
    proof.save(update_fields=["status", "updated"])
    event_record(proof.grant.application, EventKind.PROOF_ITEMS_REQUESTED, by, message.strip())
    return proof


@transaction.atomic
def interim_proof_review(*, proof: ProofOfUse, by, memo: str) -> ProofOfUse:
    """The clerk reviews an interim proof (Zwischennachweis, VV Nr. 11 zu § 44 LHO): the report and the figures so far
    are plausible and the project is on track. No recalculation and no second person: the grant is settled on the
    final proof. The memo records what was looked at and anything to watch in the final check."""
    require_perm(by, "applications.check_application", _("You may not check proofs of use."))
    if not memo.strip():
        raise ApplicationError(_("Write the review memo: what you looked at and what you found."), field="memo")
    proof = locked(ProofOfUse.objects.filter(pk=proof.pk).select_related("grant__application"))
    if proof.kind != ProofKind.INTERIM:
        raise ApplicationError(_("The final proof of use is checked with the checklist and a second person."))
    if proof.status != ProofStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted proof of use can be checked."))
    proof.status, proof.reviewed_by, proof.reviewed_at = ProofStatus.CHECKED, by, timezone.now()
    proof.review_memo = memo.strip()
    proof.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_memo", "updated"])
    event_record(proof.grant.application, EventKind.PROOF_CHECKED, by, proof.get_kind_display())
    return proof


def _pending_check(check: ProofCheck, by) -> ProofCheck:
    require_perm(by, "applications.approve_decision", _("You may not approve checks of proofs of use."))
    check = locked(ProofCheck.objects.filter(pk=check.pk).select_related("proof__grant"))
    if check.checked_by_id == by.pk:
        raise NotAllowed(_("You checked this proof of use yourself, so a second person must approve the result."))
    if check.status != CheckStatus.PROPOSED:
        raise ApplicationError(_("This check has already been decided."))
    return check


def retention_date(grant: Grant, on: date) -> date:
    return add_months(on, 12 * grant.programme.retention_years)


@transaction.atomic
def proof_check_approve(*, check: ProofCheck, by, comment: str = "") -> ProofCheck:
    """The second person approves the result: the proof is checked; money to reclaim opens a claim's hearing next."""
    check = _pending_check(check, by)
    check.status, check.approved_by, check.approved_at = CheckStatus.APPROVED, by, timezone.now()
    check.approver_comment = comment
    check.save(update_fields=["status", "approved_by", "approved_at", "approver_comment"])
    proof = check.proof
    proof.status = ProofStatus.CHECKED
    proof.save(update_fields=["status", "updated"])
    grant = locked(Grant.objects.filter(pk=proof.grant_id))
    grant.retain_until = retention_date(grant, timezone.localdate())
    grant.status = GrantStatus.RECLAIM if check.result == CheckResult.TO_RECLAIM else grant.status
    grant.save(update_fields=["retain_until", "status"])
    event_record(grant.application, EventKind.PROOF_CHECK_APPROVED, by, check.get_result_display())
    return check


@transaction.atomic
def proof_check_send_back(*, check: ProofCheck, by, comment: str) -> ProofCheck:
    if not comment.strip():
        raise ApplicationError(_("Say why you send the check back."), field="comment")
    check = _pending_check(check, by)
    check.status, check.approver_comment = CheckStatus.SENT_BACK, comment.strip()
    check.save(update_fields=["status", "approver_comment"])
    check.proof.receipts.update(in_sample=False)
    return check


def sampled_receipts(check: ProofCheck):
    return Receipt.objects.filter(proof=check.proof, in_sample=True).select_related("plan_line")
