"""Reads of grants: the money position, and the permission-scoped querysets."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from grants.models import CLAIMING_PAYMENT_STATUSES, Grant, GrantLetter, PaymentRequest, PaymentStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MoneyPosition:
    """Where a grant's money stands: paid out, released (on its way), waiting for the office, and still free."""

    amount: Decimal
    paid: Decimal
    released: Decimal
    pending: Decimal
    left: Decimal


def money_position(grant: Grant) -> MoneyPosition:
    sums = grant.payment_requests.aggregate(
        paid=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
        released=Sum("amount", filter=Q(status=PaymentStatus.RELEASED)),
        pending=Sum("amount", filter=Q(status__in=[PaymentStatus.REQUESTED, PaymentStatus.CERTIFIED])),
    )
    paid, released, pending = (sums[key] or ZERO for key in ("paid", "released", "pending"))
    return MoneyPosition(grant.amount, paid, released, pending, grant.amount - paid - released - pending)


def claimed(grant: Grant) -> Decimal:
    """What the grant's payment requests claim in all (every request but refused ones)."""
    total = grant.payment_requests.filter(status__in=CLAIMING_PAYMENT_STATUSES).aggregate(total=Sum("amount"))
    return total["total"] or ZERO


def grants_for_member(user) -> QuerySet[Grant]:
    from organisations.selectors import organisations_for_user

    return Grant.objects.filter(organisation__in=organisations_for_user(user))


def grants_for_staff(user) -> QuerySet[Grant]:
    from applications.selectors import applications_for_staff

    return Grant.objects.filter(application__in=applications_for_staff(user))


def payments_for_staff(user) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(grant__in=grants_for_staff(user))


def grant_letters_for_member(user) -> QuerySet[GrantLetter]:
    """The rendered letters of the user's organisations' grants; nothing else, ever."""
    return GrantLetter.objects.filter(grant__in=grants_for_member(user), rendered_at__isnull=False).select_related(
        "grant__application"
    )


def grant_letters_for_staff(user) -> QuerySet[GrantLetter]:
    return GrantLetter.objects.filter(grant__in=grants_for_staff(user)).select_related("grant__application")
