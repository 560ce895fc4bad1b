"""The receipt list: a template the organisation fills in reads back as the receipts it typed, German Excel's own
CSV reads too, and every bad cell or bad file gets a message with row and column instead of an error page."""

import csv
import io
import os
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from applications.uploads import MAX_UPLOAD_BYTES
from grants.receipts import (
    PlanLineChoice,
    ReceiptRow,
    parse_receipts,
    receipt_template_csv,
    receipt_template_xlsx,
    receipt_totals,
)

D = Decimal
PLAN = [
    PlanLineChoice("11", "Honorare"),
    PlanLineChoice("12", "Miete, Nebenkosten"),
    PlanLineChoice("13", "Material"),
]
HEADER = "Datum;Zahlungsempfänger;Zweck;Betrag (EUR);Planposition"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(content: bytes, name: str = "belege.csv", plan=PLAN):
    return parse_receipts(SimpleUploadedFile(name, content), plan)


def messages(result) -> list[str]:
    return [error.message for error in result.errors]


def german_csv(*lines: str, encoding: str = "cp1252") -> bytes:
    """A file as German Excel saves "CSV (Trennzeichen-getrennt)": semicolons, Windows-1252, CRLF."""
    return "\r\n".join([HEADER, *lines, ""]).encode(encoding)


def one_row(line: str):
    return parse(german_csv(line))


# Round trip through the templates


