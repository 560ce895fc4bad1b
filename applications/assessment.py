"""Apply the programme's rules to an application: eligibility (what is unmet) and the grant its plan allows.

Translates between the database and the pure rule modules `eligibility` and `financing`.
"""

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from applications import eligibility, financing
from applications.models import Application, Call, FinancingMethod, Programme
from organisations.models import LegalForm

ZERO = Decimal("0.00")


def programme_rules(programme: Programme, call: Call | None = None) -> eligibility.ProgrammeRules:
    allowed = set(programme.allowed_legal_forms or [])
    if not programme.informal_initiatives_may_apply:
        allowed = (allowed or set(LegalForm.values)) - {LegalForm.INFORMAL_INITIATIVE}
    documents: dict[str, set[str]] = {}
    for requirement in programme.required_documents.all():
        documents.setdefault(requirement.legal_form or "*", set()).add(requirement.kind)
    return eligibility.ProgrammeRules(
        min_amount=programme.min_amount,
        max_amount=programme.max_amount,
        allowed_legal_forms=frozenset(allowed),
        seat_scope=programme.seat_scope,
        own_share_percent=programme.own_share_percent,
        required_documents={form: frozenset(kinds) for form, kinds in documents.items()},
        police_certificate_for_minors=programme.police_certificate_for_minors,
        project_period_start=call.project_period_start if call else None,
        project_period_end=call.project_period_end if call else None,
    )


def required_documents_for(rules: eligibility.ProgrammeRules, legal_form: str, works_with_minors: bool | None) -> list:
    """The documents an applicant of this legal form will have to upload, with their names."""
    from applications.models import DocumentKind

    kinds = set(rules.required_documents.get(legal_form, frozenset())) | set(
        rules.required_documents.get("*", frozenset())
    )
    if works_with_minors and rules.police_certificate_for_minors:
        kinds.add(DocumentKind.POLICE_CERTIFICATE)
    return [label for value, label in DocumentKind.choices if value in kinds]


def cost_total(application: Application) -> Decimal | None:
    """Sum of the cost plan in SQL; None while the plan has no line."""
    line_amount = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    total = application.cost_lines.aggregate(total=Sum(line_amount))["total"]
    return None if total is None else Decimal(total).quantize(Decimal("0.01"))


def third_party_total(application: Application) -> Decimal:
    return application.third_party_funds.aggregate(total=Sum("amount"))["total"] or ZERO


def application_facts(application: Application, applied_on: date | None = None) -> eligibility.Facts:
    organisation = application.organisation
    return eligibility.Facts(
        applied_on=applied_on or timezone.localdate(),
        legal_form=organisation.legal_form,
        seat=organisation.seat,
        requested_amount=application.requested_amount,
        total_costs=cost_total(application),
        own_funds=application.own_funds,
        period_start=application.period_start,
        period_end=application.period_end,
        works_with_minors=application.works_with_minors,
        early_start_granted=application.early_start_requests.filter(granted=True).exists(),
        documents=frozenset(application.documents.values_list("kind", flat=True)),
        has_overdue_proof_of_use=False,  # no proofs of use are tracked yet
    )


def unmet_rules(application: Application, applied_on: date | None = None) -> list[eligibility.Unmet]:
    rules = programme_rules(application.call.programme, application.call)
    return eligibility.check(rules, application_facts(application, applied_on), complete=True)


def financing_terms(programme: Programme) -> financing.FinancingTerms:
    return financing.FinancingTerms(
        method=programme.financing_method,
        max_amount=programme.max_amount,
        share_percent=programme.share_percent,
        fixed_amount=programme.fixed_amount,
    )


def grant_calculation(application: Application) -> financing.GrantCalculation | None:
    """The grant the programme's financing method allows for this plan; None until there are costs."""
    costs = cost_total(application)
    if costs is None:
        return None
    plan = financing.FinancingPlan(
        eligible_costs=costs,
        own_funds=application.own_funds,
        third_party_funds=third_party_total(application),
        requested=application.requested_amount,
    )
    try:
        return financing.compute_grant(financing_terms(application.call.programme), plan)
    except financing.FinancingError:
        return None  # a programme configured without its method's parameter; the admin form prevents it


def method_needs(programme: Programme) -> str | None:
    """Which programme field the financing method needs, for the admin's validation."""
    if programme.financing_method == FinancingMethod.PARTIAL and not programme.share_percent:
        return "share_percent"
    if programme.financing_method == FinancingMethod.FIXED and not programme.fixed_amount:
        return "fixed_amount"
    return None


def review_summary(application: Application) -> dict:
    """The submitted reviews with their weighted score, and per criterion the average and the spread."""
    from statistics import mean

    from applications.models import Review

    reviews = list(
        Review.objects.filter(assignment__application=application, submitted_at__isnull=False)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
    )
    criteria = list(application.call.programme.criteria.all())
    rows = []
    for criterion in criteria:
        values = [s.score for r in reviews for s in r.scores.all() if s.criterion_id == criterion.pk]
        rows.append(
            {
                "criterion": criterion,
                "average": round(mean(values), 1) if values else None,
                "spread": (max(values) - min(values)) if values else None,
            }
        )
    weight_total = sum(c.weight for c in criteria) or 1
    for review in reviews:
        by_criterion = {s.criterion_id: s.score for s in review.scores.all()}
        review.weighted = round(sum(c.weight * by_criterion.get(c.pk, 0) for c in criteria) / weight_total, 2)
    return {"reviews": reviews, "criteria": rows}


def plan_figures(application: Application) -> dict:
    """The financing plan as the organisation submitted it: costs, own funds, third-party funds, the request."""
    return {
        "costs": cost_total(application) or ZERO,
        "own_funds": application.own_funds or ZERO,
        "third_party_funds": third_party_total(application),
        "requested_amount": application.requested_amount,
    }


def grant_limit_for(application: Application, eligible_costs: Decimal) -> Decimal:
    """The most that may be granted on these eligible costs: the programme maximum, the request, what the financing
    method allows, and never more than the costs left after own and third-party funds (no over-financing)."""
    figures = plan_figures(application)
    programme = application.call.programme
    limits = [programme.max_amount, max(eligible_costs - figures["own_funds"] - figures["third_party_funds"], ZERO)]
    if figures["requested_amount"]:
        limits.append(figures["requested_amount"])
    plan = financing.FinancingPlan(
        eligible_costs=eligible_costs,
        own_funds=figures["own_funds"],
        third_party_funds=figures["third_party_funds"],
        requested=figures["requested_amount"],
    )
    try:
        limits.append(financing.compute_grant(financing_terms(programme), plan).by_method)
    except financing.FinancingError:
        pass
    return min(limits)
