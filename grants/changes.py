"""Changes during the project (ANBest-P Nr. 5) and the amendment decision (Änderungsbescheid).

The organisation reports a change with reasons; a clerk notes it when it stays within the plan's tolerance
(`grants.tolerance`), or proposes an amendment: a new plan version, amount and period, which a second person
approves (four eyes, also held by the database). The approval writes the new plan version, changes the grant and
issues the amendment letter, in one transaction with the grant row locked.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.budget import budget_require
from applications.formatting import format_money
from grants.errors import ApplicationError, NotAllowed, require_perm
from grants.letters import grant_letter_issue
from grants.locks import locked
from grants.models import (
    ChangeKind,
    ChangeLine,
    ChangeReport,
    ChangeStatus,
    Grant,
    GrantStatus,
    PlanLine,
    PlanVersion,
)
from grants.proofs import proofs_follow_plan
from grants.selectors import claimed
from grants.tolerance import Assessment, assess_change
from organisations.selectors import is_representative

OPEN_FOR_CHANGES = (GrantStatus.AWAITING_FINALITY, GrantStatus.RUNNING, GrantStatus.APPEALED)
CLERK_PERMISSION = "applications.check_application"
APPROVER_PERMISSION = "applications.approve_decision"


def current_plan(grant: Grant) -> PlanVersion:
    return grant.plan_versions.order_by("-number").first()


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter an amount in euros, for example 1250,00."), field=field) from None
    if amount < 0:
        raise ApplicationError(_("An amount cannot be negative."), field=field)
    return amount


@transaction.atomic
def change_report_submit(
    *, grant: Grant, by, kind: str, description: str, new_amounts: dict[int, Decimal], new_period_end: date | None
) -> ChangeReport:
    """A representative reports a change. `new_amounts`: the new amount per plan line id of the current plan (lines
    left out keep their amount)."""
    if not is_representative(by, grant.organisation):
        raise NotAllowed(_("Only a person entitled to represent the organisation may report changes."))
    grant = locked(Grant.objects.filter(pk=grant.pk))
    if grant.status not in OPEN_FOR_CHANGES:
        raise ApplicationError(_("Changes can only be reported while the project runs."))
    if not description.strip():
        raise ApplicationError(_("Say what changes and why."), field="description")
    if kind == ChangeKind.PERIOD and new_period_end is None:
        raise ApplicationError(_("Give the new end of the approval period."), field="new_period_end")
    if new_period_end is not None and new_period_end <= grant.period_end:
        raise ApplicationError(
            _("The new end must be after the current end of the approval period."), field="new_period_end"
        )
    lines = {line.pk: line for line in current_plan(grant).lines.all()}
    changed = {}
    for line_id, value in new_amounts.items():
        if line_id not in lines:
            raise ApplicationError(_("This plan line is not part of the current plan."))
        amount = _money(value, f"line_{line_id}")
        if amount != lines[line_id].amount:
            changed[line_id] = amount
    report = ChangeReport.objects.create(
        grant=grant, kind=kind, description=description.strip(), new_period_end=new_period_end, reported_by=by
    )
    ChangeLine.objects.bulk_create(
        ChangeLine(report=report, plan_line=lines[line_id], amount=amount) for line_id, amount in changed.items()
    )
    return report


def change_assessment(report: ChangeReport) -> Assessment:
    """Whether the report stays within the plan's tolerance (ANBest-P Nr. 1.2)."""
    plan_lines = list(current_plan(report.grant).lines.all())
    new = {change.plan_line_id: change.amount for change in report.lines.all()}
    return assess_change(
        planned={line.position: line.amount for line in plan_lines},
        new={line.position: new[line.pk] for line in plan_lines if line.pk in new},
        period_changes=report.new_period_end is not None and report.new_period_end != report.grant.period_end,
        purpose_changes=report.kind in (ChangeKind.OTHER, ChangeKind.APPEAL),  # these always need a decision
    )