def test_a_filled_in_xlsx_template_reads_back_as_the_same_receipts():
    workbook = load_workbook(io.BytesIO(receipt_template_xlsx(PLAN, "en")))
    sheet = workbook["Belegliste"]
    sheet.append([datetime(2026, 4, 2), "Stadtteilhaus Gröpelingen", "Saalmiete April", 450, "Miete, Nebenkosten"])
    sheet.append([datetime(2026, 4, 9), "Aylin Demir", "Honorar Sprachcafé", 1234.56, "Honorare"])
    sheet.append([datetime(2026, 4, 30), "Copyshop Nord", "Flyer, 500 Stück", D("89.90"), "material"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse(buffer.getvalue(), "belegliste.xlsx")

    assert result.errors == []
    assert result.rows == [
        ReceiptRow(4, date(2026, 4, 2), "Stadtteilhaus Gröpelingen", "Saalmiete April", D("450.00"), "12"),
        ReceiptRow(5, date(2026, 4, 9), "Aylin Demir", "Honorar Sprachcafé", D("1234.56"), "11"),
        ReceiptRow(6, date(2026, 4, 30), "Copyshop Nord", "Flyer, 500 Stück", D("89.90"), "13"),
    ]


def test_a_filled_in_csv_template_reads_back_as_the_same_receipts():
    buffer = io.StringIO()
    buffer.write(receipt_template_csv(PLAN, "en"))
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["02.04.2026", "Stadtteilhaus Gröpelingen", "Saalmiete April", "450,00", "Miete, Nebenkosten"])
    writer.writerow(["09.04.2026", "Aylin Demir", "Honorar; Sprachcafé", "1.234,56", "HONORARE"])

    result = parse(buffer.getvalue().encode("utf-8"))

    assert result.errors == []
    assert result.rows == [
        ReceiptRow(4, date(2026, 4, 2), "Stadtteilhaus Gröpelingen", "Saalmiete April", D("450.00"), "12"),
        ReceiptRow(5, date(2026, 4, 9), "Aylin Demir", "Honorar; Sprachcafé", D("1234.56"), "11"),
    ]


def test_the_xlsx_template_has_german_columns_hints_an_example_a_dropdown_and_formats():
    workbook = load_workbook(io.BytesIO(receipt_template_xlsx(PLAN, "en")))
    sheet = workbook["Belegliste"]
    rows = list(sheet.iter_rows(min_row=1, max_row=3, values_only=True))

    assert rows[0][0] == "Date of payment, as dd.mm.yyyy"
    assert rows[1] == ("Datum", "Zahlungsempfänger", "Zweck", "Betrag (EUR)", "Planposition")
    assert sheet["A2"].comment.text == "Date of payment, as dd.mm.yyyy"
    assert rows[2][1].startswith("BEISPIEL:") and "skipped on import" in rows[2][2]
    assert sheet["A3"].number_format == "DD.MM.YYYY" and sheet["D3"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].number_format == "DD.MM.YYYY"
    assert sheet.column_dimensions["D"].number_format == "#,##0.00"

    dropdown = next(check for check in sheet.data_validations.dataValidation if check.type == "list")
    assert dropdown.formula1 == "Planpositionen!$A$2:$A$4"
    assert "E3:E5003" in str(dropdown.sqref)
    listed = [row[0] for row in workbook["Planpositionen"].iter_rows(min_row=2, values_only=True)]
    assert listed == ["Honorare", "Miete, Nebenkosten", "Material"]


def test_the_unchanged_templates_hold_no_receipts_and_no_errors():
    assert parse(receipt_template_xlsx(PLAN, "en"), "t.xlsx").rows == []
    assert parse(receipt_template_xlsx(PLAN, "en"), "t.xlsx").errors == []
    assert parse(receipt_template_csv(PLAN, "en").encode("utf-8")).errors == []


def test_two_plan_lines_with_the_same_label_are_told_apart_by_their_key():
    plan = [PlanLineChoice("21", "Honorare"), PlanLineChoice("22", "Honorare")]
    workbook = load_workbook(io.BytesIO(receipt_template_xlsx(plan, "en")))
    listed = [row[0] for row in workbook["Planpositionen"].iter_rows(min_row=2, values_only=True)]
    assert listed == ["Honorare (21)", "Honorare (22)"]

    result = parse(german_csv("01.05.2026;A;B;10;Honorare (22)", "01.05.2026;A;B;10;Honorare"), plan=plan)
    assert [row.plan_line for row in result.rows] == ["22"]
    assert messages(result) == [
        "Row 3, plan line: 'Honorare' fits more than one plan line. Please choose from the list."
    ]


def test_a_label_that_looks_like_a_formula_stays_text_in_the_template():
    plan = [PlanLineChoice("31", '=HYPERLINK("http://x")')]
    sheet = load_workbook(io.BytesIO(receipt_template_xlsx(plan, "en")))["Planpositionen"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert "'=HYPERLINK" in receipt_template_csv(plan, "en")


# What spreadsheet programs write


def test_a_german_excel_csv_in_windows_1252_reads():
    result = one_row("31.12.2026;Bäckerei Müller;Brötchen für das Straßenfest;1.234,56;Honorare")
    assert result.rows == [
        ReceiptRow(2, date(2026, 12, 31), "Bäckerei Müller", "Brötchen für das Straßenfest", D("1234.56"), "11")
    ]


def test_a_comma_separated_utf8_csv_with_iso_dates_reads():
    content = 'Datum,Zahlungsempfänger,Zweck,Betrag (EUR),Planposition\n2026-12-31,Çiğdem,Çay,"12,50",13\n'
    result = parse(content.encode("utf-8"))
    assert result.rows == [ReceiptRow(2, date(2026, 12, 31), "Çiğdem", "Çay", D("12.50"), "13")]


def test_a_utf8_csv_with_byte_order_mark_reads():
    result = parse(b"\xef\xbb\xbf" + german_csv("01.06.2026;Müller;Miete;100;Miete, Nebenkosten", encoding="utf-8"))
    assert [(row.payee, row.plan_line) for row in result.rows] == [("Müller", "12")]


def test_excels_unicode_text_export_reads():
    # "Unicode-Text (*.txt)": UTF-16 with byte order mark, tab-separated
    content = "Datum\tZahlungsempfänger\tZweck\tBetrag (EUR)\tPlanposition\r\n07.07.2026\tМария\tЧай\t3,50\t13\r\n"
    result = parse(content.encode("utf-16"), "belege.txt")
    assert result.rows == [ReceiptRow(2, date(2026, 7, 7), "Мария", "Чай", D("3.50"), "13")]


def test_a_plan_line_is_found_by_its_key_or_its_label_in_any_case():
    result = parse(
        german_csv("01.02.2026;A;B;1;12", "01.02.2026;A;B;1;  miete,   NEBENKOSTEN ", "01.02.2026;A;B;1;MATERIAL")
    )
    assert [row.plan_line for row in result.rows] == ["12", "12", "13"]


def test_columns_in_another_order_and_extra_columns_are_read_by_their_names():
    content = (
        "Nr.;Betrag;Planposition;Zweck;Datum;Zahlungsempfänger\r\n1;20,00;Material;Stifte;03.03.2026;Papeterie\r\n"
    )
    result = parse(content.encode("cp1252"))
    assert result.rows == [ReceiptRow(2, date(2026, 3, 3), "Papeterie", "Stifte", D("20.00"), "13")]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1\u00a0234,56\u00a0€", "1234.56"),
        ("EUR 7", "7.00"),
        ("12,5", "12.50"),
        ("1.234", "1234.00"),
        ("1.234.567,80", "1234567.80"),
        ("1,234.56", "1234.56"),
        (",99", "0.99"),
    ],
)
def test_amounts_are_read_as_germans_and_others_write_them(written, amount):
    result = one_row(f"01.02.2026;A;B;{written};Material")
    assert result.errors == []
    assert result.rows[0].amount == D(amount)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("31.12.2026", date(2026, 12, 31)),
        ("1.2.2026", date(2026, 2, 1)),
        ("2026-12-31", date(2026, 12, 31)),
        ("31.12.26", date(2026, 12, 31)),
        ("31.12.2026 00:00", date(2026, 12, 31)),
    ],
)
def test_dates_are_read_in_german_and_iso_form(written, day):
    assert one_row(f"{written};A;B;1,00;Material").rows[0].date == day


