"""Every state change of an application, its decision and its letter. Atomic, validated, no process engine."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import ApplicationError, NotAllowed
from applications.formatting import format_money
from applications.models import (
    Application,
    ApplicationStatus,
    Call,
    Decision,
    DecisionLetter,
    DecisionOutcome,
    DecisionStatus,
)
from organisations.models import Organisation
from organisations.selectors import is_representative, organisations_for_user

DRAFT_FIELDS = ("title", "summary", "requested_amount", "period_start", "period_end")


def _require_member(user, organisation: Organisation) -> None:
    if not organisations_for_user(user).filter(pk=organisation.pk).exists():
        raise NotAllowed(_("You are not a member of this organisation."))


@transaction.atomic
def application_create(*, organisation: Organisation, call: Call, by, **fields) -> Application:
    _require_member(by, organisation)
    if not call.is_open():
        raise ApplicationError(_("This call is not open for applications."))
    application = Application(organisation=organisation, call=call, created_by=by)
    for name in DRAFT_FIELDS:
        if name in fields:
            setattr(application, name, fields[name])
    application.save()
    return application


@transaction.atomic
def application_update(*, application: Application, by, **fields) -> Application:
    """Save a draft; any member of the organisation may edit it. Drafts may be incomplete."""
    _require_member(by, application.organisation)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationError(_("This application has been submitted and can no longer be changed."))
    for name in DRAFT_FIELDS:
        if name in fields:
            setattr(application, name, fields[name])
    application.save()
    return application


def application_submission_problems(application: Application) -> list[tuple[str | None, str]]:
    """What stops a submission: (field, message) pairs in the user's language; empty when it may go."""
    problems = []
    if not application.title.strip():
        problems.append(("title", _("Enter a project title.")))
    if not application.summary.strip():
        problems.append(("summary", _("Describe the project in a few sentences.")))
    programme = application.call.programme
    amount = application.requested_amount
    if amount is None:
        problems.append(("requested_amount", _("Enter the grant you request.")))
    elif not (programme.min_amount <= amount <= programme.max_amount):
        problems.append(
            (
                "requested_amount",
                _("This programme grants between %(min)s EUR and %(max)s EUR.")
                % {"min": format_money(programme.min_amount), "max": format_money(programme.max_amount)},
            )
        )
    if application.period_start is None:
        problems.append(("period_start", _("Enter when the project starts.")))
    if application.period_end is None:
        problems.append(("period_end", _("Enter when the project ends.")))
    if application.period_start and application.period_end and application.period_end < application.period_start:
        problems.append(("period_end", _("The project cannot end before it starts.")))
    if application.period_start and application.period_start < timezone.localdate():
        problems.append(("period_start", _("A project that has already started cannot be funded.")))
    if application.organisation.is_informal and not programme.informal_initiatives_may_apply:
        problems.append((None, _("This programme is not open to informal initiatives.")))
    if not application.call.is_open():
        problems.append(
            (
                None,
                _("The call closed on %(date)s. Your draft is kept, but it can no longer be submitted.")
                % {"date": timezone.localtime(application.call.closes_at).strftime("%d.%m.%Y %H:%M")},
            )
        )
    return problems


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    """Submit a complete draft. Only a representative of the organisation may sign it."""
    application = (
        Application.objects.select_for_update().select_related("organisation", "call__programme").get(pk=application.pk)
    )
    _require_member(by, application.organisation)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationError(_("This application has already been submitted."))
    if not is_representative(by, application.organisation):
        raise NotAllowed(_("Only a representative of the organisation may submit the application."))
    problems = application_submission_problems(application)
    if problems:
        raise ApplicationError(problems[0][1], field=problems[0][0])
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = by
    application.save(update_fields=["status", "submitted_at", "submitted_by", "updated"])
    return application


