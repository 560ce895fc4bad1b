"""Grant calculation by financing method (Finanzierungsart, VV Nr. 2 zu § 44 LHO).

Given a programme's financing terms and an application's financing plan, `compute_grant` works out the grant that the
method allows, caps it at the programme maximum and the requested amount, and says in one or two plain sentences how
the figure came about. It is pure Python (no database), so the same rule serves the approval and the recalculation with
actual costs at the proof of use (Verwendungsnachweis).
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal, localcontext

from django.utils import formats, numberformat
from django.utils.translation import gettext as _

from applications.formatting import format_money

ANTEIL = "anteil"
FEHLBEDARF = "fehlbedarf"
FESTBETRAG = "festbetrag"
VOLL = "voll"
METHODS = (ANTEIL, FEHLBEDARF, FESTBETRAG, VOLL)

CAPPED_BY_MAX_AMOUNT = "max_amount"
CAPPED_BY_REQUESTED = "requested"

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class FinancingError(ValueError):
    """The financing terms or the financing plan cannot be used for a calculation."""


@dataclass(frozen=True)
class FinancingTerms:
    """What the programme lays down: the financing method, the cap and the method's parameter."""

    method: str  # "anteil" | "fehlbedarf" | "festbetrag" | "voll"
    max_amount: Decimal  # the programme's cap on any grant
    share_percent: Decimal | None = None  # required for "anteil" (0 < p <= 100)
    fixed_amount: Decimal | None = None  # required for "festbetrag" (> 0)


@dataclass(frozen=True)
class FinancingPlan:
    """What the application (or the proof of use) states: costs and the other funds that cover them."""

    eligible_costs: Decimal  # total eligible costs (sum of the cost plan), >= 0
    own_funds: Decimal = Decimal("0")
    third_party_funds: Decimal = Decimal("0")  # applied for or granted
    requested: Decimal | None = None  # the grant the organisation asks for; None = not stated yet


@dataclass(frozen=True)
class GrantCalculation:
    """The result; all amounts are Decimal with exactly two places."""

    grant: Decimal  # the grant the method allows, never negative
    by_method: Decimal  # what the method alone yields before the cap and the request
    capped_by: str | None  # None, "max_amount" or "requested": what limited the grant
    total_funding: Decimal  # own + third-party + grant
    shortfall: Decimal  # eligible_costs - total_funding if positive, else 0
    surplus: Decimal  # total_funding - eligible_costs if positive, else 0 (over-financing)
    explanation: str  # plain language, in the active language