def test_number_and_date_cells_of_a_workbook_are_read_as_they_are():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Zahlungsempfänger", "Zweck", "Betrag (EUR)", "Planposition"])
    sheet.append([datetime(2026, 12, 31), "A", "B", 0.1 + 0.2, 13])  # a formula's rounding noise
    sheet.append([46387, "A", "B", 15, "Material"])  # 46387: Excel's number for 31.12.2026 (45658 = 1.1.2025)
    sheet.append([date(2026, 1, 2), 1860, "B", D("99.99"), "material"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse(buffer.getvalue(), "export.xlsx")

    assert result.errors == []
    assert [(row.date, row.payee, row.amount, row.plan_line) for row in result.rows] == [
        (date(2026, 12, 31), "A", D("0.30"), "13"),
        (date(2026, 12, 31), "A", D("15.00"), "13"),
        (date(2026, 1, 2), "1860", D("99.99"), "13"),
    ]


def test_empty_rows_and_the_example_row_are_skipped_and_rows_keep_their_numbers():
    result = parse(
        german_csv(
            "15.03.2026;BEISPIEL: Druckerei Muster GmbH;Beispiel;149,90;Material",
            ";;;;",
            "",
            "04.03.2026;Papeterie;Stifte;20,00;Material",
        )
    )
    assert [(row.line_no, row.payee) for row in result.rows] == [(5, "Papeterie")]
    assert result.errors == []


def test_text_is_kept_as_text_without_invisible_characters():
    result = parse(german_csv("01.02.2026;=HYPERLINK(1);Miete\u202eabc\u200b;5;Material", encoding="utf-8"))
    assert result.rows[0].payee == "=HYPERLINK(1)"
    assert result.rows[0].purpose == "Mieteabc"


# Bad cells: a message with row and column; the row is left out, the good rows stay


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("01.02.2026;A;B;12,3,4;Material", "Row 2, amount: '12,3,4' is not an amount."),
        ("01.02.2026;A;B;zwölf;Material", "Row 2, amount: 'zwölf' is not an amount."),
        ("01.02.2026;A;B;12 34;Material", "Row 2, amount: '12 34' is not an amount."),
        ("01.02.2026;A;B;12,345;Material", "Row 2, amount: '12,345' has more than two decimal places."),
        (
            "01.02.2026;A;B;0,00;Material",
            "Row 2, amount: the amount is zero. Only payments that were made belong in the list.",
        ),
        (
            "01.02.2026;A;B;-25,00;Material",
            "Row 2, amount: '-25,00' is negative. A refund is not a receipt: please subtract it from the amount of "
            "the receipt it belongs to.",
        ),
        ("01.02.2026;A;B;;Material", "Row 2, amount: the amount is missing."),
        ("31.02.2026;A;B;1;Material", "Row 2, date: '31.02.2026' is not a date. Please write it as 31.12.2026."),
        ("12/31/2026;A;B;1;Material", "Row 2, date: '12/31/2026' is not a date. Please write it as 31.12.2026."),
        (";A;B;1;Material", "Row 2, date: the date is missing."),
        ("01.02.2026; ;B;1;Material", "Row 2, payee: the payee is missing."),
        ("01.02.2026;A;;1;Material", "Row 2, purpose: the purpose is missing."),
        (
            "01.02.2026;A;B;1;Catering",
            "Row 2, plan line: 'Catering' is not a line of the approved plan. Choose one of: Honorare | "
            "Miete, Nebenkosten | Material.",
        ),
        (
            "01.02.2026;A;B;1;",
            "Row 2, plan line: the plan line is missing. Choose one of: Honorare | Miete, Nebenkosten | Material.",
        ),
        ("01.02.2026;A;B;12345678901;Material", "Row 2, amount: '12345678901' is too large for one receipt."),
    ],
)
def test_each_bad_cell_is_named_with_row_and_column(line, message):
    result = one_row(line)
    assert messages(result) == [message]
    assert result.rows == []