def _locked(report: ChangeReport, status: str) -> ChangeReport:
    report = locked(ChangeReport.objects.filter(pk=report.pk).select_related("grant__application"))
    if report.status != status:
        raise ApplicationError(_("This change has already been dealt with."))
    return report


@transaction.atomic
def change_note(*, report: ChangeReport, by, note: str = "") -> ChangeReport:
    """The change stays within the tolerance: the clerk notes it; no letter, the grant stays as it is."""
    require_perm(by, CLERK_PERMISSION, _("You may not assess changes."))
    report = _locked(report, ChangeStatus.REPORTED)
    if not change_assessment(report).within_tolerance:
        raise ApplicationError(_("This change goes beyond what the plan allows; propose an amendment decision."))
    report.status, report.decided_by, report.decided_at, report.note = ChangeStatus.NOTED, by, timezone.now(), note
    report.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return report


@transaction.atomic
def change_refuse(*, report: ChangeReport, by, note: str) -> ChangeReport:
    """The office does not agree to the change (by the clerk, or by the approver instead of approving)."""
    if not (by.has_perm(CLERK_PERMISSION) or by.has_perm(APPROVER_PERMISSION)):
        raise NotAllowed(_("You may not decide on changes."))
    if not note.strip():
        raise ApplicationError(_("Say why; the organisation reads it."), field="note")
    report = locked(ChangeReport.objects.filter(pk=report.pk))
    if report.status not in (ChangeStatus.REPORTED, ChangeStatus.PROPOSED):
        raise ApplicationError(_("This change has already been dealt with."))
    if report.kind == ChangeKind.APPEAL:
        raise ApplicationError(_("The appeal was upheld, so the decision must be changed: propose the amendment."))
    report.status, report.decided_by, report.decided_at = ChangeStatus.REFUSED, by, timezone.now()
    report.note = note.strip()
    report.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return report


@transaction.atomic
def change_propose(*, report: ChangeReport, by, amount, period_end: date | None = None, note: str = "") -> ChangeReport:
    """Beyond the tolerance: the clerk proposes the amended grant (amount, period end) for a second person."""
    require_perm(by, CLERK_PERMISSION, _("You may not assess changes."))
    report = _locked(report, ChangeStatus.REPORTED)
    if change_assessment(report).within_tolerance:
        raise ApplicationError(_("This change stays within what the plan allows; note it instead."))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ApplicationError(_("Enter an amount above zero."), field="amount")
    grant = report.grant
    period_end = period_end or report.new_period_end
    if period_end is not None and period_end < grant.period_start:
        raise ApplicationError(_("The period cannot end before it starts."), field="period_end")
    report.proposed_amount, report.proposed_by, report.proposed_at = amount, by, timezone.now()
    report.new_period_end = period_end if period_end and period_end != grant.period_end else None
    report.status, report.note = ChangeStatus.PROPOSED, note
    report.save(update_fields=["proposed_amount", "proposed_by", "proposed_at", "new_period_end", "status", "note"])
    return report


def _require_budget(grant: Grant, amount: Decimal) -> None:
    """An increase must fit the call's budget beside every approval and every other grant's earlier increases."""
    others = Grant.objects.filter(application__call=grant.application.call, amount__gt=F("decision__amount")).exclude(
        pk=grant.pk
    ).aggregate(extra=Sum(F("amount") - F("decision__amount")))["extra"] or Decimal("0.00")
    increase = max(amount - grant.decision.amount, Decimal("0.00"))
    budget_require(call=grant.application.call, amount=others + increase, approving=True)