def compute_grant(terms: FinancingTerms, plan: FinancingPlan) -> GrantCalculation:
    """The grant for `plan` under `terms`; raises FinancingError for unusable terms or plan.

    Amounts with more than two decimals are cut to the cent in the direction that never raises the grant: costs,
    the cap, the fixed amount and the request are rounded down, own and third-party funds are rounded up.
    """
    with localcontext() as context:
        context.prec = 50  # exact arithmetic for any realistic amount; rounding happens only in quantize
        method = terms.method
        if method not in METHODS:
            raise FinancingError(_("Unknown financing method: %(method)r.") % {"method": method})
        max_amount = _money(terms.max_amount, _("Maximum grant"), ROUND_DOWN)
        costs = _money(plan.eligible_costs, _("Eligible costs"), ROUND_DOWN)
        own = _money(plan.own_funds, _("Own funds"), ROUND_UP)
        third = _money(plan.third_party_funds, _("Third-party funds"), ROUND_UP)
        requested = None if plan.requested is None else _money(plan.requested, _("Requested grant"), ROUND_DOWN)

        if method == ANTEIL:
            share = _share(terms.share_percent)
            by_method = _cents(costs * share / HUNDRED)
            sentence = _("Share financing: %(share)s %% of eligible costs %(costs)s EUR = %(amount)s EUR.") % {
                "share": _format_percent(share),
                "costs": format_money(costs),
                "amount": format_money(by_method),
            }
        elif method == FEHLBEDARF:
            by_method = max(costs - own - third, ZERO)
            if own + third > costs:
                sentence = _(
                    "Shortfall financing: own funds %(own)s EUR and third-party funds %(third)s EUR already cover "
                    "the eligible costs %(costs)s EUR, so there is no grant."
                )
            else:
                sentence = _(
                    "Shortfall financing: eligible costs %(costs)s EUR minus own funds %(own)s EUR and third-party "
                    "funds %(third)s EUR = %(amount)s EUR."
                )
            sentence %= {
                "costs": format_money(costs),
                "own": format_money(own),
                "third": format_money(third),
                "amount": format_money(by_method),
            }
        elif method == FESTBETRAG:
            fixed = _fixed_amount(terms.fixed_amount)
            by_method = min(fixed, costs)
            if costs < fixed:
                sentence = _(
                    "Fixed-amount financing: the eligible costs of %(costs)s EUR are below the fixed amount of "
                    "%(fixed)s EUR, so the grant is reduced to %(amount)s EUR."
                )
            else:
                sentence = _("Fixed-amount financing: a fixed amount of %(fixed)s EUR.")
            sentence %= {"costs": format_money(costs), "fixed": format_money(fixed), "amount": format_money(by_method)}
        else:
            by_method = costs
            sentence = _("Full financing: all eligible costs of %(costs)s EUR = %(amount)s EUR.") % {
                "costs": format_money(costs),
                "amount": format_money(by_method),
            }

        grant, capped_by = by_method, None
        if max_amount < grant:
            grant, capped_by = max_amount, CAPPED_BY_MAX_AMOUNT
        if requested is not None and requested < by_method and requested <= grant:
            grant, capped_by = requested, CAPPED_BY_REQUESTED
        if capped_by == CAPPED_BY_MAX_AMOUNT:
            sentence += " " + _("The grant is limited to the programme maximum of %(amount)s EUR.") % {
                "amount": format_money(grant)
            }
        elif capped_by == CAPPED_BY_REQUESTED:
            sentence += " " + _("The grant is limited to the requested amount of %(amount)s EUR.") % {
                "amount": format_money(grant)
            }

        total_funding = own + third + grant
        return GrantCalculation(
            grant=grant,
            by_method=by_method,
            capped_by=capped_by,
            total_funding=total_funding,
            shortfall=max(costs - total_funding, ZERO),
            surplus=max(total_funding - costs, ZERO),
            explanation=sentence,
        )


def _money(value: object, label: str, rounding: str) -> Decimal:
    """A non-negative amount as Decimal with two places; floats are refused so no binary rounding sneaks in."""
    amount = _decimal(value, label)
    if amount < 0:
        raise FinancingError(_("%(label)s: the amount must not be negative.") % {"label": label})
    return _cents(amount, rounding)


def _share(value: object) -> Decimal:
    if value is None:
        raise FinancingError(_("Share financing needs a share in percent."))
    share = _decimal(value, _("Share"))
    if not 0 < share <= HUNDRED:
        raise FinancingError(_("The share must be more than 0 and at most 100 percent."))
    return share


def _fixed_amount(value: object) -> Decimal:
    if value is None:
        raise FinancingError(_("Fixed-amount financing needs a fixed amount."))
    fixed = _money(value, _("Fixed amount"), ROUND_DOWN)
    if fixed <= 0:
        raise FinancingError(_("The fixed amount must be more than 0."))
    return fixed


def _decimal(value: object, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise FinancingError(
            _("%(label)s: expected a Decimal, not %(type)s.") % {"label": label, "type": type(value).__name__}
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise FinancingError(_("%(label)s: expected a finite number.") % {"label": label})
    return amount


def _cents(value: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    return value.quantize(CENT, rounding=rounding)


def _format_percent(share: Decimal) -> str:
    """33.33 (en) or 33,33 (de); whole numbers without decimals: 50."""
    places = max(-share.normalize().as_tuple().exponent, 0)
    return numberformat.format(share, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos=places)