def test_a_row_with_several_problems_gets_one_message_per_cell_and_good_rows_stay():
    result = parse(german_csv("01.02.2026;Papeterie;Stifte;20,00;Material", "gestern;A;B;-1;Catering"))
    assert [row.payee for row in result.rows] == ["Papeterie"]
    assert [(error.line_no, error.column) for error in result.errors] == [(3, "date"), (3, "amount"), (3, "plan_line")]


def test_a_too_long_payee_is_refused():
    result = one_row(f"01.02.2026;{'x' * 201};B;1;Material")
    assert messages(result) == ["Row 2, payee: the text is longer than 200 characters."]


# Bad files: one message, never an exception


UNREADABLE_XLSX = (
    "This Excel file is damaged or not an Excel workbook (.xlsx), so it cannot be read. Please save it again as "
    ".xlsx or as CSV and upload it once more."
)
NOT_A_SPREADSHEET = (
    "This file is not a receipt list that can be read. Please upload the filled-in template as Excel workbook "
    "(.xlsx) or as CSV."
)


def test_a_list_of_5000_receipts_is_read_and_one_of_5001_is_refused():
    line = "01.02.2026;Papeterie;Stifte;1,00;Material"
    assert len(parse(german_csv(*[line] * 5000)).rows) == 5000

    result = parse(german_csv(*[line] * 5001))
    assert result.rows == []
    assert messages(result) == [
        "The list has more than 5000 receipts. Please split it and upload the parts one by one."
    ]


