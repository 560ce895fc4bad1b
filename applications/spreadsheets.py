"""Tables as downloads: CSV (UTF-8 with BOM, so spreadsheet programs detect the encoding) and XLSX.

Cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return) are prefixed
with an apostrophe, so text typed by applicants can never run as a formula on a staff computer.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _xlsx_text(value) -> str:
    """Safe text without the control characters a workbook cannot hold (pasted text sometimes has them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", safe_text(value))


def _plain(value):
    """A cell value for XLSX: numbers and dates stay typed (naive, in local time), text is made safe."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float | Decimal | date):
        return value
    return _xlsx_text(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Streams the rows, so a list of any length is sent without holding it in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        for row in rows:
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_cell(value) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, int | float | Decimal | date) and not isinstance(value, bool):
        return str(value)
    return safe_text(value)


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_plain(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
