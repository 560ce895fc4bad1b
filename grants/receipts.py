"""The receipt list (Belegliste) of a proof of use (Verwendungsnachweis): the template and its import.

At the proof of use the organisation lists every receipt: date, payee, purpose, amount and the line of the approved
plan (Planposition) it belongs to. It may type the rows in or fill in a template (XLSX or CSV) and upload it. Pure
Python (no database): the caller passes the plan lines and stores the rows.

The template's layout, which the import relies on:
- an optional hint row in the user's language above the header (everything above the header is ignored);
- the header with the column names in German (binding: the office reads them); the import finds it by these names
  (and a few common alternatives) within the first rows, so the order of the columns and extra columns do not
  matter;
- an example row, marked by a payee starting with "BEISPIEL:", which the import skips;
- then one row per receipt; empty rows are skipped.

Anything the file holds is treated as data: a cell that looks like a formula is text, a broken or hostile file
gives one message and never an exception.
"""

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from applications.spreadsheets import FORMULA_START, safe_text
from applications.uploads import MAX_UPLOAD_BYTES
from usertext.text import without_controls

MAX_ROWS = 5000
# An XLSX is a zip: a small file can unpack to gigabytes. A receipt list of 5,000 rows unpacks to a few MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 50  # columns read per row; the template has five
HEADER_SEARCH_ROWS = 20  # the header is looked for in the first rows only
MAX_PAYEE_LENGTH = 200
MAX_PURPOSE_LENGTH = 500
MAX_AMOUNT = Decimal("9999999999.99")  # fits a DecimalField(max_digits=12, decimal_places=2)
CENT = Decimal("0.01")
EXAMPLE_MARKER = "BEISPIEL:"
EXAMPLE_DATE = date(2026, 3, 15)
EXAMPLE_AMOUNT = Decimal("149.90")
PLAN_SHEET_TITLE = "Planpositionen"

DATE, PAYEE, PURPOSE, AMOUNT, PLAN_LINE = "date", "payee", "purpose", "amount", "plan_line"
FIELDS = (DATE, PAYEE, PURPOSE, AMOUNT, PLAN_LINE)

# The binding German column names, and what else a header may say (normalised: lower case, words only).
GERMAN_HEADERS = {
    DATE: "Datum",
    PAYEE: "Zahlungsempfänger",
    PURPOSE: "Zweck",
    AMOUNT: "Betrag (EUR)",
    PLAN_LINE: "Planposition",
}
HEADER_ALIASES = {
    DATE: {"datum", "belegdatum", "zahlungsdatum", "date"},
    PAYEE: {"zahlungsempfänger", "zahlungsempfaenger", "empfänger", "empfaenger", "payee"},
    PURPOSE: {"zweck", "verwendungszweck", "purpose"},
    AMOUNT: {"betrag", "betrag eur", "betrag in eur", "amount", "amount eur"},
    PLAN_LINE: {"planposition", "position", "kostenposition", "plan line"},
}


@dataclass(frozen=True)
class PlanLineChoice:
    """A line of the approved plan a receipt can belong to: `key` is what is stored, `label` what people read."""

    key: str
    label: str


@dataclass(frozen=True)
class ReceiptRow:
    """One receipt as read from the list; `line_no` is the row number the spreadsheet program shows."""

    line_no: int
    date: date
    payee: str
    purpose: str
    amount: Decimal  # two places, > 0
    plan_line: str  # the key of a PlanLineChoice


@dataclass(frozen=True)
class ReceiptError:
    """A problem with the file (`line_no` and `column` None) or with one cell; `message` is the whole sentence."""

    line_no: int | None
    column: str | None  # one of FIELDS
    message: str

    def __str__(self):
        return self.message


