"""Interest on grant money (§ 49a VwVfG): on a repayment claim (Erstattungszinsen, para. 3) and on money paid out
but not used soon enough (Zwischenzinsen, para. 4).

Everything here is pure Python on a sorted sequence of base rates `(valid_from, rate)`; only `base_rates()` reads
the `BaseRate` table. The conventions (which days count, act/act, rounding, order of set-off) are explained with
their sources in docs/money-rules.md.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils import formats
from django.utils.translation import gettext as _

Rates = Sequence[tuple[date, Decimal]]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
CLAIM_POINTS = Decimal("5")  # § 49a(3) sentence 1 VwVfG: five points above the base rate


class InterestError(ValueError):
    """The input cannot be used for an interest calculation."""


class BaseRateMissing(InterestError):
    """A day of the period needs a base rate that is not in the table (yet)."""

    def __init__(self, missing_from: date):
        self.missing_from = missing_from
        super().__init__(
            _("The base rate from %(date)s is missing; please add it under base rates before calculating interest.")
            % {"date": formats.date_format(missing_from, "SHORT_DATE_FORMAT")}
        )


@dataclass(frozen=True)
class InterestPeriod:
    """One row of the calculation: the days `first`..`last` (both counted) at one yearly rate in one calendar
    year. `interest` is exact (not rounded); a letter prints it to the cent for information only."""

    first: date
    last: date
    days: int
    year_days: int  # 365 or 366: the divisor for this row (act/act)
    principal: Decimal
    base_rate: Decimal
    yearly_rate: Decimal  # base rate + points, never below 0
    interest: Decimal


@dataclass(frozen=True)
class InterestCalculation:
    total: Decimal  # the exact sum of the rows, rounded half up to the cent
    periods: tuple[InterestPeriod, ...]


# The table of base rates


def base_rates() -> tuple[tuple[date, Decimal], ...]:
    """The published base rates as `(valid_from, rate)` pairs, oldest first."""
    from grants.models import BaseRate

    return tuple(BaseRate.objects.order_by("valid_from").values_list("valid_from", "rate"))


def rate_change_day_after(day: date) -> date:
    """The first 1 January or 1 July after `day`: the next day the base rate may change (§ 247(1) sentence 2 BGB)."""
    return date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)


def base_rate_missing_from(rates: Rates, on: date) -> date | None:
    """The day from which the table lacks a rate that is due by `on`, or None if the table is up to date.

    The Bundesbank fixes the base rate each 1 January and 1 July; a row is only added when it is published, so the
    table is known to be complete up to the day before the first change day after its newest row.
    """
    if not rates:
        return None
    due = rate_change_day_after(rates[-1][0])
    return due if due <= on else None


def known_until(rates: Rates) -> date:
    """The last day for which the table certainly knows the rate."""
    return rate_change_day_after(rates[-1][0]) - timedelta(days=1)


# § 49a(3): interest on a repayment claim


def claim_interest(
    principal: Decimal, start: date, end: date, rates: Rates, points: Decimal = CLAIM_POINTS
) -> InterestCalculation:
    """Interest on `principal` from the event on `start` (not counted, § 187(1) BGB) until the payment on `end`
    (counted), at base rate + `points` a year, per day, act/act; the total is rounded half up to the cent."""
    principal = _amount(principal, _("Amount"))
    periods = _periods(principal, start, end, rates, points)
    return InterestCalculation(total=_round(sum((p.interest for p in periods), Decimal(0))), periods=periods)


def _periods(principal: Decimal, start: date, end: date, rates: Rates, points: Decimal) -> tuple[InterestPeriod, ...]:
    """The rows for the days start+1 .. end, split at every change of the base rate and every new year."""
    if end < start:
        raise InterestError(_("The end of the interest period must not be before its start."))
    _check_rates(rates)
    if end == start:
        return ()
    first_day = start + timedelta(days=1)
    if first_day < rates[0][0]:
        raise InterestError(
            _("There is no base rate before %(date)s.")
            % {"date": formats.date_format(rates[0][0], "SHORT_DATE_FORMAT")}
        )
    if end > known_until(rates):
        raise BaseRateMissing(rate_change_day_after(rates[-1][0]))

    rows = []
    day = first_day
    with localcontext() as context:
        context.prec = 50
        while day <= end:
            index = max(i for i, (valid_from, _rate) in enumerate(rates) if valid_from <= day)
            boundaries = [end, date(day.year, 12, 31)]
            if index + 1 < len(rates):
                boundaries.append(rates[index + 1][0] - timedelta(days=1))
            last = min(boundaries)
            days = (last - day).days + 1
            year_days = 366 if calendar.isleap(day.year) else 365
            base = rates[index][1]
            yearly = max(base + points, Decimal(0))
            interest = principal * yearly / HUNDRED * days / year_days
            rows.append(InterestPeriod(day, last, days, year_days, principal, base, yearly, interest))
            day = last + timedelta(days=1)
    return tuple(rows)


# § 49a(3) with partial repayments


@dataclass(frozen=True)
class PaymentApplied:
    """How one repayment was set off: first against the interest accrued by its day, then against the principal."""

    paid_on: date
    amount: Decimal
    to_interest: Decimal
    to_principal: Decimal
    overpaid: Decimal  # what exceeded the whole debt
    principal_after: Decimal


@dataclass(frozen=True)
class ClaimBalance:
    remaining_principal: Decimal
    remaining_interest: Decimal  # accrued and not yet paid, rounded to the cent at each payment and at `until`
    overpaid: Decimal
    periods: tuple[InterestPeriod, ...]
    payments: tuple[PaymentApplied, ...]

    @property
    def total(self) -> Decimal:
        return self.remaining_principal + self.remaining_interest


def claim_balance(
    principal: Decimal,
    start: date,
    payments: Sequence[tuple[date, Decimal]],
    until: date,
    rates: Rates,
    points: Decimal = CLAIM_POINTS,
    interest_fixed: Decimal = ZERO,
) -> ClaimBalance:
    """What is still owed on `until` for a claim of `principal` that bears interest from `start`, after partial
    repayments. `interest_fixed` is interest already set at `start` (§ 49a(4) VwVfG for money used late): it is owed
    with the rest and bears no interest itself. Each repayment pays first the interest accrued by its day, then the
    principal (§ 367(1) BGB by analogy); the interest accrued up to a repayment is rounded to the cent on that day. No
    interest on interest (§ 289 BGB), so a repayment that only covers interest leaves the principal, and the interest
    it bears, as it is.
    """
    principal = _amount(principal, _("Amount"))
    ordered = sorted(((paid_on, _amount(amount, _("Repayment"))) for paid_on, amount in payments), key=_first)
    if ordered and ordered[0][0] < start:
        raise InterestError(_("A repayment must not be dated before the claim bears interest."))
    if ordered and ordered[-1][0] > until:
        raise InterestError(_("A repayment must not be dated after the day of the balance."))

    periods: list[InterestPeriod] = []
    applied: list[PaymentApplied] = []
    interest_due = _amount(interest_fixed, _("Interest"))
    overpaid = ZERO
    accrued_to = start
    for paid_on, amount in ordered:
        rows = _periods(principal, accrued_to, paid_on, rates, points)
        periods.extend(rows)
        interest_due += _round(sum((row.interest for row in rows), Decimal(0)))
        accrued_to = paid_on
        to_interest = min(amount, interest_due)
        to_principal = min(amount - to_interest, principal)
        excess = amount - to_interest - to_principal
        interest_due -= to_interest
        principal -= to_principal
        overpaid += excess
        applied.append(PaymentApplied(paid_on, amount, to_interest, to_principal, excess, principal))
    rows = _periods(principal, accrued_to, until, rates, points)
    periods.extend(rows)
    interest_due += _round(sum((row.interest for row in rows), Decimal(0)))
    return ClaimBalance(principal, interest_due, overpaid, tuple(periods), tuple(applied))


# § 49a(4): interest on money not used soon enough


@dataclass(frozen=True)
class UsePeriod:
    """The time a payment may be held before it must be spent: weeks or months after the day of payment
    (ANBest-P Nr. 1.4: "innerhalb von zwei Monaten nach der Auszahlung")."""

    weeks: int = 0
    months: int = 0

    def __post_init__(self):
        if self.weeks < 0 or self.months < 0 or (self.weeks and self.months) or not (self.weeks or self.months):
            raise InterestError(_("The period of use must be a positive number of either weeks or months."))

    def last_day(self, paid_on: date) -> date:
        """The last day of the period (§ 188(2) and (3) BGB): 31 Jan + 1 month = 28/29 Feb."""
        if self.weeks:
            return paid_on + timedelta(weeks=self.weeks)
        return add_months(paid_on, self.months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month if it has no such day (§ 188(3) BGB)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class LateUse:
    """Part of a payment spent after the period (or not spent by the day of the calculation: `spent_on` None)."""

    amount: Decimal
    spent_on: date | None
    interest_until: date
    calculation: InterestCalculation


@dataclass(frozen=True)
class PaymentUse:
    paid_on: date
    amount: Decimal
    use_by: date  # last day of the period of use
    spent_in_time: Decimal
    pending: Decimal  # unspent on the day of the calculation, but the period of use has not run out yet
    late: tuple[LateUse, ...]
    interest: Decimal  # the exact interest of all late parts, rounded half up to the cent

    @property
    def spent_late(self) -> Decimal:
        return sum((part.amount for part in self.late if part.spent_on is not None), ZERO)

    @property
    def unspent(self) -> Decimal:
        return sum((part.amount for part in self.late if part.spent_on is None), ZERO)


@dataclass(frozen=True)
class LateUseInterest:
    payments: tuple[PaymentUse, ...]

    @property
    def total(self) -> Decimal:
        return sum((payment.interest for payment in self.payments), ZERO)


def late_use_interest(
    payments: Sequence[tuple[date, Decimal]],
    spending: Sequence[tuple[date, Decimal]],
    period: UsePeriod,
    until: date,
    rates: Rates,
    points: Decimal = CLAIM_POINTS,
) -> LateUseInterest:
    """Interest under § 49a(4) VwVfG on the parts of each payment not spent within `period`.

    Spending is matched to payments first in, first out. Spending dated before the payment it is matched to was
    pre-financed and counts as used on the day of that payment. A part spent after the period bears interest from
    the day of payment until the day it was spent; a part still unspent on `until` bears interest until then.
    Spending after `until` is not known on that day and is left out; spending beyond all payments was paid from
    other funds.
    """
    paid = sorted(((day, _amount(amount, _("Payment"))) for day, amount in payments), key=_first)
    spent = sorted(((day, _amount(amount, _("Spending"))) for day, amount in spending if day <= until), key=_first)
    if paid and paid[-1][0] > until:
        raise InterestError(_("A payment must not be dated after the day of the calculation."))

    queue = [[day, amount] for day, amount in spent if amount > 0]
    rows = []
    for paid_on, amount in paid:
        use_by = period.last_day(paid_on)
        left, in_time, pending, late = amount, ZERO, ZERO, []
        while left > 0 and queue:
            spent_on, available = queue[0]
            part = min(left, available)
            used_on = max(spent_on, paid_on)
            if used_on <= use_by:
                in_time += part
            else:
                late.append(LateUse(part, used_on, used_on, claim_interest(part, paid_on, used_on, rates, points)))
            left -= part
            queue[0][1] -= part
            if queue[0][1] == 0:
                queue.pop(0)
        if left > 0 and until > use_by:
            late.append(LateUse(left, None, until, claim_interest(left, paid_on, until, rates, points)))
        elif left > 0:
            pending = left
        with localcontext() as context:
            context.prec = 50
            exact = sum((row.interest for part in late for row in part.calculation.periods), Decimal(0))
        rows.append(PaymentUse(paid_on, amount, use_by, in_time, pending, tuple(late), _round(exact)))
    return LateUseInterest(tuple(rows))


# helpers


def _first(pair):
    return pair[0]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(value: object, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InterestError(
            _("%(label)s: expected a Decimal, not %(type)s.") % {"label": label, "type": type(value).__name__}
        )
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise InterestError(_("%(label)s: the amount must be a number of at least 0.") % {"label": label})
    if amount != amount.quantize(CENT):
        raise InterestError(_("%(label)s: the amount must be in whole cents.") % {"label": label})
    return amount.quantize(CENT)


def _check_rates(rates: Rates) -> None:
    if not rates:
        raise InterestError(_("No base rates are known; please add them under base rates."))
    days = [valid_from for valid_from, _rate in rates]
    if days != sorted(set(days)):
        raise InterestError(_("The base rates must be sorted by the day they apply from, each day once."))
