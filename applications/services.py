"""Every state change of an application, its decision and its letter. Atomic, validated, no process engine."""

from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.deadlines import berlin_date, last_moment_of
from applications.errors import ApplicationError, NotAllowed, require_perm
from applications.formatting import format_money
from applications.models import (
    DISCRETIONARY_GROUNDS,
    EDITABLE_STATUSES,
    MEMO_CHECKS,
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    ApplicationVersion,
    Call,
    CostLine,
    Decision,
    DecisionGround,
    DecisionLetter,
    DecisionOutcome,
    DecisionStatus,
    Document,
    EarlyStartRequest,
    EventKind,
    ItemsRequest,
    ReasonGround,
    Review,
    ReviewAssignment,
    Score,
    ThirdPartyFunding,
)
from organisations.models import Organisation
from organisations.selectors import is_representative, organisations_for_user

MAX_DOCUMENTS = 20

DRAFT_FIELDS = (
    "title",
    "summary",
    "requested_amount",
    "period_start",
    "period_end",
    "aims",
    "target_group",
    "district",
    "volunteers",
    "works_with_minors",
    "contact_name",
    "contact_email",
    "contact_phone",
    "own_funds",
)


def may_be_withdrawn(application: Application) -> bool:
    """Before the decision, an application may be withdrawn (Rücknahme)."""
    return application.status in (ApplicationStatus.DRAFT, *OPEN_STATUSES)


def may_request_early_start(application: Application) -> bool:
    return may_be_withdrawn(application) and not application.early_start_requests.filter(granted__isnull=True).exists()


def event_record(application: Application, kind: str, by=None, note: str = "") -> ApplicationEvent:
    """Write one step of the application's history (shown to staff, and in part to the organisation)."""
    return ApplicationEvent.objects.create(application=application, kind=kind, actor=by, note=note)


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
    event_record(application, EventKind.CREATED, by)
    return application


@transaction.atomic
def application_update(*, application: Application, by, **fields) -> Application:
    """Save a draft; any member of the organisation may edit it. Drafts may be incomplete."""
    _require_member(by, application.organisation)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationError(_("This application has been submitted and can no longer be changed."))
    for name in DRAFT_FIELDS:
        if name in fields:
            setattr(application, name, fields[name])
    application.save()
    return application


def _editable_draft(application: Application, by) -> Application:
    _require_member(by, application.organisation)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationError(_("This application has been submitted and can no longer be changed."))
    return application


@transaction.atomic
def cost_plan_set(*, application: Application, by, lines: list[dict]) -> Application:
    """Replace the cost plan of a draft with these lines (category, description, quantity, unit_price)."""
    application = _editable_draft(application, by)
    application.cost_lines.all().delete()
    CostLine.objects.bulk_create(
        CostLine(
            application=application,
            category=line["category"],
            description=line["description"],
            quantity=line["quantity"],
            unit_price=line["unit_price"],
        )
        for line in lines
    )
    application.save(update_fields=["updated"])
    return application


@transaction.atomic
def financing_plan_set(
    *, application: Application, by, own_funds: Decimal, requested_amount: Decimal | None, third_party: list[dict]
) -> Application:
    """Set own funds, the requested grant and the third-party funds (funder, amount, status) of a draft."""
    application = _editable_draft(application, by)
    application.own_funds = own_funds or Decimal("0.00")
    application.requested_amount = requested_amount
    application.save(update_fields=["own_funds", "requested_amount", "updated"])
    application.third_party_funds.all().delete()
    ThirdPartyFunding.objects.bulk_create(
        ThirdPartyFunding(application=application, funder=row["funder"], amount=row["amount"], status=row["status"])
        for row in third_party
    )
    return application


