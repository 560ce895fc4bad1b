"""The transparency list: approved grants of organisations that consented to being listed (see ADR 0006).

Written by applications/spreadsheets.py, like every download: CSV for machines (comma, decimal point, ISO
dates, UTF-8 with a byte-order mark so that Excel reads the umlauts), XLSX for people (typed number and date
cells).
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Decision, DecisionOutcome, DecisionStatus
from reporting.metrics import Selection


def approved_grants(selection: Selection) -> QuerySet[Decision]:
    """Approved grants of the selection whose organisation consents to being listed; never any other."""
    return (
        Decision.objects.filter(
            selection.where("application__"),
            status=DecisionStatus.APPROVED,
            outcome=DecisionOutcome.APPROVE,
            application__organisation__listed_since__isnull=False,
        )
        .select_related("application__organisation", "application__call__programme")
        .order_by("application__call__programme__title", "application__call__closes_at", "approved_at", "pk")
    )


def headers() -> list[str]:
    return [
        _("Recipient"),
        _("Project"),
        _("Amount (EUR)"),
        _("Approval period from"),
        _("Approval period until"),
        _("Programme"),
        _("Call"),
        _("Approved on"),
    ]


def rows(selection: Selection) -> list[list]:
    """One row per grant: text, a Decimal amount and dates (None where a date is missing)."""
    result = []
    for decision in approved_grants(selection):
        application = decision.application
        result.append(
            [
                application.organisation.name,
                application.title,
                decision.amount,
                decision.period_start,
                decision.period_end,
                application.call.programme.title,
                application.call.title,
                timezone.localdate(decision.approved_at) if decision.approved_at else None,
            ]
        )
    return result
