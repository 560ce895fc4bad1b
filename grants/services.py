"""Every state change of a grant: opening it, its finality, appeals, and payment requests with four eyes.

Each service is atomic and validates before it writes; the grant row is locked wherever money is counted, so two
requests at once can never claim more than the grant. The process engine calls these services, never the reverse.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.formatting import format_money
from applications.models import Decision, DecisionOutcome, DecisionStatus, EventKind, PaymentPeriod
from applications.services import event_record
from grants.errors import ApplicationError, NotAllowed, require_perm
from grants.finality import add_months, final_from
from grants.locks import locked
from grants.models import (
    Appeal,
    AppealOutcome,
    Grant,
    GrantStatus,
    PaymentRequest,
    PaymentStatus,
    PlanLine,
    PlanVersion,
)
from grants.selectors import claimed
from organisations.selectors import bank_account_current, is_representative


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _locked(grant: Grant) -> Grant:
    return locked(Grant.objects.filter(pk=grant.pk).select_related("application", "programme"))


@transaction.atomic
def grant_open(*, decision: Decision) -> Grant:
    """Open the grant of an approved decision: its amount, terms, period and plan version 1 are fixed here.

    Idempotent: a second call for the same decision returns the grant the first one opened.
    """
    existing = Grant.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    if decision.status != DecisionStatus.APPROVED or decision.outcome != DecisionOutcome.APPROVE:
        raise ApplicationError(_("Only an approved grant opens a grant record."))
    application = decision.application
    programme = application.call.programme
    costs = sum((line.amount for line in application.cost_lines.all()), Decimal("0.00"))
    eligible = decision.eligible_costs if decision.eligible_costs is not None else costs
    own = decision.own_funds if decision.own_funds is not None else application.own_funds or Decimal("0.00")
    third = decision.third_party_funds if decision.third_party_funds is not None else Decimal("0.00")
    period = programme.authority.payment_period
    grant = Grant.objects.create(
        application=application,
        decision=decision,
        organisation=application.organisation,
        programme=programme,
        amount=decision.amount,
        financing_method=programme.financing_method,
        share_percent=programme.share_percent,
        fixed_amount=programme.fixed_amount,
        eligible_costs=eligible,
        own_funds=own,
        third_party_funds=third,
        period_start=decision.period_start or application.period_start,
        period_end=decision.period_end or application.period_end,
        payment_period_weeks=6 if period == PaymentPeriod.SIX_WEEKS else None,
        payment_period_months=2 if period == PaymentPeriod.TWO_MONTHS else None,
    )
    version = PlanVersion.objects.create(
        grant=grant,
        number=1,
        eligible_costs=eligible,
        own_funds=own,
        third_party_funds=third,
        amount=decision.amount,
        note=_("As approved in the decision of %(date)s.") % {"date": _day(timezone.localdate(decision.approved_at))},
    )
    PlanLine.objects.bulk_create(
        PlanLine(
            version=version,
            position=position,
            category=line.category,
            description=line.description,
            amount=line.amount,
        )
        for position, line in enumerate(application.cost_lines.order_by("pk"), start=1)
    )
    event_record(application, EventKind.GRANT_OPENED, None)
    return grant


# ----- finality (Bestandskraft) and appeals ------------------------------------------------------------------------


def expected_final_on(grant: Grant) -> date | None:
    """The day the decision becomes final if nobody appeals: None while the letter is not delivered."""
    if grant.final_on:
        return grant.final_on
    letter = getattr(grant.decision, "letter", None)
    if letter is None or letter.delivered_at is None:
        return None
    return final_from(letter.delivered_at)


@transaction.atomic
def grant_become_final(*, grant: Grant, today: date | None = None) -> bool:
    """Record that the appeal period ended without an appeal; False when it has not ended or an appeal is pending."""
    today = today or timezone.localdate()
    grant = _locked(grant)
    if grant.status != GrantStatus.AWAITING_FINALITY:
        return False
    due = expected_final_on(grant)
    if due is None or due > today:
        return False
    grant.final_on = due
    grant.status = GrantStatus.RUNNING
    grant.save(update_fields=["final_on", "status"])
    event_record(grant.application, EventKind.GRANT_FINAL, None)
    return True


@transaction.atomic
def appeal_waive(*, grant: Grant, by) -> Grant:
    """Rechtsbehelfsverzicht: a representative waives the appeal, so the decision is final at once."""
    grant = _locked(grant)
    if not is_representative(by, grant.organisation):
        raise NotAllowed(_("Only a person entitled to represent the organisation may waive the appeal."))
    if not grant.waiver_allowed:
        raise ApplicationError(_("This programme does not provide for waiving the appeal."))
    if grant.status != GrantStatus.AWAITING_FINALITY:
        raise ApplicationError(_("The decision is already final, or an appeal is pending."))
    letter = getattr(grant.decision, "letter", None)
    if letter is None or letter.delivered_at is None:
        raise ApplicationError(_("You can waive the appeal once the decision letter has been delivered to you."))
    grant.waived_at, grant.waived_by = timezone.now(), by
    grant.final_on = timezone.localdate()
    grant.status = GrantStatus.RUNNING
    grant.save(update_fields=["waived_at", "waived_by", "final_on", "status"])
    event_record(grant.application, EventKind.APPEAL_WAIVED, by)
    return grant


@transaction.atomic
def appeal_record(*, grant: Grant, by, kind: str, lodged_on: date, note: str = "") -> Appeal:
    """The office records an objection or action against the decision; payments stop until it ends."""
    require_perm(by, "grants.record_appeal", _("You may not record appeals."))
    grant = _locked(grant)
    if grant.appeals.filter(outcome=AppealOutcome.PENDING).exists():
        raise ApplicationError(_("An appeal is already pending for this grant."))
    if grant.status == GrantStatus.CLOSED:
        raise ApplicationError(_("The grant is closed."))
    if lodged_on > timezone.localdate():
        raise ApplicationError(_("The day the appeal was lodged cannot be in the future."), field="lodged_on")
    appeal = Appeal.objects.create(grant=grant, kind=kind, lodged_on=lodged_on, note=note, recorded_by=by)
    grant.status = GrantStatus.APPEALED
    grant.save(update_fields=["status"])
    event_record(grant.application, EventKind.APPEAL_LODGED, by, note)
    return appeal


@transaction.atomic
def appeal_end(*, appeal: Appeal, by, outcome: str, decided_on: date, note: str = "") -> Appeal:
    """The appeal ended (withdrawn, dismissed or upheld): the decision stands as it is from that day, and payments
    may go on. An upheld appeal is followed by an amendment decision."""
    require_perm(by, "grants.record_appeal", _("You may not record appeals."))
    appeal = locked(Appeal.objects.filter(pk=appeal.pk))
    if appeal.outcome != AppealOutcome.PENDING:
        raise ApplicationError(_("This appeal has already ended."))
    if outcome == AppealOutcome.PENDING:
        raise ApplicationError(_("Choose how the appeal ended."), field="outcome")
    if decided_on < appeal.lodged_on:
        raise ApplicationError(_("An appeal cannot end before it was lodged."), field="decided_on")
    if outcome == AppealOutcome.UPHELD and not (note.strip() or appeal.note.strip()):
        raise ApplicationError(
            _("Say what the appeal was right about and what changes; it becomes the reasons of the amendment."),
            field="note",
        )
    grant = _locked(appeal.grant)
    appeal.outcome, appeal.decided_on = outcome, decided_on
    appeal.note = "\n".join(part for part in (appeal.note, note) if part)
    appeal.save(update_fields=["outcome", "decided_on", "note"])
    grant.status = GrantStatus.RUNNING
    grant.final_on = grant.final_on or decided_on
    grant.save(update_fields=["status", "final_on"])
    event_record(grant.application, EventKind.APPEAL_ENDED, by, appeal.get_outcome_display())
    return appeal


# ----- payment requests (Mittelabruf, ANBest-P Nr. 1.4) --------------------------------------------------------------


def payment_window_end(grant: Grant, today: date) -> date:
    """The last day of needs that may be requested today: six weeks or two months ahead, as the authority set."""
    if grant.payment_period_months:
        return add_months(today, grant.payment_period_months)
    return today + timedelta(weeks=grant.payment_period_weeks or 6)


def _payment_period_text(grant: Grant) -> str:
    if grant.payment_period_months:
        return _("%(count)s months") % {"count": grant.payment_period_months}
    return _("%(count)s weeks") % {"count": grant.payment_period_weeks or 6}


def _amount(value) -> Decimal:
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter an amount in euros, for example 1250,00."), field="amount") from None
    if amount <= 0:
        raise ApplicationError(_("Enter an amount above zero."), field="amount")
    return amount


def _require_running(grant: Grant) -> None:
    if grant.status == GrantStatus.APPEALED:
        raise ApplicationError(_("An appeal against the decision is pending; payments wait until it has ended."))
    if grant.status == GrantStatus.AWAITING_FINALITY:
        due = expected_final_on(grant)
        if due:
            message = _("Money can be requested once the decision is final, from %(date)s on.") % {"date": _day(due)}
        else:
            message = _("Money can be requested once the decision letter has been delivered and become final.")
        if grant.waiver_allowed:
            message += " " + _("You can waive the appeal to make it final earlier.")
        raise ApplicationError(message)
    if grant.status == GrantStatus.PROOF_IN_REVIEW:
        raise ApplicationError(_("The proof of use is being checked; what is still due is paid after the check."))
    if grant.status == GrantStatus.RECLAIM:
        raise ApplicationError(_("Money of this grant is being reclaimed; no payment is made meanwhile."))
    if grant.status == GrantStatus.CLOSED:
        raise ApplicationError(_("The grant is closed."))


@transaction.atomic
def payment_request_submit(
    *, grant: Grant, by, amount, purpose: str, needed_on: date, today: date | None = None
) -> PaymentRequest:
    """A representative requests part of the grant for needs due within the payment period.

    Refused when it would claim more than is left, when the need lies further ahead than the period allows, or
    outside the approval period. The grant row is locked while the claims are counted.
    """
    today = today or timezone.localdate()
    if not is_representative(by, grant.organisation):
        raise NotAllowed(_("Only a person entitled to represent the organisation may request money."))
    amount = _amount(amount)
    if not purpose.strip():
        raise ApplicationError(_("Say what the money is for."), field="purpose")
    grant = _locked(grant)
    _require_running(grant)
    if needed_on < grant.period_start or needed_on > grant.period_end:
        raise ApplicationError(
            _("The money must be needed within the approval period, %(start)s to %(end)s.")
            % {"start": _day(grant.period_start), "end": _day(grant.period_end)},
            field="needed_on",
        )
    window_end = payment_window_end(grant, today)
    if needed_on > window_end:
        earliest = needed_on - (window_end - today)
        raise ApplicationError(
            _(
                "Money may only be requested for needs within %(period)s. For a need on %(needed)s you can request "
                "it from %(earliest)s on."
            )
            % {"period": _payment_period_text(grant), "needed": _day(needed_on), "earliest": _day(earliest)},
            field="needed_on",
        )
    if bank_account_current(grant.organisation) is None:
        raise ApplicationError(
            _("Give the organisation's bank account first (on the organisation's page); the money is paid into it.")
        )
    left = grant.amount - claimed(grant)
    if amount > left:
        raise ApplicationError(
            _("At most %(left)s EUR of the grant is left to request.") % {"left": format_money(left)},
            field="amount",
        )
    number = (grant.payment_requests.aggregate(top=Max("number"))["top"] or 0) + 1
    payment = PaymentRequest.objects.create(
        grant=grant, number=number, amount=amount, purpose=purpose.strip(), needed_on=needed_on, requested_by=by
    )
    event_record(grant.application, EventKind.PAYMENT_REQUESTED, by, f"{format_money(amount)} EUR")
    return payment


@transaction.atomic
def final_payment_open(*, grant: Grant) -> PaymentRequest | None:
    """The rest of the grant that the approved check of the proof of use found still to pay (Schlusszahlung).

    It goes through the same certification and release as any payment; the clerk who checked the proof stands as
    the one who asks for it. None when nothing is still to pay; a second call returns the payment the first opened.
    """
    from grants.models import CheckResult, CheckStatus, ProofCheck, ProofKind

    grant = _locked(grant)
    existing = grant.payment_requests.filter(final=True).first()
    if existing is not None:
        return existing
    check = (
        ProofCheck.objects.filter(proof__grant=grant, proof__kind=ProofKind.FINAL, status=CheckStatus.APPROVED)
        .order_by("-version")
        .first()
    )
    if check is None or check.result != CheckResult.STILL_PAYABLE or check.balance <= 0:
        return None
    number = (grant.payment_requests.aggregate(top=Max("number"))["top"] or 0) + 1
    payment = PaymentRequest.objects.create(
        grant=grant,
        number=number,
        amount=check.balance,
        purpose="Schlusszahlung nach Prüfung des Verwendungsnachweises",
        needed_on=timezone.localdate(),
        requested_by=check.checked_by,
        final=True,
    )
    event_record(
        grant.application, EventKind.PAYMENT_REQUESTED, check.checked_by, f"{format_money(payment.amount)} EUR"
    )
    return payment


def _locked_payment(payment: PaymentRequest) -> PaymentRequest:
    return locked(PaymentRequest.objects.filter(pk=payment.pk).select_related("grant__application"))


@transaction.atomic
def payment_certify(*, payment: PaymentRequest, by) -> PaymentRequest:
    """Sachlich richtig: the request fits the grant's purpose, plan and progress."""
    require_perm(by, "grants.certify_payment", _("You may not certify payments."))
    payment = _locked_payment(payment)
    if payment.status != PaymentStatus.REQUESTED:
        raise ApplicationError(_("This payment request is no longer waiting to be certified."))
    payment.status, payment.certified_by, payment.certified_at = PaymentStatus.CERTIFIED, by, timezone.now()
    payment.save(update_fields=["status", "certified_by", "certified_at"])
    event_record(payment.grant.application, EventKind.PAYMENT_CERTIFIED, by, f"#{payment.number}")
    return payment