@transaction.atomic
def document_add(*, application: Application, by, kind: str, upload) -> Document:
    """Store an uploaded document of a draft after checking its content; the file gets a random name."""
    from applications.uploads import check_upload, safe_display_name

    application = _editable_draft(application, by)
    if application.documents.count() >= MAX_DOCUMENTS:
        raise ApplicationError(
            _("An application can have at most %(count)s documents. Remove one first.") % {"count": MAX_DOCUMENTS},
            field="file",
        )
    content_type = check_upload(upload)
    document = Document(
        application=application,
        kind=kind,
        original_name=safe_display_name(upload.name or ""),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


@transaction.atomic
def document_remove(*, document: Document, by) -> None:
    _editable_draft(document.application, by)
    document.file.delete(save=False)
    document.delete()


def application_submission_problems(
    application: Application, *, resubmission: bool = False, at: datetime | None = None
) -> list[tuple[str | None, str]]:
    """What stops a submission at `at` (now): (field, message) pairs in the user's language; empty when it may go.

    The programme's eligibility rules run here again (they also power the public check), plus the checks that
    only a complete application can pass: a described project, a financing plan that adds up, an open call.
    """
    from applications.assessment import grant_calculation, unmet_rules

    problems: list[tuple[str | None, str]] = []
    if not application.title.strip():
        problems.append(("title", _("Enter a project title.")))
    if not application.summary.strip():
        problems.append(("summary", _("Describe the project in a few sentences.")))
    organisation = application.organisation
    if not (organisation.street.strip() and organisation.postcode.strip() and organisation.city.strip()):
        problems.append(
            (
                None,
                _(
                    "Enter your organisation's postal address (street and number, postcode, town) in the "
                    "organisation profile first: the decision letter is addressed there."
                ),
            )
        )
    # A resubmission is judged by the day of the first submission: starting since then is not "starting early".
    applied_on = timezone.localdate(application.submitted_at) if resubmission and application.submitted_at else None
    problems += [(unmet.field, f"{unmet.reason} {unmet.what_to_do}") for unmet in unmet_rules(application, applied_on)]
    calculation = grant_calculation(application)
    if calculation and calculation.surplus:
        problems.append(
            (
                "own_funds",
                _(
                    "Your financing plan covers %(surplus)s EUR more than the costs. Public funds may not "
                    "over-finance a project: lower the requested grant or the other funds."
                )
                % {"surplus": format_money(calculation.surplus)},
            )
        )
    if calculation and application.requested_amount and calculation.grant < application.requested_amount:
        problems.append(
            (
                "requested_amount",
                _("Your financing plan allows a grant of at most %(amount)s EUR: %(explanation)s")
                % {"amount": format_money(calculation.grant), "explanation": calculation.explanation},
            )
        )
    if not resubmission and not application.call.is_open(at):
        problems.append((None, call_closed_message(application.call)))
    return problems


@transaction.atomic
def application_submit(*, application: Application, by, delivery_consent: bool = False) -> Application:
    """Submit a complete draft. Only a representative of the organisation may sign it.

    With `delivery_consent` the representative consents to delivery of the decision by retrieval in the portal
    (§ 41(2a) VwVfG); without it the office sends the decision letter by post.
    """
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
    if delivery_consent:
        application.delivery_consent_at, application.delivery_consent_by = application.submitted_at, by
    application.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "delivery_consent_at",
            "delivery_consent_by",
            "updated",
        ]
    )
    version_record(application, by)
    event_record(application, EventKind.SUBMITTED, by)
    if delivery_consent:
        event_record(application, EventKind.DELIVERY_CONSENTED, by)
    return application


def application_snapshot(application: Application) -> dict:
    """The submitted content in plain values, labelled for people, so two versions can be compared."""
    fields = {
        str(Application._meta.get_field(name).verbose_name): _plain(getattr(application, name)) for name in DRAFT_FIELDS
    }
    for index, line in enumerate(application.cost_lines.all(), start=1):
        fields[_("Cost line %(number)s") % {"number": index}] = (
            f"{line.get_category_display()}: {line.description}, {line.quantity} × {line.unit_price} = {line.amount}"
        )
    for index, funds in enumerate(application.third_party_funds.all(), start=1):
        fields[_("Third-party funds %(number)s") % {"number": index}] = (
            f"{funds.funder}: {funds.amount} ({funds.get_status_display()})"
        )
    for document in application.documents.all():
        fields[_("Document: %(kind)s") % {"kind": document.get_kind_display()}] = document.original_name
    return fields


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def version_record(application: Application, by) -> ApplicationVersion:
    latest = application.versions.order_by("-number").first()
    return ApplicationVersion.objects.create(
        application=application,
        number=(latest.number + 1) if latest else 1,
        submitted_by=by,
        snapshot=application_snapshot(application),
    )