def test_a_workbook_of_5001_receipts_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Zahlungsempfänger", "Zweck", "Betrag (EUR)", "Planposition"])
    for _ in range(5001):
        sheet.append([date(2026, 2, 1), "A", "B", 1, "Material"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue(), "gross.xlsx")
    assert result.rows == [] and len(result.errors) == 1 and "more than 5000 receipts" in result.errors[0].message


def test_a_random_binary_blob_is_refused_with_a_message():
    blob = bytes(range(256)) * 8 + os.urandom(2048)
    assert messages(parse(blob, "belege.csv")) == [NOT_A_SPREADSHEET]
    assert messages(parse(blob, "belege.xlsx")) == [NOT_A_SPREADSHEET]


def test_a_csv_with_binary_content_after_the_header_is_refused():
    content = HEADER.encode("utf-8") + b"\r\n" + b"\x00\x01\x02\x03\xff" * 50
    assert messages(parse(content)) == [NOT_A_SPREADSHEET]


def test_a_corrupt_zip_renamed_xlsx_is_refused_with_a_message():
    assert messages(parse(b"PK\x03\x04" + b"\x14\x00" * 500, "belege.xlsx")) == [UNREADABLE_XLSX]


def test_a_truncated_workbook_is_refused_with_a_message():
    whole = receipt_template_xlsx(PLAN, "en")
    assert messages(parse(whole[: len(whole) // 2], "belege.xlsx")) == [UNREADABLE_XLSX]


def test_a_zip_that_is_no_workbook_is_refused_with_a_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert messages(parse(buffer.getvalue(), "belege.xlsx")) == [UNREADABLE_XLSX]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    assert messages(parse(buffer.getvalue(), "belege.xlsx")) == [
        "The file is too large. A receipt list may be up to 10 MB."
    ]


def test_an_opendocument_spreadsheet_is_refused_with_a_hint_to_save_as_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert messages(parse(buffer.getvalue(), "belege.ods")) == [
        "This is an OpenDocument spreadsheet (.ods). Please save it as Excel workbook (.xlsx) or CSV."
    ]


def compound_file(*stream_names: str) -> bytes:
    """The start of a compound file (as old .xls files and password-protected .xlsx files are) whose directory
    names the given streams, as Excel writes them (UTF-16)."""
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in stream_names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + directory


def test_a_password_protected_workbook_is_refused_with_a_message():
    content = compound_file("Root Entry", "EncryptionInfo", "EncryptedPackage")
    assert messages(parse(content, "belege.xlsx")) == [
        "This workbook is protected by a password, so it cannot be read. Please save it again without a password "
        "(File › Info › Protect workbook) and upload it once more."
    ]


def test_an_old_xls_file_is_refused_with_a_message():
    assert messages(parse(compound_file("Root Entry", "Workbook"), "belege.xls")) == [
        "This is an old Excel file (.xls). Please save it as Excel workbook (.xlsx) or as CSV and upload it."
    ]


def test_a_file_over_the_upload_limit_is_refused():
    content = german_csv("01.02.2026;A;B;1;Material") + b" " * MAX_UPLOAD_BYTES
    assert messages(parse(content)) == ["The file is too large. A receipt list may be up to 10 MB."]


def test_an_empty_file_is_refused():
    assert messages(parse(b"")) == ["The file is empty. Please choose the filled-in receipt list again."]


def test_a_list_without_the_header_row_is_refused_with_the_column_names():
    assert messages(parse(b"01.02.2026;A;B;1;Material\r\n")) == [
        "No header row was found. The receipt list needs the columns Datum, Zahlungsempfänger, Zweck, "
        "Betrag (EUR), Planposition; please use the template and keep its header row."
    ]


def test_a_header_without_a_needed_column_names_it():
    assert messages(parse("Datum;Zahlungsempfänger;Betrag;Planposition\r\n".encode())) == [
        "The header row lacks the column(s) Zweck. Please use the template and keep its header row."
    ]


# Totals


def test_totals_add_up_the_receipts_per_plan_line():
    rows = parse(
        german_csv(
            "01.02.2026;A;B;1.234,56;Honorare",
            "02.02.2026;A;B;0,44;Honorare",
            "03.02.2026;A;B;450;Miete, Nebenkosten",
            "04.02.2026;A;B;19,99;Material",
            "05.02.2026;A;B;0,01;Material",
        )
    ).rows
    # 1,234.56 + 0.44 = 1,235.00; 19.99 + 0.01 = 20.00
    assert receipt_totals(rows) == {"11": D("1235.00"), "12": D("450.00"), "13": D("20.00")}
    assert receipt_totals([]) == {}