@transaction.atomic
def payment_refuse(*, payment: PaymentRequest, by, note: str) -> PaymentRequest:
    """The office refuses a request; the note tells the organisation why."""
    if not (by.has_perm("grants.certify_payment") or by.has_perm("grants.release_payment")):
        raise NotAllowed(_("You may not decide on payments."))
    if not note.strip():
        raise ApplicationError(_("Say why the request is refused; the organisation reads it."), field="note")
    payment = _locked_payment(payment)
    if payment.status not in (PaymentStatus.REQUESTED, PaymentStatus.CERTIFIED):
        raise ApplicationError(_("This payment request has already been decided."))
    payment.status, payment.note = PaymentStatus.REFUSED, note.strip()
    payment.save(update_fields=["status", "note"])
    event_record(payment.grant.application, EventKind.PAYMENT_REFUSED, by, payment.note)
    return payment


@transaction.atomic
def payment_release(*, payment: PaymentRequest, by) -> PaymentRequest:
    """Rechnerisch richtig and release (four eyes): never by the person who certified it as factually correct."""
    require_perm(by, "grants.release_payment", _("You may not release payments."))
    payment = _locked_payment(payment)
    if payment.certified_by_id == by.pk:
        raise NotAllowed(_("You certified this payment as factually correct, so a second person must release it."))
    if payment.status != PaymentStatus.CERTIFIED:
        raise ApplicationError(_("Only a payment certified as factually correct can be released."))
    grant = _locked(payment.grant)  # the grant's lock also orders this against an appeal or a revocation
    if not (payment.final and grant.status == GrantStatus.CLOSED):  # the rest is paid once the file is closed
        _require_running(grant)
    account = bank_account_current(grant.organisation)
    if account is None:
        raise ApplicationError(
            _("The organisation has not given a bank account yet; it must do so before the money can be released.")
        )
    payment.status, payment.released_by, payment.released_at = PaymentStatus.RELEASED, by, timezone.now()
    payment.payee_holder, payment.payee_iban, payment.payee_bic = account.holder, account.iban, account.bic
    payment.save(update_fields=["status", "released_by", "released_at", "payee_holder", "payee_iban", "payee_bic"])
    event_record(grant.application, EventKind.PAYMENT_RELEASED, by, f"{format_money(payment.amount)} EUR")
    return payment


@transaction.atomic
def payments_mark_paid(*, payments: list[PaymentRequest], by, paid_on: date) -> int:
    """The finance office paid released payments on `paid_on`; returns how many were marked."""
    require_perm(by, "grants.release_payment", _("You may not record payments."))
    if paid_on > timezone.localdate():
        raise ApplicationError(_("The day of payment cannot be in the future."), field="paid_on")
    marked = 0
    for payment in PaymentRequest.objects.select_for_update().filter(
        pk__in=[p.pk for p in payments], status=PaymentStatus.RELEASED
    ):
        if paid_on < timezone.localdate(payment.released_at):
            raise ApplicationError(_("A payment cannot be made before it was released."), field="paid_on")
        payment.status, payment.paid_on = PaymentStatus.PAID, paid_on
        payment.save(update_fields=["status", "paid_on"])
        event_record(payment.grant.application, EventKind.PAYMENT_PAID, by, f"{format_money(payment.amount)} EUR")
        marked += 1
    return marked