def version_changes(application: Application) -> list[dict]:
    """What changed between the last two submitted versions: label, before, after."""
    versions = list(application.versions.order_by("-number")[:2])
    if len(versions) < 2:
        return []
    new, old = versions[0].snapshot, versions[1].snapshot
    return [
        {"label": label, "before": old.get(label, ""), "after": new.get(label, "")}
        for label in dict.fromkeys([*old, *new])
        if old.get(label, "") != new.get(label, "")
    ]


def _require_reviewer_for(application: Application, reviewer, *, field: str) -> None:
    from applications.selectors import staff_working_on

    if not reviewer.has_perm("applications.review_application"):
        raise ApplicationError(_("%(name)s is not a reviewer.") % {"name": reviewer}, field=field)
    if not staff_working_on(application.call.programme_id).filter(pk=reviewer.pk).exists():
        raise ApplicationError(_("%(name)s is not in the team of this programme.") % {"name": reviewer}, field=field)


def _open_application(application: Application, *statuses) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in statuses:
        raise ApplicationError(_("This step is no longer possible: the application has moved on."))
    return application


def call_closed_message(call: Call) -> str:
    return _(
        "This call has ended: applications were accepted until and including %(date)s. Your draft is kept, but "
        "it can no longer be submitted."
    ) % {"date": formats_date(call.last_day)}


def items_answer_refusal(request: ItemsRequest | None, *, at: datetime | None = None) -> str | None:
    """Why an answer to the request can no longer be sent at `at` (now): its deadline day has ended."""
    if request is None or request.answered_at is not None or not request.deadline_passed(at):
        return None
    return _(
        "The deadline for your answer ended on %(date)s. The office now decides how to continue. If you need more "
        "time, please contact the office."
    ) % {"date": formats_date(berlin_date(request.deadline))}


@transaction.atomic
def completeness_confirm(*, application: Application, by) -> Application:
    """The clerk finds the application complete; it goes on to the content review."""
    require_perm(by, "applications.check_application", _("You may not check applications."))
    application = _open_application(application, ApplicationStatus.SUBMITTED)
    application.status = ApplicationStatus.IN_REVIEW
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.COMPLETENESS_CONFIRMED, by)
    return application


@transaction.atomic
def items_request(*, application: Application, by, message: str, deadline: date) -> ItemsRequest:
    """Nachforderung: ask the organisation for missing items, to be answered by the end of `deadline` (Berlin).

    The request stores the last moment of that day (applications.deadlines.last_moment_of) and refuses later answers.
    """
    require_perm(by, "applications.check_application", _("You may not check applications."))
    if not message.strip():
        raise ApplicationError(_("Say what is missing; the organisation reads this."), field="message")
    if deadline <= timezone.localdate():
        raise ApplicationError(_("The deadline must be in the future."), field="deadline")
    application = _open_application(application, ApplicationStatus.SUBMITTED)
    request = ItemsRequest.objects.create(
        application=application, message=message, deadline=last_moment_of(deadline), requested_by=by
    )
    application.status = ApplicationStatus.ITEMS_REQUESTED
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.ITEMS_REQUESTED, by, message)
    return request