@transaction.atomic
def change_approve(*, report: ChangeReport, by) -> ChangeReport:
    """The second person approves the amendment: plan version N+1, the grant's new amount and period, and the
    amendment letter (Änderungsbescheid)."""
    require_perm(by, APPROVER_PERMISSION, _("You may not approve amendment decisions."))
    report = _locked(report, ChangeStatus.PROPOSED)
    if report.proposed_by_id == by.pk:
        raise NotAllowed(_("You proposed this amendment, so a second person must approve it."))
    grant = locked(Grant.objects.filter(pk=report.grant_id).select_related("application__call", "decision"))
    amount = report.proposed_amount
    if amount > grant.amount:
        _require_budget(grant, amount)
    already = claimed(grant)
    if amount < already:
        raise ApplicationError(
            _("The grant cannot be lowered below the %(claimed)s EUR already requested.")
            % {"claimed": format_money(already)}
        )
    previous = current_plan(grant)
    new_amounts = {change.plan_line_id: change.amount for change in report.lines.all()}
    old_lines = list(previous.lines.all())
    eligible = sum((new_amounts.get(line.pk, line.amount) for line in old_lines), Decimal("0.00"))
    version = PlanVersion.objects.create(
        grant=grant,
        number=(grant.plan_versions.aggregate(top=Max("number"))["top"] or 0) + 1,
        eligible_costs=eligible,
        own_funds=previous.own_funds,
        third_party_funds=previous.third_party_funds,
        amount=amount,
        note=report.description,
    )
    PlanLine.objects.bulk_create(
        PlanLine(
            version=version,
            position=line.position,
            category=line.category,
            description=line.description,
            amount=new_amounts.get(line.pk, line.amount),
        )
        for line in old_lines
    )
    proofs_follow_plan(grant=grant, version=version)  # drafts of the proof of use follow the amended plan
    previous_amount, previous_end = grant.amount, grant.period_end
    grant.amount, grant.eligible_costs = amount, eligible
    grant.period_end = report.new_period_end or grant.period_end
    grant.save(update_fields=["amount", "eligible_costs", "period_end"])
    now = timezone.now()
    report.status, report.approved_by, report.approved_at = ChangeStatus.AMENDED, by, now
    report.decided_by, report.decided_at, report.plan_version = by, now, version
    report.save(update_fields=["status", "approved_by", "approved_at", "decided_by", "decided_at", "plan_version"])
    grant_letter_issue(
        grant=grant,
        kind="amendment",
        context={
            "signed_by": by.get_full_name() or by.email,
            "contact": report.proposed_by.get_full_name() or report.proposed_by.email,
            "amount": amount,
            "previous_amount": previous_amount,
            "period_start": grant.period_start,
            "period_end": grant.period_end,
            "previous_period_end": previous_end,
            "plan_version": version.number,
            "eligible_costs": eligible,
            "own_funds": version.own_funds,
            "third_party_funds": version.third_party_funds,
            "lines": [
                {
                    "position": line.position,
                    "description": line.description,
                    "previous": line.amount,
                    "amount": new_amounts.get(line.pk, line.amount),
                }
                for line in old_lines
            ],
            "reported_on": timezone.localdate(report.reported_at),
            "reasons": report.description,
            **_appeal_context(report),
        },
    )
    return report


def _appeal_context(report: ChangeReport) -> dict:
    """For an amendment that remedies an upheld appeal: what the letter says about the appeal (§ 72 VwGO)."""
    appeal = report.appeal
    if appeal is None:
        return {}
    return {
        "appeal_kind": appeal.kind,
        "appeal_lodged_on": appeal.lodged_on,
        "appeal_decided_on": appeal.decided_on,
        "reported_on": None,
    }


@transaction.atomic
def appeal_change_open(*, appeal, by) -> ChangeReport:
    """An upheld appeal opens the amendment that remedies it (Abhilfebescheid), with the appeal's note as its reasons;
    the office then proposes the changed grant and a second person approves it, like any amendment."""
    existing = ChangeReport.objects.filter(appeal=appeal).first()
    if existing is not None:
        return existing
    return ChangeReport.objects.create(
        grant=appeal.grant, kind=ChangeKind.APPEAL, description=appeal.note, reported_by=by, appeal=appeal
    )
