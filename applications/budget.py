"""Budget control of a call (§ 34 LHO): a proposal reserves its amount (Mittelbindung), an approval commits it,
sending back or a procedure that ends releases it. The call's row is locked while amounts are counted, so two
concurrent proposals or approvals cannot together exceed the budget."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from applications.errors import ApplicationError
from applications.formatting import format_money
from applications.models import Call, Decision, DecisionOutcome, DecisionStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetPosition:
    budget: Decimal
    reserved: Decimal  # proposals waiting for approval
    committed: Decimal  # approved grants

    @property
    def available(self) -> Decimal:
        return self.budget - self.reserved - self.committed


def budget_position(call: Call, *, excluding: Decision | None = None) -> BudgetPosition:
    """What the call's budget holds now; `excluding` leaves one decision out (the one being proposed or approved)."""
    decisions = Decision.objects.filter(application__call=call, outcome=DecisionOutcome.APPROVE)
    if excluding is not None and excluding.pk:
        decisions = decisions.exclude(pk=excluding.pk)
    sums = decisions.aggregate(
        reserved=Sum("amount", filter=Q(status=DecisionStatus.PROPOSED)),
        committed=Sum("amount", filter=Q(status=DecisionStatus.APPROVED)),
    )
    return BudgetPosition(call.budget, sums["reserved"] or ZERO, sums["committed"] or ZERO)


def budget_require(
    *, call: Call, amount: Decimal, excluding: Decision | None = None, approving: bool = False
) -> BudgetPosition:
    """Lock the call and refuse an amount the budget cannot take. Call inside the transaction that writes.

    A proposal must fit beside every approval and every other reservation; an approval must fit beside the other
    approvals (reservations of other proposals do not block it, but the budget may have been lowered meanwhile).
    """
    call = Call.objects.select_for_update().get(pk=call.pk)
    position = budget_position(call, excluding=excluding)
    if approving and amount > position.budget - position.committed:
        raise ApplicationError(
            _(
                "The call's budget cannot take %(amount)s EUR: of %(budget)s EUR, %(committed)s EUR are already "
                "approved, so %(available)s EUR are left. Send the proposal back to lower the amount."
            )
            % {
                "amount": format_money(amount),
                "budget": format_money(position.budget),
                "committed": format_money(position.committed),
                "available": format_money(max(position.budget - position.committed, ZERO)),
            }
        )
    if not approving and amount > position.available:
        raise ApplicationError(
            _(
                "The call's budget cannot take %(amount)s EUR: of %(budget)s EUR, %(committed)s EUR are approved "
                "and %(reserved)s EUR reserved by other proposals, so %(available)s EUR are left."
            )
            % {
                "amount": format_money(amount),
                "budget": format_money(position.budget),
                "committed": format_money(position.committed),
                "reserved": format_money(position.reserved),
                "available": format_money(max(position.available, ZERO)),
            },
            field="amount",
        )
    return position