@transaction.atomic
def items_answer(*, application: Application, by, answer: str, at: datetime | None = None) -> Application:
    """The organisation answers the request and resubmits; the same rules as at submission run again.

    An answer after the deadline day (Berlin) is refused, whether or not the process timer has fired yet.
    """
    application = (
        Application.objects.select_for_update().select_related("organisation", "call__programme").get(pk=application.pk)
    )
    _require_member(by, application.organisation)
    if not is_representative(by, application.organisation):
        raise NotAllowed(_("Only a representative of the organisation may send the application again."))
    if application.status != ApplicationStatus.ITEMS_REQUESTED:
        raise ApplicationError(_("Nothing has been requested for this application."))
    at = at or timezone.now()
    request = application.items_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    refusal = items_answer_refusal(request, at=at)
    if refusal:
        raise ApplicationError(refusal)
    problems = application_submission_problems(application, resubmission=True, at=at)
    if problems:
        raise ApplicationError(problems[0][1], field=problems[0][0])
    if request is not None:
        request.answer, request.answered_by, request.answered_at = answer, by, at
        request.save(update_fields=["answer", "answered_by", "answered_at"])
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status", "updated"])
    version_record(application, by)
    event_record(application, EventKind.ITEMS_SUBMITTED, by, answer)
    return application


@transaction.atomic
def items_deadline_extend(*, application: Application, by, deadline: date) -> ItemsRequest:
    require_perm(by, "applications.check_application", _("You may not check applications."))
    if deadline <= timezone.localdate():
        raise ApplicationError(_("The deadline must be in the future."), field="deadline")
    application = _open_application(application, ApplicationStatus.ITEMS_REQUESTED)
    request = application.items_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    if request is None:
        raise ApplicationError(_("Nothing has been requested for this application."))
    request.deadline = last_moment_of(deadline)
    request.save(update_fields=["deadline"])
    event_record(application, EventKind.DEADLINE_EXTENDED, by, formats_date(deadline))
    return request


@transaction.atomic
def items_request_lapse(*, application: Application, by) -> Application:
    """The deadline passed without an answer and the clerk does not extend it: a decision is prepared instead."""
    require_perm(by, "applications.check_application", _("You may not check applications."))
    application = _open_application(application, ApplicationStatus.ITEMS_REQUESTED)
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.DEADLINE_MISSED, by)
    return application


def formats_date(day: date) -> str:
    from django.utils import formats

    return formats.date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def reviewers_assign(*, application: Application, by, reviewers: list) -> list[ReviewAssignment]:
    """A programme administrator names the reviewer(s): as many as the programme asks for, all different."""
    require_perm(by, "applications.assign_reviewers", _("You may not assign reviewers."))
    application = _open_application(application, ApplicationStatus.IN_REVIEW)
    needed = application.call.programme.reviewers_required
    if len(reviewers) != needed or len({r.pk for r in reviewers}) != needed:
        raise ApplicationError(_("Choose %(count)s different reviewers.") % {"count": needed}, field="reviewers")
    for reviewer in reviewers:
        _require_reviewer_for(application, reviewer, field="reviewers")
    application.review_assignments.filter(active=True).update(active=False)
    assignments = [
        ReviewAssignment.objects.create(application=application, slot=slot, reviewer=reviewer, assigned_by=by)
        for slot, reviewer in enumerate(reviewers, start=1)
    ]
    event_record(application, EventKind.REVIEWERS_ASSIGNED, by, ", ".join(str(r) for r in reviewers))
    return assignments


@transaction.atomic
def reviewer_reassign(*, application: Application, slot: int, by, reviewer) -> ReviewAssignment:
    """After a declared conflict: another reviewer takes the slot."""
    require_perm(by, "applications.assign_reviewers", _("You may not assign reviewers."))
    application = _open_application(application, ApplicationStatus.IN_REVIEW)
    _require_reviewer_for(application, reviewer, field="reviewer")
    earlier = ReviewAssignment.objects.filter(application=application, slot=slot)
    if earlier.filter(reviewer=reviewer).exists():
        raise ApplicationError(_("This reviewer already had this review."), field="reviewer")
    other_slots = application.review_assignments.filter(active=True).exclude(slot=slot)
    if other_slots.filter(reviewer=reviewer).exists():
        raise ApplicationError(_("This reviewer already reviews this application."), field="reviewer")
    earlier.filter(active=True).update(active=False)
    assignment = ReviewAssignment.objects.create(application=application, slot=slot, reviewer=reviewer, assigned_by=by)
    event_record(application, EventKind.REVIEWERS_ASSIGNED, by, str(reviewer))
    return assignment