@transaction.atomic
def decision_propose(
    *, application: Application, by, outcome: str, amount: Decimal | None = None, reasons: str = ""
) -> Decision:
    """A clerk proposes to approve (with an amount) or to reject (with reasons)."""
    if not by.has_perm("applications.check_application"):
        raise NotAllowed(_("You may not propose decisions."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.DECISION_PROPOSED):
        raise ApplicationError(_("A decision can only be proposed for a submitted application."))
    if outcome == DecisionOutcome.APPROVE and not amount:
        raise ApplicationError(_("Enter the amount to grant."), field="amount")
    if outcome == DecisionOutcome.REJECT and not reasons.strip():
        raise ApplicationError(_("A rejection must state its reasons."), field="reasons")
    latest = application.decisions.order_by("-version").first()
    if latest and latest.status == DecisionStatus.PROPOSED:
        raise ApplicationError(_("A proposal is already waiting for approval."))
    decision = Decision.objects.create(
        application=application,
        version=(latest.version + 1) if latest else 1,
        outcome=outcome,
        amount=amount if outcome == DecisionOutcome.APPROVE else None,
        reasons=reasons,
        proposed_by=by,
    )
    application.status = ApplicationStatus.DECISION_PROPOSED
    application.save(update_fields=["status", "updated"])
    return decision


def _pending_decision(decision: Decision, by) -> Decision:
    if not by.has_perm("applications.approve_decision"):
        raise NotAllowed(_("You may not approve decisions."))
    decision = Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
    if decision.proposed_by_id == by.pk:
        raise NotAllowed(_("You proposed this decision, so a second person must approve it."))
    if decision.status != DecisionStatus.PROPOSED:
        raise ApplicationError(_("This decision has already been dealt with."))
    return decision


@transaction.atomic
def decision_approve(*, decision: Decision, by, comment: str = "") -> Decision:
    """A second person with the approver role signs the proposal (four eyes)."""
    decision = _pending_decision(decision, by)
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = by
    decision.approved_at = timezone.now()
    decision.approver_comment = comment
    decision.save(update_fields=["status", "approved_by", "approved_at", "approver_comment"])
    application = decision.application
    application.status = (
        ApplicationStatus.APPROVED if decision.outcome == DecisionOutcome.APPROVE else ApplicationStatus.REJECTED
    )
    application.save(update_fields=["status", "updated"])
    return decision


@transaction.atomic
def decision_send_back(*, decision: Decision, by, comment: str) -> Decision:
    """The approver returns the proposal to be reworked; the comment says why."""
    if not comment.strip():
        raise ApplicationError(_("Say why you send the proposal back."), field="comment")
    decision = _pending_decision(decision, by)
    decision.status = DecisionStatus.SENT_BACK
    decision.approver_comment = comment
    decision.save(update_fields=["status", "approver_comment"])
    application = decision.application
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status", "updated"])
    return decision


def decision_letter_create(*, decision: Decision) -> DecisionLetter:
    """Render and store the letter for an approved decision, once: a repeated call returns the stored letter."""
    from applications.letters import render_decision_letter

    existing = DecisionLetter.objects.filter(decision=decision).first()
    if existing:
        return existing
    if decision.status != DecisionStatus.APPROVED:
        raise ApplicationError(_("Only an approved decision gets a letter."))
    pdf = render_decision_letter(decision)
    letter = DecisionLetter(decision=decision)
    name = f"bescheid-{decision.application.reference}-v{decision.version}.pdf"
    letter.file.save(name, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        # Another worker stored the letter for this version first; keep theirs.
        letter.file.delete(save=False)
        return DecisionLetter.objects.get(decision=decision)
    return letter


@transaction.atomic
def decision_letter_record_download(*, letter: DecisionLetter, by) -> DecisionLetter:
    """The first download by the recipient is the delivery receipt (§ 41(2a) VwVfG); later ones change nothing."""
    updated = DecisionLetter.objects.filter(pk=letter.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=timezone.now(), first_downloaded_by=by
    )
    if updated:
        letter.refresh_from_db()
    return letter