@dataclass
class ParseResult:
    rows: list[ReceiptRow] = field(default_factory=list)
    errors: list[ReceiptError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def column_label(name: str) -> str:
    """The column's name in the user's language, for messages."""
    return {
        DATE: _("date"),
        PAYEE: _("payee"),
        PURPOSE: _("purpose"),
        AMOUNT: _("amount"),
        PLAN_LINE: _("plan line"),
    }[name]


# The template


def _hints(plan_lines: Sequence[PlanLineChoice], *, list_choices: bool) -> dict[str, str]:
    plan_hint = _("Plan line: choose from the list")
    if list_choices and plan_lines:
        plan_hint = _("Plan line, one of: %(choices)s") % {"choices": " | ".join(_choice_texts(plan_lines))}
    return {
        DATE: _("Date of payment, as dd.mm.yyyy"),
        PAYEE: _("Who was paid"),
        PURPOSE: _("What the money was spent on"),
        AMOUNT: _("Amount paid in euro, e.g. 1.234,56"),
        PLAN_LINE: plan_hint,
    }


def _example_row(plan_lines: Sequence[PlanLineChoice]) -> dict[str, object]:
    return {
        DATE: EXAMPLE_DATE,
        PAYEE: EXAMPLE_MARKER + " Druckerei Muster GmbH",
        PURPOSE: _("Example: flyers for the opening event (this row is skipped on import)"),
        AMOUNT: EXAMPLE_AMOUNT,
        PLAN_LINE: _choice_texts(plan_lines)[0] if plan_lines else "",
    }


def _choice_texts(plan_lines: Sequence[PlanLineChoice]) -> list[str]:
    """What the dropdown offers: the label, or "label (key)" where two lines share a label."""
    counts = defaultdict(int)
    for choice in plan_lines:
        counts[_normalised(choice.label)] += 1
    return [
        choice.label if counts[_normalised(choice.label)] == 1 else f"{choice.label} ({choice.key})"
        for choice in plan_lines
    ]


def receipt_template_xlsx(plan_lines: Sequence[PlanLineChoice], language: str) -> bytes:
    """The receipt list as an Excel workbook: hints in `language`, German header, example row, a dropdown of the
    plan lines (from a second sheet, so labels may hold commas), date and money formats on their columns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    with translation.override(language):
        hints = _hints(plan_lines, list_choices=False)
        example = _example_row(plan_lines)
        choice_texts = _choice_texts(plan_lines)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Belegliste"
        for index, name in enumerate(FIELDS, start=1):
            hint = _text_cell(sheet, 1, index, hints[name])
            hint.font = Font(italic=True, color="555555")
            header = _text_cell(sheet, 2, index, GERMAN_HEADERS[name])
            header.font = Font(bold=True)
            header.comment = Comment(hints[name], "Teilhabe", width=220, height=60)
        _write_row(sheet, 3, [example[name] for name in FIELDS], font=Font(italic=True, color="808080"))
        sheet.freeze_panes = "A3"

        last_row = 3 + MAX_ROWS
        for letter, width in zip("ABCDE", (14, 32, 48, 16, 36), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.column_dimensions["A"].number_format = "DD.MM.YYYY"
        sheet.column_dimensions["D"].number_format = "#,##0.00"

        date_check = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="32874",  # 1 January 1990
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Date")[:32],
            error=_("Please enter a date as dd.mm.yyyy.")[:255],
        )
        amount_check = DataValidation(
            type="decimal",
            operator="greaterThan",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Amount")[:32],
            error=_("Please enter the amount paid in euro, greater than zero.")[:255],
        )
        date_check.add(f"A3:A{last_row}")
        amount_check.add(f"D3:D{last_row}")
        sheet.add_data_validation(date_check)
        sheet.add_data_validation(amount_check)

        plans = workbook.create_sheet(PLAN_SHEET_TITLE)
        _text_cell(plans, 1, 1, GERMAN_HEADERS[PLAN_LINE]).font = Font(bold=True)
        _text_cell(plans, 1, 2, "Schlüssel").font = Font(bold=True)
        plans.column_dimensions["A"].width = 48
        for row, (choice, text) in enumerate(zip(plan_lines, choice_texts, strict=True), start=2):
            _text_cell(plans, row, 1, text)
            _text_cell(plans, row, 2, choice.key)
        if plan_lines:
            plan_check = DataValidation(
                type="list",
                formula1=f"{PLAN_SHEET_TITLE}!$A$2:$A${len(plan_lines) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=_("Plan line")[:32],
                error=_("Please choose a line of the approved plan from the list.")[:255],
            )
            plan_check.add(f"E3:E{last_row}")
            sheet.add_data_validation(plan_check)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, row: int, column: int, text: str):
    """A text cell that never runs as a formula (quote prefix, as in applications.spreadsheets)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    cell = sheet.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_START)
    return cell