@transaction.atomic
def review_declare(*, assignment: ReviewAssignment, by, conflict: bool, note: str = "") -> Review:
    """Before seeing the application, the reviewer declares whether they have a conflict of interest."""
    if assignment.reviewer_id != by.pk or not assignment.active:
        raise NotAllowed(_("This review is not assigned to you."))
    if conflict and not note.strip():
        raise ApplicationError(_("Say briefly what the conflict is."), field="conflict_note")
    review, created = Review.objects.get_or_create(
        assignment=assignment, defaults={"conflict_of_interest": conflict, "conflict_note": note}
    )
    if not created:
        raise ApplicationError(_("You have already made this declaration."))
    if conflict:
        event_record(assignment.application, EventKind.CONFLICT_DECLARED, by, note)
    return review


@transaction.atomic
def review_submit(
    *,
    review: Review,
    by,
    scores: dict[int, tuple[int, str]],
    memo: str,
    double_funding: bool,
    double_funding_note: str,
    own_funds_counted: bool,
) -> Review:
    """The reviewer's Prüfvermerk: a score 0–5 per criterion, the memo and the double-funding question."""
    assignment = review.assignment
    if assignment.reviewer_id != by.pk:
        raise NotAllowed(_("This review is not assigned to you."))
    if review.conflict_of_interest:
        raise NotAllowed(_("You declared a conflict of interest for this application."))
    if review.submitted_at:
        raise ApplicationError(_("This review has already been submitted."))
    criteria = {c.pk for c in assignment.application.call.programme.criteria.all()}
    if set(scores) != criteria:
        raise ApplicationError(_("Score every criterion."))
    if double_funding and not double_funding_note.strip():
        raise ApplicationError(_("Describe the signs of double funding."), field="double_funding_note")
    Score.objects.bulk_create(
        Score(review=review, criterion_id=pk, score=score, comment=comment) for pk, (score, comment) in scores.items()
    )
    review.memo = memo
    review.double_funding = double_funding
    review.double_funding_note = double_funding_note
    review.own_funds_counted = own_funds_counted
    review.submitted_at = timezone.now()
    review.save()
    event_record(assignment.application, EventKind.REVIEW_SUBMITTED, by)
    return review


