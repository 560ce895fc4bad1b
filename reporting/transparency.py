"""The transparency list: approved grants of organisations that consented to being listed (see ADR 0006).

CSV for machines (RFC 4180, comma, decimal point, ISO dates, UTF-8 with a byte-order mark so that Excel reads
the umlauts), XLSX for people (numbers and dates as real cells, shown in the reader's own format).
"""

import csv
import io
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from applications.models import Decision, DecisionOutcome, DecisionStatus
from reporting.metrics import Selection

# A spreadsheet treats a cell starting with one of these as a formula (tab and carriage return too, in some).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe: shown as text, never run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(str(value))


def as_csv(selection: Selection) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows(selection):
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(selection: Selection) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Grants")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(selection):
        sheet.append([None] * len(row))
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, str):
                # Typed text with Excel's quote prefix: a leading = stays text and is never evaluated.
                cell.value = value
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(FORMULA_STARTS)
            elif isinstance(value, Decimal):
                cell.value = value
                cell.number_format = "#,##0.00"
            elif value is not None:
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (40, 40, 14, 14, 14, 30, 24, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