def _write_row(sheet, row: int, values: Sequence, *, font) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, date):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "DD.MM.YYYY"
        elif isinstance(value, Decimal):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "#,##0.00"
        else:
            cell = _text_cell(sheet, row, column, value)
        cell.font = font


def receipt_template_csv(plan_lines: Sequence[PlanLineChoice], language: str | None = None) -> str:
    """The receipt list as CSV the way German Excel opens it: semicolons, dates as 31.12.2026, amounts as 149,90,
    starting with a byte order mark so that the umlauts survive. Hints are in `language` (default: the active one)
    and list the plan lines, since a CSV has no dropdown."""
    with translation.override(language or translation.get_language()):
        hints = _hints(plan_lines, list_choices=True)
        example = _example_row(plan_lines)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_text(hints[name]) for name in FIELDS])
    writer.writerow([GERMAN_HEADERS[name] for name in FIELDS])
    writer.writerow(
        [
            example[DATE].strftime("%d.%m.%Y"),
            safe_text(example[PAYEE]),
            safe_text(example[PURPOSE]),
            str(example[AMOUNT]).replace(".", ","),
            safe_text(example[PLAN_LINE]),
        ]
    )
    return "\ufeff" + buffer.getvalue()


# The import


class _Unreadable(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _CellProblem(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def parse_receipts(uploaded_file, plan_lines: Sequence[PlanLineChoice]) -> ParseResult:
    """Read a receipt list from an uploaded XLSX or CSV (a Django UploadedFile, any binary file object, or bytes).

    Returns the good rows and, for every problem, a translated message with row and column. Rows with a problem
    are left out of `rows`. A file that cannot be read at all, or has more than MAX_ROWS receipts, gives exactly
    one error and no rows.
    """
    try:
        table = _table(_read_bytes(uploaded_file))
        return _parse_table(table, plan_lines)
    except _Unreadable as problem:
        return ParseResult(rows=[], errors=[ReceiptError(None, None, problem.message)])


def _read_bytes(uploaded_file) -> bytes:
    if isinstance(uploaded_file, bytes | bytearray):
        data = bytes(uploaded_file)
    else:
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > MAX_UPLOAD_BYTES:
            raise _Unreadable(_too_large())
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _Unreadable(_too_large())
    if not data.strip():
        raise _Unreadable(_("The file is empty. Please choose the filled-in receipt list again."))
    return data


def _too_large() -> str:
    return _("The file is too large. A receipt list may be up to %(limit)s MB.") % {
        "limit": MAX_UPLOAD_BYTES // 1024 // 1024
    }


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a receipt list that can be read. Please upload the filled-in template as Excel "
        "workbook (.xlsx) or as CSV."
    )


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: old .xls, or an encrypted .xlsx
ZIP_SIGNATURE = b"PK\x03\x04"


def _table(data: bytes) -> Iterator[tuple[int, list]]:
    """The rows of the file as (row number, cell values), whatever its kind."""
    if data.startswith(OLE_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise _Unreadable(
                _(
                    "This workbook is protected by a password, so it cannot be read. Please save it again "
                    "without a password (File › Info › Protect workbook) and upload it once more."
                )
            )
        raise _Unreadable(
            _("This is an old Excel file (.xls). Please save it as Excel workbook (.xlsx) or as CSV and upload it.")
        )
    if data.startswith(ZIP_SIGNATURE):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    unreadable = _(
        "This Excel file is damaged or not an Excel workbook (.xlsx), so it cannot be read. Please save it "
        "again as .xlsx or as CSV and upload it once more."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if "mimetype" in archive.namelist() and b"opendocument" in archive.read("mimetype")[:100]:
                raise _Unreadable(
                    _("This is an OpenDocument spreadsheet (.ods). Please save it as Excel workbook (.xlsx) or CSV.")
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError) as error:
        raise _Unreadable(unreadable) from error
    if len(entries) > 1000 or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise _Unreadable(_too_large())
    return _guarded_xlsx_rows(data, unreadable)


def _guarded_xlsx_rows(data: bytes, unreadable: str) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    # openpyxl raises many kinds of errors on broken or hostile files (zip, XML, KeyError for missing parts,
    # defusedxml's refusals): every one of them means "cannot be read", and none may reach the user as a 500.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _Unreadable(unreadable) from error
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            sheet.reset_dimensions()  # some programs write a wrong size; read what is there
            rows = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
            first = [(number, list(values)) for number, values in _take(rows, HEADER_SEARCH_ROWS)]
            if any(_header_columns(values) for _number, values in first) or sheet is workbook.worksheets[-1]:
                yield from first
                for number, values in rows:
                    yield number, list(values)
                return
    except _Unreadable:
        raise
    except Exception as error:
        raise _Unreadable(unreadable) from error
    finally:
        workbook.close()


def _take(iterator: Iterator, count: int) -> list:
    taken = []
    for item in iterator:
        taken.append(item)
        if len(taken) == count:
            break
    return taken


def _decode(data: bytes) -> str:
    """Text as spreadsheet programs write CSV: UTF-8 (with or without BOM), UTF-16 with BOM ("Unicode text"),
    or Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)")."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError as error:
        raise _Unreadable(_not_a_spreadsheet()) from error
    if b"\x00" in data:
        raise _Unreadable(_not_a_spreadsheet())
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _Unreadable(_not_a_spreadsheet())


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line breaks do not occur in a CSV a person made."""
    return len(_CONTROL_CHARACTERS.findall(text)) > max(2, len(text) // 1000)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    text = _decode(data)
    if _looks_binary(text):
        raise _Unreadable(_not_a_spreadsheet())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return _guarded_csv_rows(reader)


def _delimiter(text: str) -> str:
    """The delimiter with which the header row reads as one (hint texts above it may hold commas)."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    for delimiter in (";", ",", "\t"):
        try:
            if any(_header_columns(values) for values in csv.reader(io.StringIO(head), delimiter=delimiter)):
                return delimiter
        except csv.Error:
            continue
    return ";"


def _guarded_csv_rows(reader) -> Iterator[tuple[int, list]]:
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values[:MAX_COLUMNS]
    except csv.Error as error:  # e.g. a field larger than the csv module allows
        raise _Unreadable(_not_a_spreadsheet()) from error


def _normalised_header(value) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


def _header_columns(values: Sequence) -> dict[str, int]:
    """Which column holds which field, if this row is the header (at least three known names)."""
    columns = {}
    for index, value in enumerate(values):
        name = _normalised_header(value)
        for field_name, aliases in HEADER_ALIASES.items():
            if name in aliases and field_name not in columns:
                columns[field_name] = index
    return columns if len(columns) >= 3 else {}


def _parse_table(table: Iterable[tuple[int, list]], plan_lines: Sequence[PlanLineChoice]) -> ParseResult:
    columns: dict[str, int] = {}
    plan_index = _PlanIndex(plan_lines)
    result = ParseResult()
    receipts = 0
    for number, values in table:
        if not columns:
            columns = _header_columns(values)
            if columns:
                _check_all_columns(columns)
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
        if all(_is_empty(value) for value in cells.values()) or _is_example(cells):
            continue
        receipts += 1
        if receipts > MAX_ROWS:
            raise _Unreadable(
                _("The list has more than %(limit)s receipts. Please split it and upload the parts one by one.")
                % {"limit": MAX_ROWS}
            )
        row, errors = _parse_row(number, cells, plan_index)
        result.errors.extend(errors)
        if row is not None:
            result.rows.append(row)
    if not columns:
        raise _Unreadable(
            _(
                "No header row was found. The receipt list needs the columns %(columns)s; please use the "
                "template and keep its header row."
            )
            % {"columns": ", ".join(GERMAN_HEADERS.values())}
        )
    return result


def _check_all_columns(columns: dict[str, int]) -> None:
    missing = [GERMAN_HEADERS[name] for name in FIELDS if name not in columns]
    if missing:
        raise _Unreadable(
            _("The header row lacks the column(s) %(missing)s. Please use the template and keep its header row.")
            % {"missing": ", ".join(missing)}
        )


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_example(cells: dict) -> bool:
    payee = cells.get(PAYEE)
    return isinstance(payee, str) and payee.strip().upper().startswith(EXAMPLE_MARKER)


def _parse_row(number: int, cells: dict, plan_index: "_PlanIndex") -> tuple[ReceiptRow | None, list[ReceiptError]]:
    parsers = {
        DATE: _parse_date,
        PAYEE: lambda value: _parse_text(value, PAYEE, MAX_PAYEE_LENGTH),
        PURPOSE: lambda value: _parse_text(value, PURPOSE, MAX_PURPOSE_LENGTH),
        AMOUNT: _parse_amount,
        PLAN_LINE: plan_index.key_for,
    }
    parsed, errors = {}, []
    for name in FIELDS:
        try:
            parsed[name] = parsers[name](cells[name])
        except _CellProblem as problem:
            message = _("Row %(row)s, %(column)s: %(problem)s") % {
                "row": number,
                "column": column_label(name),
                "problem": problem.problem,
            }
            errors.append(ReceiptError(number, name, message))
    if errors:
        return None, errors
    return ReceiptRow(line_no=number, **parsed), []


def _shown(value) -> str:
    """A cell's content quoted in a message: one line, no invisible characters, at most 40 characters."""
    text = without_controls(str(value), multiline=False).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _parse_text(value, name: str, limit: int) -> str:
    if _is_empty(value):
        raise _CellProblem({PAYEE: _("the payee is missing."), PURPOSE: _("the purpose is missing.")}[name])
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime | date):
        value = value.strftime("%d.%m.%Y")
    text = " ".join(without_controls(str(value), multiline=False).split())
    if len(text) > limit:
        raise _CellProblem(_("the text is longer than %(limit)s characters.") % {"limit": limit})
    return text


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
EXCEL_SERIAL_RANGE = (32874, 73051)  # 1 January 1990 to 1 January 2100


def _parse_date(value) -> date:
    if _is_empty(value):
        raise _CellProblem(_("the date is missing."))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A real Excel date in a cell without a date format arrives as its serial number.
        if EXCEL_SERIAL_RANGE[0] <= value < EXCEL_SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
    elif isinstance(value, str):
        text = value.strip()
        if match := _GERMAN_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            year = year + 2000 if len(match.group(3)) == 2 else year
            return _date_or_problem(value, year, month, day)
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return _date_or_problem(value, year, month, day)
    raise _CellProblem(_not_a_date(value))


def _not_a_date(value) -> str:
    return _("'%(value)s' is not a date. Please write it as 31.12.2026.") % {"value": _shown(value)}


def _date_or_problem(value, year: int, month: int, day: int) -> date:
    try:
        found = date(year, month, day)
    except ValueError as error:
        raise _CellProblem(_not_a_date(value)) from error
    if found.year < 1900:
        raise _CellProblem(_not_a_date(value))
    return found


_CURRENCY = re.compile(r"€|\bEUR(?:O)?\b", re.IGNORECASE)
_GROUP_SEPARATORS = " .,'\u00a0\u202f"


def _parse_amount(value) -> Decimal:
    if _is_empty(value):
        raise _CellProblem(_("the amount is missing."))
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise _CellProblem(_not_an_amount(value))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = _amount_from_float(value)
    else:
        amount = _amount_from_text(str(value))
    if not amount.is_finite():
        raise _CellProblem(_not_an_amount(value))
    if amount < 0:
        raise _CellProblem(
            _(
                "'%(value)s' is negative. A refund is not a receipt: please subtract it from the amount of the "
                "receipt it belongs to."
            )
            % {"value": _shown(value)}
        )
    if amount == 0:
        raise _CellProblem(_("the amount is zero. Only payments that were made belong in the list."))
    if amount > MAX_AMOUNT:
        raise _CellProblem(_("'%(value)s' is too large for one receipt.") % {"value": _shown(value)})
    if amount != amount.quantize(CENT):
        raise _CellProblem(_("'%(value)s' has more than two decimal places.") % {"value": _shown(value)})
    return amount.quantize(CENT)


def _not_an_amount(value) -> str:
    return _("'%(value)s' is not an amount.") % {"value": _shown(value)}


def _amount_from_float(value: float) -> Decimal:
    """A number cell: the shortest decimal that is the float, with the rounding noise of a formula removed
    (0.1 + 0.2 is 0.30000000000000004)."""
    try:
        amount = Decimal(repr(value))
    except InvalidOperation as error:
        raise _CellProblem(_not_an_amount(value)) from error
    if amount.is_finite() and abs(amount - amount.quantize(CENT)) < Decimal("0.000001"):
        return amount.quantize(CENT)
    return amount


def _amount_from_text(original: str) -> Decimal:
    """1.234,56 / 1234,56 / 1234.56 / 1 234,56 € / 1,234.56: the last separator followed by other than three
    digits is the decimal one; a single point followed by three digits groups thousands (German 1.234)."""
    text = _CURRENCY.sub("", original).replace("\u2212", "-").strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-") or text.endswith("-"):
        negative, text = True, text.strip("-").strip()
    text = text.removeprefix("+").strip()
    if not text or not re.fullmatch(r"[\d .,'\u00a0\u202f]+", text) or not any(ch.isdigit() for ch in text):
        raise _CellProblem(_not_an_amount(original))
    whole, fraction = text, ""
    marks = [index for index, ch in enumerate(text) if ch in ".,"]
    if marks:
        last = marks[-1]
        mark, after = text[last], text[last + 1 :]
        earlier = {text[index] for index in marks[:-1]}
        thousands = mark in earlier or (len(after) == 3 and (mark == "." and "," not in text))
        if not thousands:
            whole, fraction = text[:last], after
    if fraction and not fraction.isdigit():
        raise _CellProblem(_not_an_amount(original))
    digits = _whole_digits(whole.strip(), original)
    amount = Decimal(f"{digits or '0'}.{fraction or '0'}")
    return -amount if negative else amount


def _whole_digits(whole: str, original: str) -> str:
    """The digits of the part before the decimal separator, if its thousands are grouped consistently."""
    if whole.isdigit() or whole == "":
        return whole
    separators = {" " if ch in " \u00a0\u202f" else ch for ch in whole if ch in _GROUP_SEPARATORS}
    groups = re.split(r"[ .,'\u00a0\u202f]", whole)
    if len(separators) != 1 or not re.fullmatch(r"[1-9]\d{0,2}", groups[0]):
        raise _CellProblem(_not_an_amount(original))
    if not all(re.fullmatch(r"\d{3}", group) for group in groups[1:]):
        raise _CellProblem(_not_an_amount(original))
    return "".join(groups)


def _normalised(text) -> str:
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    text = without_controls(str(text), multiline=False)
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]  # the apostrophe our own CSV puts before a formula-like label
    return " ".join(text.casefold().split())


class _PlanIndex:
    """Finds the plan line a cell names: by key first, then by label (case does not matter)."""

    def __init__(self, plan_lines: Sequence[PlanLineChoice]):
        self.plan_lines = list(plan_lines)
        self.by_key = {_normalised(choice.key): choice.key for choice in plan_lines}
        self.by_label: dict[str, set[str]] = defaultdict(set)
        for choice, text in zip(plan_lines, _choice_texts(plan_lines), strict=True):
            self.by_label[_normalised(choice.label)].add(choice.key)
            self.by_label[_normalised(text)].add(choice.key)

    def _choices(self) -> str:
        texts = _choice_texts(self.plan_lines)
        shown = " | ".join(texts[:10]) + (" | …" if len(texts) > 10 else "")
        return shown or "—"

    def key_for(self, value) -> str:
        if _is_empty(value):
            problem = _("the plan line is missing. Choose one of: %(choices)s.")
            raise _CellProblem(problem % {"choices": self._choices()})
        name = _normalised(value)
        if name in self.by_key:
            return self.by_key[name]
        keys = self.by_label.get(name, set())
        if len(keys) == 1:
            return next(iter(keys))
        if len(keys) > 1:
            raise _CellProblem(
                _("'%(value)s' fits more than one plan line. Please choose from the list.") % {"value": _shown(value)}
            )
        raise _CellProblem(
            _("'%(value)s' is not a line of the approved plan. Choose one of: %(choices)s.")
            % {"value": _shown(value), "choices": self._choices()}
        )


def receipt_totals(rows: Iterable[ReceiptRow]) -> dict[str, Decimal]:
    """The sum of the receipts per plan line (key), in the order the plan lines first occur."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.plan_line] = totals.get(row.plan_line, Decimal("0.00")) + row.amount
    return {key: total.quantize(CENT) for key, total in totals.items()}