@transaction.atomic
def decision_propose(
    *,
    application: Application,
    by,
    outcome: str,
    amount: Decimal | None = None,
    reasons: str = "",
    weighing: str = "",
    grounds: list[str] | tuple[str, ...] = (),
    eligible_costs: Decimal | None = None,
    gap_closure: str = "",
    checks: dict[str, bool] | None = None,
    memo: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    conditions: str = "",
) -> Decision:
    """A clerk proposes to approve (with an amount) or to reject, with the reasons and the review memo.

    An approval must keep the whole financing secured (VV Nr. 1.2 zu § 44 LHO) without over-financing, stay within
    the call's budget (the amount is reserved until approval or send-back), and record the memo's checks. A grant
    below the request is a partial rejection and, like a rejection, needs its grounds and reasons (§ 39 VwVfG).
    """
    from applications.assessment import plan_figures
    from applications.budget import budget_require

    if not by.has_perm("applications.check_application"):
        raise NotAllowed(_("You may not propose decisions."))
    application = Application.objects.select_for_update().select_related("call__programme").get(pk=application.pk)
    if application.status not in OPEN_STATUSES:
        raise ApplicationError(_("A decision can only be proposed for a submitted application."))
    latest = application.decisions.order_by("-version").first()
    if latest and latest.status == DecisionStatus.PROPOSED:
        raise ApplicationError(_("A proposal is already waiting for approval."))
    approving = outcome == DecisionOutcome.APPROVE
    figures = plan_figures(application)
    checks = checks or {}
    grounds = list(dict.fromkeys(grounds))
    if approving:
        if not Review.objects.filter(assignment__application=application, submitted_at__isnull=False).exists():
            raise ApplicationError(_("An approval needs the content review first; only a rejection is possible."))
        amount, eligible_costs = _approval_amounts(application, amount, eligible_costs, figures)
        gap = eligible_costs - figures["own_funds"] - figures["third_party_funds"] - amount
        if gap > 0 and not gap_closure.strip():
            raise ApplicationError(
                _(
                    "Own funds, third-party funds and this grant leave %(gap)s EUR of the eligible costs unfunded. "
                    "Reduce the eligible costs or say how the rest is secured (VV Nr. 1.2 zu § 44 LHO)."
                )
                % {"gap": format_money(gap)},
                field="gap_closure",
            )
        for name, _label in MEMO_CHECKS:
            if not checks.get(name):
                raise ApplicationError(_("Confirm this check, or propose a rejection."), field=name)
    partial = approving and figures["requested_amount"] is not None and amount < figures["requested_amount"]
    if not approving or partial:
        _require_reasons(grounds, reasons, weighing, partial=partial)
    period_start = (period_start or application.period_start) if approving else None
    period_end = (period_end or application.period_end) if approving else None
    if approving and (period_start is None or period_end is None):
        raise ApplicationError(_("Enter the approval period."), field="period_start")
    if approving and period_end < period_start:
        raise ApplicationError(_("The approval period cannot end before it starts."), field="period_end")
    if approving:
        budget_require(call=application.call, amount=amount)
    decision = Decision.objects.create(
        application=application,
        version=(latest.version + 1) if latest else 1,
        outcome=outcome,
        amount=amount if approving else None,
        reasons=reasons,
        weighing=weighing,
        requested_amount=figures["requested_amount"],
        eligible_costs=eligible_costs if approving else figures["costs"],
        own_funds=figures["own_funds"],
        third_party_funds=figures["third_party_funds"],
        gap_closure=gap_closure if approving else "",
        memo=memo,
        period_start=period_start,
        period_end=period_end,
        conditions=conditions if approving else "",
        proposed_by=by,
        **{name: bool(checks.get(name)) for name, _label in MEMO_CHECKS},
    )
    DecisionGround.objects.bulk_create(DecisionGround(decision=decision, ground=ground) for ground in grounds)
    application.status = ApplicationStatus.DECISION_PROPOSED
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.DECISION_PROPOSED, by, decision.get_outcome_display())
    return decision


def _approval_amounts(
    application: Application, amount: Decimal | None, eligible_costs: Decimal | None, figures: dict
) -> tuple[Decimal, Decimal]:
    from applications.assessment import grant_limit_for

    if not amount:
        raise ApplicationError(_("Enter the amount to grant."), field="amount")
    if eligible_costs is None:
        eligible_costs = figures["costs"]
    if eligible_costs <= 0:
        raise ApplicationError(_("The eligible costs must be more than zero."), field="eligible_costs")
    if eligible_costs > figures["costs"]:
        raise ApplicationError(
            _("The eligible costs cannot be more than the costs in the plan (%(costs)s EUR).")
            % {"costs": format_money(figures["costs"])},
            field="eligible_costs",
        )
    limit = grant_limit_for(application, eligible_costs)
    if amount > limit:
        raise ApplicationError(
            _(
                "At most %(limit)s EUR can be granted: the programme maximum, the request, the financing method "
                "and the eligible costs left after own and third-party funds (no over-financing)."
            )
            % {"limit": format_money(limit)},
            field="amount",
        )
    return amount, eligible_costs


def _require_reasons(grounds: list[str], reasons: str, weighing: str, *, partial: bool) -> None:
    """A rejection, or the rejected part of a partial grant, states its grounds, facts and weighing (§ 39 VwVfG)."""
    unknown = set(grounds) - set(ReasonGround.values)
    if unknown:
        raise ApplicationError(_("Choose the grounds from the list."), field="grounds")
    if not grounds:
        message = (
            _("The grant is below the request, so the rest is rejected: choose the grounds.")
            if partial
            else _("Choose the grounds of the rejection.")
        )
        raise ApplicationError(message, field="grounds")
    if not reasons.strip():
        message = (
            _("Describe the facts why less than requested is granted; the organisation reads this.")
            if partial
            else _("A rejection must state its reasons.")
        )
        raise ApplicationError(message, field="reasons")
    if DISCRETIONARY_GROUNDS.intersection(grounds) and not weighing.strip():
        raise ApplicationError(
            _("These grounds are a matter of discretion: explain how you weighed the interests."), field="weighing"
        )


