"""Tables as downloads: CSV (UTF-8 with BOM, so spreadsheet programs detect the encoding) and XLSX.

Text that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return) never runs as
one on a staff computer: in CSV it gets a leading apostrophe, in XLSX it is a text cell with the quote prefix
(shown unchanged). XLSX keeps numbers and dates typed; CSV has decimal points and ISO dates, for machines.
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


def _xlsx_cell(sheet, value):
    """A typed cell: numbers and dates stay numbers and dates (shown in the reader's own format); text is stored
    as text with Excel's quote prefix where it looks like a formula, so it shows unchanged and never runs, and
    without the control characters a workbook cannot hold (pasted text sometimes has them)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "#,##0.00"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value)
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        cell.quotePrefix = text.startswith(FORMULA_START)
    return cell


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
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for text in header:
        cell = WriteOnlyCell(sheet, str(text))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
