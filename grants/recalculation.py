"""Recalculation of the grant on the actual figures at the proof of use (VV Nr. 11 zu § 44 LHO; ANBest-P Nr. 1.2
and 2).

Given what was approved (terms, grant, plan lines) and what the proof of use shows (actual costs per line, actual
own and third-party funds) and what was paid out, `recalculate_grant` works out the grant the financing method
allows on the actual figures, the balance against the payments, plain-language sentences for the letter and the
staff page, and the rows of a planned-versus-actual table. Pure Python, no database; the method itself is
`applications.financing.compute_grant`. Conventions and sources: docs/money-rules.md.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

from applications.financing import (
    ANTEIL,
    VOLL,
    FinancingError,
    FinancingPlan,
    FinancingTerms,
    compute_grant,
)
from applications.formatting import format_money

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
TOLERANCE = Decimal("1.2")  # ANBest-P Nr. 1.2: a single line may exceed its estimate by up to 20 %

CONFIRMED = "confirmed"
STILL_PAYABLE = "still_payable"
TO_RECLAIM = "to_reclaim"


class RecalculationError(ValueError):
    """The approved or actual figures cannot be used for a recalculation."""


@dataclass(frozen=True)
class PlanLine:
    """One approved cost line (Einzelansatz). `ceiling`: a higher limit allowed by an approved change; without
    it the line counts up to planned × 1.2."""

    key: str
    label: str
    planned: Decimal
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class LineComparison:
    """One row of the planned-versus-actual table."""

    key: str
    label: str
    planned: Decimal
    actual: Decimal
    deviation: Decimal  # actual - planned
    deviation_percent: Decimal | None  # to one decimal, half up; None when nothing was planned
    limit: Decimal  # the most this line can count
    beyond_tolerance: bool  # the overspend exceeds what the line may take
    counted: Decimal  # min(actual, limit)


@dataclass(frozen=True)
class Recalculation:
    grant: Decimal  # the grant on the actual figures, 0 <= grant <= approved grant
    approved_grant: Decimal
    paid: Decimal
    status: str  # "confirmed" | "still_payable" | "to_reclaim"
    balance: Decimal  # what is still payable or to reclaim; 0 when confirmed
    approved_costs: Decimal  # the approved total eligible costs (sum of the plan lines)
    actual_costs: Decimal  # the sum of actual costs as stated
    eligible_costs: Decimal  # what counts: lines within their limits, at most the approved total
    lines: tuple[LineComparison, ...]
    explanation: tuple[str, ...]  # plain-language sentences, in the active language

    @property
    def to_reclaim(self) -> Decimal:
        return self.balance if self.status == TO_RECLAIM else ZERO

    @property
    def still_payable(self) -> Decimal:
        return self.balance if self.status == STILL_PAYABLE else ZERO


def recalculate_grant(
    *,
    terms: FinancingTerms,
    approved_grant: Decimal,
    plan_lines: Sequence[PlanLine],
    actual_costs: Mapping[str, Decimal],
    actual_own_funds: Decimal,
    actual_third_party_funds: Decimal,
    paid: Decimal,
) -> Recalculation:
    """The grant on the actual figures; raises RecalculationError for unusable input."""
    approved_grant = _money(approved_grant, _("Approved grant"))
    own = _money(actual_own_funds, _("Own funds"))
    third = _money(actual_third_party_funds, _("Third-party funds"))
    paid = _money(paid, _("Paid so far"))
    lines = _compare_lines(plan_lines, actual_costs)
    sentences = [_line_sentence(line) for line in lines if line.beyond_tolerance]

    approved_costs = sum((line.planned for line in lines), ZERO)
    actual_total = sum((line.actual for line in lines), ZERO)
    counted = sum((line.counted for line in lines), ZERO)
    eligible = min(counted, approved_costs)
    if counted > approved_costs:
        sentences.append(
            _(
                "The costs that count (%(counted)s EUR) exceed the approved total of %(approved)s EUR; only the "
                "approved total counts, because the financing plan is binding as a whole."
            )
            % {"counted": format_money(counted), "approved": format_money(approved_costs)}
        )

    grant, method_sentences = _grant_by_method(terms, eligible, own, third)
    sentences.extend(method_sentences)
    if grant > approved_grant:
        grant = approved_grant
        sentences.append(
            _("The grant cannot exceed the approved grant of %(amount)s EUR.") % {"amount": format_money(grant)}
        )

    if paid == grant:
        status, balance = CONFIRMED, ZERO
        sentences.append(_("The grant of %(grant)s EUR is confirmed.") % {"grant": format_money(grant)})
    elif paid < grant:
        status, balance = STILL_PAYABLE, grant - paid
        sentences.append(
            _("%(paid)s EUR has been paid; %(balance)s EUR of the grant of %(grant)s EUR is still payable.")
            % {"paid": format_money(paid), "balance": format_money(balance), "grant": format_money(grant)}
        )
    else:
        status, balance = TO_RECLAIM, paid - grant
        sentences.append(
            _("%(paid)s EUR has been paid, but the grant is only %(grant)s EUR; %(balance)s EUR is to be repaid.")
            % {"paid": format_money(paid), "balance": format_money(balance), "grant": format_money(grant)}
        )
    return Recalculation(
        grant=grant,
        approved_grant=approved_grant,
        paid=paid,
        status=status,
        balance=balance,
        approved_costs=approved_costs,
        actual_costs=actual_total,
        eligible_costs=eligible,
        lines=lines,
        explanation=tuple(sentences),
    )


def _compare_lines(plan_lines: Sequence[PlanLine], actual_costs: Mapping[str, Decimal]) -> tuple[LineComparison, ...]:
    keys = [line.key for line in plan_lines]
    if len(set(keys)) != len(keys):
        raise RecalculationError(_("Each cost line of the plan must have its own key."))
    unknown = sorted(set(actual_costs) - set(keys))
    if unknown:
        raise RecalculationError(
            _("Actual costs were given for cost lines that are not in the plan: %(keys)s.")
            % {"keys": ", ".join(unknown)}
        )
    rows = []
    for line in plan_lines:
        planned = _money(line.planned, line.label)
        actual = _money(actual_costs.get(line.key, ZERO), line.label)
        if line.ceiling is None:
            limit = (planned * TOLERANCE).quantize(CENT, rounding=ROUND_DOWN)
        else:
            limit = _money(line.ceiling, line.label)
            if limit < planned:
                raise RecalculationError(
                    _("%(label)s: the approved ceiling must not be below the planned amount.") % {"label": line.label}
                )
        deviation = actual - planned
        percent = None
        if planned:
            percent = (deviation * HUNDRED / planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append(
            LineComparison(
                key=line.key,
                label=line.label,
                planned=planned,
                actual=actual,
                deviation=deviation,
                deviation_percent=percent,
                limit=limit,
                beyond_tolerance=actual > limit,
                counted=min(actual, limit),
            )
        )
    return tuple(rows)


def _line_sentence(line: LineComparison) -> str:
    return _(
        "%(label)s: the actual costs of %(actual)s EUR exceed the planned %(planned)s EUR by more than the line "
        "may; only %(limit)s EUR count."
    ) % {
        "label": line.label,
        "actual": format_money(line.actual),
        "planned": format_money(line.planned),
        "limit": format_money(line.limit),
    }


def _grant_by_method(terms: FinancingTerms, costs: Decimal, own: Decimal, third: Decimal) -> tuple[Decimal, list[str]]:
    """The grant the method yields on the actual figures (ANBest-P Nr. 2), with the programme cap applied."""
    plan = FinancingPlan(eligible_costs=costs, own_funds=own, third_party_funds=third)
    try:
        calculation = compute_grant(terms, plan)
    except FinancingError as error:
        raise RecalculationError(str(error)) from error
    grant, sentences = calculation.grant, [calculation.explanation]

    if terms.method == VOLL and own + third > 0:
        # ANBest-P Nr. 2.2: under full financing, new funds reduce the grant by their full amount.
        reduced = max(grant - own - third, ZERO)
        sentences.append(
            _(
                "Own funds of %(own)s EUR and third-party funds of %(third)s EUR reduce the full financing by their "
                "whole amount, to %(amount)s EUR."
            )
            % {"own": format_money(own), "third": format_money(third), "amount": format_money(reduced)}
        )
        grant = reduced
    elif terms.method == ANTEIL and grant + own + third > costs:
        # ANBest-P Nr. 2.1: under share financing, over-financing reduces the grant in proportion to all funds.
        with localcontext() as context:
            context.prec = 50
            reduced = (grant * costs / (grant + own + third)).quantize(CENT, rounding=ROUND_DOWN)
        sentences.append(
            _(
                "Grant, own funds and third-party funds together (%(total)s EUR) exceed the eligible costs of "
                "%(costs)s EUR; the grant is reduced in proportion to %(amount)s EUR."
            )
            % {
                "total": format_money(grant + own + third),
                "costs": format_money(costs),
                "amount": format_money(reduced),
            }
        )
        grant = reduced
    return grant, sentences


def _money(value: object, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise RecalculationError(
            _("%(label)s: expected a Decimal, not %(type)s.") % {"label": label, "type": type(value).__name__}
        )
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise RecalculationError(_("%(label)s: the amount must not be negative.") % {"label": label})
    if amount != amount.quantize(CENT):
        raise RecalculationError(_("%(label)s: the amount must be in whole cents.") % {"label": label})
    return amount.quantize(CENT)