def grant_limit(application: Application) -> Decimal:
    """The most that may be granted on the plan's own costs (see `grant_limit_for`)."""
    from applications.assessment import cost_total, grant_limit_for

    return grant_limit_for(application, cost_total(application) or Decimal("0.00"))


def _pending_decision(decision: Decision, by) -> Decision:
    if not by.has_perm("applications.approve_decision"):
        raise NotAllowed(_("You may not approve decisions."))
    decision = (
        Decision.objects.select_for_update()
        .select_related("application__call__programme__authority")
        .get(pk=decision.pk)
    )
    if decision.proposed_by_id == by.pk:
        raise NotAllowed(_("You proposed this decision, so a second person must approve it."))
    if decision.status != DecisionStatus.PROPOSED:
        raise ApplicationError(_("This decision has already been dealt with."))
    return decision


@transaction.atomic
def decision_approve(*, decision: Decision, by, comment: str = "") -> Decision:
    """A second person with the approver role signs the proposal (four eyes).

    A grant commits its amount against the call's budget (counted again under the call's lock, so concurrent
    approvals cannot exceed it) and fixes the ANBest-P version in force, which the letter annexes.
    """
    from applications.budget import budget_require

    decision = _pending_decision(decision, by)
    if decision.outcome == DecisionOutcome.APPROVE:
        call = decision.application.call
        budget_require(call=call, amount=decision.amount, excluding=decision, approving=True)
        decision.anbest = call.programme.authority.current_anbest(timezone.localdate())
        if decision.anbest is None:
            raise ApplicationError(
                _(
                    "The issuing authority has no ANBest-P version in force. An administrator must add it before a "
                    "grant can be approved."
                )
            )
    decision.status = DecisionStatus.APPROVED
    decision.approved_by = by
    decision.approved_at = timezone.now()
    decision.approver_comment = comment
    decision.save(update_fields=["status", "approved_by", "approved_at", "approver_comment", "anbest"])
    application = decision.application
    application.status = (
        ApplicationStatus.APPROVED if decision.outcome == DecisionOutcome.APPROVE else ApplicationStatus.REJECTED
    )
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.DECISION_APPROVED, by, comment)
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
    application.status = ApplicationStatus.IN_REVIEW
    application.save(update_fields=["status", "updated"])
    event_record(application, EventKind.DECISION_SENT_BACK, by, comment)
    return decision


def decision_letter_path(decision: Decision) -> str:
    """The one storage path of a decision version's letter: a retry or a second worker writes the same file."""
    return f"letters/{decision.application_id}/bescheid-{decision.application.reference}-v{decision.version}.pdf"


def decision_letter_create(*, decision: Decision) -> DecisionLetter:
    """Render and store the letter for an approved decision, once: a repeated call returns the stored letter.

    The file is stored under its deterministic path before the row is written. If the database fails in between,
    the retry overwrites the same file instead of leaving a second one; `letter_files_without_rows` reports any
    file that never got its row.
    """
    from applications.letters import render_decision_letter

    existing = DecisionLetter.objects.filter(decision=decision).first()
    if existing:
        return existing
    if decision.status != DecisionStatus.APPROVED:
        raise ApplicationError(_("Only an approved decision gets a letter."))
    pdf = render_decision_letter(decision)
    letter = DecisionLetter(decision=decision)
    path = decision_letter_path(decision)
    storage = letter.file.storage
    if storage.exists(path):
        storage.delete(path)  # left by an attempt that failed before its row was written, or a parallel one
    stored = storage.save(path, ContentFile(pdf))
    if stored != path:
        # A parallel attempt (a retry and the stalled-step sweep's copy of the task) stored the same version in
        # between, so the storage chose another name: keep the one path, leave no second file behind.
        storage.delete(stored)
    letter.file.name = path
    try:
        with transaction.atomic():
            letter.save()
            event_record(decision.application, EventKind.LETTER_ISSUED)
    except IntegrityError:
        # Another worker stored the letter for this version first; its row names the same file.
        return DecisionLetter.objects.get(decision=decision)
    return letter


