"""Reclaiming money (Rückforderung): the hearing (§ 28 VwVfG), the revocation decided by two people (§§ 48, 49
VwVfG), the repayment claim with interest (§ 49a VwVfG) and the repayments received until it is settled."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.formatting import format_money
from applications.models import EventKind
from applications.services import event_record
from grants.checks import late_use_with_revocation
from grants.errors import ApplicationError, NotAllowed, require_perm
from grants.interest import BaseRateMissing, base_rates, claim_balance
from grants.letter_contexts import closing_context, hearing_context, revocation_context
from grants.letters import grant_letter_issue
from grants.locks import locked
from grants.models import (
    Claim,
    ClaimStatus,
    Grant,
    GrantLetterKind,
    GrantStatus,
    Repayment,
    RevocationGround,
    RevocationScope,
)
from grants.selectors import money_position
from organisations.selectors import organisations_for_user

ZERO = Decimal("0.00")
HEARING_DAYS = 14  # a usual period to answer a hearing: two weeks, at least


def answer_period_end(deadline: date, delivered_on: date | None) -> date | None:
    """The last day to answer a hearing whose letter gives `deadline` and was delivered on `delivered_on`.

    The time to answer runs from the delivery of the letter (§ 28 VwVfG gives the chance to answer only once the
    letter has reached the organisation): the day in the letter stands, but it moves to HEARING_DAYS after the
    delivery where the letter came later, for example by post after the ten days for retrieval. None while the letter
    is not delivered: the time has not begun.
    """
    if delivered_on is None:
        return None
    return max(deadline, delivered_on + timedelta(days=HEARING_DAYS))


def hearing_answer_until(claim: Claim) -> date | None:
    """The last day the organisation may answer the claim's hearing (see `answer_period_end`), from the delivery of
    its hearing letter by whichever way it was delivered. A claim without a letter keeps the day it was given."""
    letter = claim.hearing_letter
    if letter is None:
        return claim.hearing_deadline
    return answer_period_end(claim.hearing_deadline, letter.delivered_at)


def hearing_open(claim: Claim, today: date | None = None) -> bool:
    """Whether the organisation may still answer: the claim is in its hearing and the time to answer has not ended
    (or not yet begun)."""
    until = hearing_answer_until(claim)
    return claim.status == ClaimStatus.HEARING and (until is None or (today or timezone.localdate()) <= until)


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def claim_hearing(*, grant: Grant, by, amount: Decimal, known_on: date, text: str, deadline: date, proof_check=None):
    """The clerk gives the organisation the chance to answer before money is reclaimed (Anhörung)."""
    require_perm(by, "applications.check_application", _("You may not start a reclaim."))
    grant = locked(Grant.objects.filter(pk=grant.pk))
    if grant.claims.exclude(status__in=[ClaimStatus.SETTLED, ClaimStatus.DROPPED]).exists():
        raise ApplicationError(_("A reclaim of this grant is already under way."))
    if amount is None or amount <= 0:
        raise ApplicationError(_("Enter the amount to reclaim, above zero."), field="amount")
    paid = money_position(grant).paid
    if amount > paid:
        raise ApplicationError(
            _("Only money paid out can be reclaimed: %(paid)s EUR so far.") % {"paid": format_money(paid)},
            field="amount",
        )
    today = timezone.localdate()
    if known_on > today:
        raise ApplicationError(_("The day the facts became known cannot be in the future."), field="known_on")
    if deadline < today + timedelta(days=HEARING_DAYS):
        raise ApplicationError(
            _("Give the organisation at least %(days)s days to answer.") % {"days": HEARING_DAYS}, field="deadline"
        )
    if not text.strip():
        raise ApplicationError(_("Say what the office intends and why."), field="text")
    claim = Claim.objects.create(
        grant=grant,
        proof_check=proof_check,
        amount=amount,
        known_on=known_on,
        hearing_text=text.strip(),
        hearing_deadline=deadline,
        hearing_sent_by=by,
    )
    grant.status = GrantStatus.RECLAIM
    grant.save(update_fields=["status"])
    event_record(grant.application, EventKind.HEARING_SENT, by, f"{format_money(amount)} EUR")
    grant_letter_issue(grant=grant, kind=GrantLetterKind.HEARING, context=hearing_context(claim))
    return claim


@transaction.atomic
def claim_answer(*, claim: Claim, by, answer: str) -> Claim:
    """The organisation answers the hearing (any member may write it)."""
    claim = locked(Claim.objects.filter(pk=claim.pk).select_related("grant"))
    if not organisations_for_user(by).filter(pk=claim.grant.organisation_id).exists():
        raise NotAllowed(_("You are not a member of this organisation."))
    if not hearing_open(claim):
        raise ApplicationError(_("The time to answer this hearing has ended."))
    if not answer.strip():
        raise ApplicationError(_("Write your answer."), field="answer")
    claim.answer, claim.answered_at, claim.answered_by = answer.strip(), timezone.now(), by
    claim.status = ClaimStatus.TO_DECIDE
    claim.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    event_record(claim.grant.application, EventKind.HEARING_ANSWERED, by)
    return claim


def _decidable(claim: Claim) -> Claim:
    """The claim, if the office may decide on it now: answered, or the time to answer (from the delivery of the
    hearing letter) has ended."""
    if claim.status == ClaimStatus.HEARING and not hearing_open(claim):
        claim.status = ClaimStatus.TO_DECIDE
    if claim.status not in (ClaimStatus.TO_DECIDE, ClaimStatus.PROPOSED):
        if hearing_answer_until(claim) is None:
            raise ApplicationError(
                _("The hearing letter has not been delivered yet: the time to answer runs from its delivery.")
            )
        raise ApplicationError(_("The hearing has not ended yet: the organisation may still answer."))
    return claim


@transaction.atomic
def claim_propose_revocation(
    *,
    claim: Claim,
    by,
    scope: str,
    ground: str,
    revoked_amount: Decimal,
    reasons: str,
    weighing: str,
    effective_on: date,
    repay_by: date,
    late_use_interest: Decimal | None = None,
) -> Claim:
    """The clerk proposes the revocation: its scope, legal ground, amount, reasons and weighing; a second person
    approves it. Interest for money used late (§ 49a(4) VwVfG) may be claimed with it, up to what the approved check
    of the proof of use computed; it is discretionary, so the weighing must cover it."""
    require_perm(by, "applications.check_application", _("You may not propose revocations."))
    claim = _decidable(locked(Claim.objects.filter(pk=claim.pk).select_related("grant", "proof_check")))
    errors = []
    if scope not in RevocationScope.values:
        errors.append(("scope", _("Choose a partial or full revocation.")))
    if ground not in RevocationGround.values:
        errors.append(("ground", _("Choose the legal ground.")))
    if not reasons.strip():
        errors.append(("reasons", _("Give the reasons: the facts and how the answer to the hearing was weighed.")))
    if not weighing.strip():
        errors.append(("weighing", _("Revocation is discretionary: write the weighing of discretion.")))
    if revoked_amount is None or revoked_amount <= 0 or revoked_amount > claim.grant.amount:
        errors.append(("revoked_amount", _("The revoked amount must be above zero and at most the grant.")))
    if scope == RevocationScope.FULL and revoked_amount != claim.grant.amount:
        errors.append(("revoked_amount", _("A full revocation revokes the whole grant.")))
    if effective_on is None:
        errors.append(("effective_on", _("Say from which day the revocation takes effect.")))
    if repay_by is None or repay_by < timezone.localdate():
        errors.append(("repay_by", _("The day to repay by cannot be in the past.")))
    late_use_interest = late_use_interest or ZERO
    at_most = late_use_with_revocation(claim.proof_check)[0] if claim.proof_check else ZERO
    if late_use_interest < 0 or late_use_interest > at_most:
        errors.append(
            (
                "late_use_interest",
                _(
                    "At most %(amount)s EUR: the interest on money spent later than allowed, as the check of the proof "
                    "of use computed it (money never spent is reclaimed with the revocation and bears interest there)."
                )
                % {"amount": format_money(at_most)},
            )
        )
    if timezone.localdate() > claim.revocation_deadline:
        errors.append(
            (
                None,
                _("The one-year period for a revocation ended on %(date)s (§ 48(4), § 49(3) VwVfG).")
                % {"date": _day(claim.revocation_deadline)},
            )
        )
    if errors:
        field, message = errors[0]
        raise ApplicationError(message, field=field)
    claim.scope, claim.ground, claim.revoked_amount = scope, ground, revoked_amount
    claim.reasons, claim.weighing = reasons.strip(), weighing.strip()
    claim.effective_on, claim.repay_by = effective_on, repay_by
    claim.late_use_interest = late_use_interest
    claim.proposed_by, claim.proposed_at, claim.status = by, timezone.now(), ClaimStatus.PROPOSED
    claim.approved_by = None
    claim.save()
    event_record(claim.grant.application, EventKind.REVOCATION_PROPOSED, by, f"{format_money(revoked_amount)} EUR")
    return claim


@transaction.atomic
def claim_drop(*, claim: Claim, by, reason: str) -> Claim:
    """The office does not pursue the claim (for example, the answer to the hearing explained the facts)."""
    require_perm(by, "applications.check_application", _("You may not decide on reclaims."))
    if not reason.strip():
        raise ApplicationError(_("Say why the money is not reclaimed."), field="reasons")
    claim = _decidable(locked(Claim.objects.filter(pk=claim.pk)))
    claim.status, claim.reasons = ClaimStatus.DROPPED, reason.strip()
    claim.save(update_fields=["status", "reasons"])
    event_record(claim.grant.application, EventKind.CLAIM_DROPPED, by, reason.strip())
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, by) -> Claim:
    """The second person signs the revocation (four eyes); the repayment is due from now."""
    require_perm(by, "applications.approve_decision", _("You may not approve revocations."))
    claim = locked(Claim.objects.filter(pk=claim.pk).select_related("grant"))
    if claim.proposed_by_id == by.pk:
        raise NotAllowed(_("You proposed this revocation, so a second person must approve it."))
    if claim.status != ClaimStatus.PROPOSED:
        raise ApplicationError(_("There is no revocation waiting for approval."))
    if timezone.localdate() > claim.revocation_deadline:
        raise ApplicationError(
            _("The one-year period for a revocation ended on %(date)s (§ 48(4), § 49(3) VwVfG).")
            % {"date": _day(claim.revocation_deadline)}
        )
    grant = locked(Grant.objects.filter(pk=claim.grant_id))  # letters of a grant are numbered under its lock
    claim.status, claim.approved_by, claim.approved_at = ClaimStatus.DECIDED, by, timezone.now()
    claim.save(update_fields=["status", "approved_by", "approved_at"])
    event_record(claim.grant.application, EventKind.REVOKED, by, f"{format_money(claim.amount)} EUR")
    grant_letter_issue(grant=grant, kind=GrantLetterKind.REVOCATION, context=revocation_context(claim))
    return claim


@transaction.atomic
def claim_send_back(*, claim: Claim, by, comment: str) -> Claim:
    require_perm(by, "applications.approve_decision", _("You may not approve revocations."))
    if not comment.strip():
        raise ApplicationError(_("Say why you send the revocation back."), field="comment")
    claim = locked(Claim.objects.filter(pk=claim.pk))
    if claim.proposed_by_id == by.pk:
        raise NotAllowed(_("You proposed this revocation, so a second person must decide on it."))
    if claim.status != ClaimStatus.PROPOSED:
        raise ApplicationError(_("There is no revocation waiting for approval."))
    claim.status = ClaimStatus.TO_DECIDE
    claim.save(update_fields=["status"])
    event_record(claim.grant.application, EventKind.REVOCATION_SENT_BACK, by, comment.strip())
    return claim


def claim_position(claim: Claim, on: date | None = None):
    """Principal and interest still owed on a day (§ 49a(3) VwVfG), after the repayments received; None before the
    revocation. Raises BaseRateMissing when the base rate table lacks a rate for the period."""
    if claim.status not in (ClaimStatus.DECIDED, ClaimStatus.SETTLED) or claim.effective_on is None:
        return None
    on = on or timezone.localdate()
    payments = [(r.received_on, r.amount) for r in claim.repayments.order_by("received_on")]
    until = max(on, claim.effective_on)
    return claim_balance(
        claim.amount, claim.effective_on, payments, until, base_rates(), interest_fixed=claim.late_use_interest
    )


@transaction.atomic
def repayment_record(*, claim: Claim, by, received_on: date, amount: Decimal) -> tuple[Repayment, bool]:
    """The finance office received a repayment; returns it and whether the claim (principal and interest) is settled."""
    require_perm(by, "grants.release_payment", _("You may not record repayments."))
    claim = locked(Claim.objects.filter(pk=claim.pk).select_related("grant"))
    if claim.status != ClaimStatus.DECIDED:
        raise ApplicationError(_("Repayments are recorded once the revocation is decided."))
    if amount is None or amount <= 0:
        raise ApplicationError(_("Enter the amount received, above zero."), field="amount")
    if received_on > timezone.localdate():
        raise ApplicationError(_("The day of receipt cannot be in the future."), field="received_on")
    if received_on < claim.effective_on:
        raise ApplicationError(_("A repayment cannot come before the revocation takes effect."), field="received_on")
    repayment = Repayment.objects.create(claim=claim, received_on=received_on, amount=amount, recorded_by=by)
    try:
        position = claim_position(claim, received_on)
    except BaseRateMissing as error:
        raise ApplicationError(
            _("The base rate from %(date)s is missing; an administrator must add it before interest can be computed.")
            % {"date": _day(error.missing_from)}
        ) from None
    settled = position.remaining_principal <= 0 and position.remaining_interest <= 0
    if settled:
        claim.status, claim.settled_on = ClaimStatus.SETTLED, received_on
        claim.save(update_fields=["status", "settled_on"])
    event_record(claim.grant.application, EventKind.REPAYMENT_RECEIVED, by, f"{format_money(amount)} EUR")
    return repayment, settled


def repaid(claim: Claim) -> Decimal:
    return claim.repayments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


@transaction.atomic
def grant_close(*, grant: Grant, by=None) -> Grant:
    """The grant's file is closed: its proof is checked and any claim settled or dropped."""
    grant = locked(Grant.objects.filter(pk=grant.pk))
    if grant.status == GrantStatus.CLOSED:
        return grant
    if grant.claims.exclude(status__in=[ClaimStatus.SETTLED, ClaimStatus.DROPPED]).exists():
        raise ApplicationError(_("A claim of this grant is still open."))
    grant.status, grant.closed_at = GrantStatus.CLOSED, timezone.now()
    grant.save(update_fields=["status", "closed_at"])
    event_record(grant.application, EventKind.GRANT_CLOSED, by)
    grant_letter_issue(grant=grant, kind=GrantLetterKind.CLOSING, context=closing_context(grant))
    return grant