def letter_files_without_rows() -> list[str]:
    """Stored letter files that no letter row names (a failure between storing and recording, or a leftover)."""
    storage = DecisionLetter._meta.get_field("file").storage
    known = set(DecisionLetter.objects.values_list("file", flat=True))
    try:
        folders, _files = storage.listdir("letters")
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for folder in folders:
        _sub, files = storage.listdir(f"letters/{folder}")
        found += [f"letters/{folder}/{name}" for name in files]
    return sorted(path for path in found if path not in known)


@transaction.atomic
def decision_letter_record_download(*, letter: DecisionLetter, by) -> DecisionLetter:
    """The first download by the recipient is the delivery receipt (§ 41(2a) VwVfG); later ones change nothing."""
    updated = DecisionLetter.objects.filter(pk=letter.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=timezone.now(), first_downloaded_by=by
    )
    if updated:
        letter.refresh_from_db()
        event_record(letter.decision.application, EventKind.LETTER_DOWNLOADED, by)
    return letter


def _lapse_pending_decision(application: Application) -> None:
    """A procedure that ends before approval releases the budget its proposal reserved."""
    application.decisions.filter(status=DecisionStatus.PROPOSED).update(status=DecisionStatus.LAPSED)


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    """Rücknahme: a representative withdraws the application at any step before the decision."""
    application = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
    _require_member(by, application.organisation)
    if not is_representative(by, application.organisation):
        raise NotAllowed(_("Only a representative of the organisation may withdraw the application."))
    if not may_be_withdrawn(application):
        raise ApplicationError(_("The office has already decided on this application; it can no longer be withdrawn."))
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated"])
    _lapse_pending_decision(application)
    event_record(application, EventKind.WITHDRAWN, by, reason)
    return application


@transaction.atomic
def application_cancel(*, application: Application, by, reason: str) -> Application:
    """A programme administrator ends the procedure before a decision, with a reason the organisation reads."""
    if not by.has_perm("applications.cancel_application"):
        raise NotAllowed(_("You may not cancel procedures."))
    if not reason.strip():
        raise ApplicationError(_("Give the reason; the organisation will read it."), field="reason")
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in OPEN_STATUSES:
        raise ApplicationError(_("Only a procedure that is still running can be cancelled."))
    application.status = ApplicationStatus.CANCELLED
    application.save(update_fields=["status", "updated"])
    _lapse_pending_decision(application)
    event_record(application, EventKind.CANCELLED, by, reason)
    return application


@transaction.atomic
def early_start_request(*, application: Application, by, reason: str) -> EarlyStartRequest:
    """A member asks to start the project before the decision (vorzeitiger Maßnahmebeginn)."""
    _require_member(by, application.organisation)
    if not reason.strip():
        raise ApplicationError(_("Say why the project has to start before the decision."), field="reason")
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not may_be_withdrawn(application):
        raise ApplicationError(_("An early start can only be requested before the decision."))
    if application.early_start_requests.filter(granted__isnull=True).exists():
        raise ApplicationError(_("A request for an early start is already waiting for the office."))
    request = EarlyStartRequest.objects.create(application=application, reason=reason, requested_by=by)
    event_record(application, EventKind.EARLY_START_REQUESTED, by, reason)
    return request


@transaction.atomic
def early_start_decide(*, request: EarlyStartRequest, by, granted: bool, note: str = "") -> EarlyStartRequest:
    require_perm(by, "applications.check_application", _("You may not decide on early starts."))
    if not granted and not note.strip():
        raise ApplicationError(_("Give the reason for the refusal; the organisation reads it."), field="note")
    request = EarlyStartRequest.objects.select_for_update().get(pk=request.pk)
    if request.granted is not None:
        raise ApplicationError(_("This request has already been decided."))
    request.granted, request.decided_by, request.decided_at, request.note = granted, by, timezone.now(), note
    request.save(update_fields=["granted", "decided_by", "decided_at", "note"])
    event_record(request.application, EventKind.EARLY_START_DECIDED, by, _("granted") if granted else _("refused"))
    return request
