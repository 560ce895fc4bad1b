"""Payment files for the finance office: the SEPA file passes the official pain.001.001.03 schema (the XSD that
ships inside the sepaxml package, loaded here on its own), its sums and counts are right, names and texts are in
the SEPA character set; the CSV reads back to the same figures."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.payment_files import Debtor, PaymentFileError, PaymentLine, pain001, payment_csv, sepa_text

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SEPA_SET = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
EXECUTION = date(2026, 6, 1)


@pytest.fixture(scope="module")
def schema():
    """The official ISO 20022 schema as the package ships it; not the library's own validation call."""
    return xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / "pain.001.001.03.xsd"))


@pytest.fixture(scope="module")
def debtor():  # immutable, so shared
    return Debtor(name="Die Senatorin für Arbeit, Soziales, Jugend und Integration", iban="DE89370400440532013000")


@pytest.fixture
def lines():
    return [
        PaymentLine(
            end_to_end_id="PR-2026-0001",
            creditor_name="Deutsch-Türkischer Elternverein Bremen e.V.",
            iban="DE21 2905 0101 0001 2345 67",
            amount=Decimal("1234.50"),
            remittance="Zuwendung Sprachcafé, 1. Rate; Bescheid vom 03.03.2026",
        ),
        PaymentLine(
            end_to_end_id="PR-2026-0002",
            creditor_name="Şükrü Yılmaz für die Initiative Nachbarschaft",
            iban="NL91ABNA0417164300",
            bic="ABNANL2A",
            amount=Decimal("500.00"),
            remittance="Hausaufgabenhilfe Gröpelingen",
        ),
        PaymentLine(
            end_to_end_id="PR-2026-0003",
            creditor_name="Олександр Шевченко",
            iban="DE89370400440532013000",
            amount=Decimal("1.01"),
            remittance="Straßenfest",
        ),
    ]


def parsed(xml: bytes):
    return ET.fromstring(xml)


def test_the_sepa_file_passes_the_official_schema(schema, debtor, lines):
    xml = pain001(debtor, lines, EXECUTION, "TEILHABE-20260601-1")
    schema.validate(xml.decode())  # raises on the first violation
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_the_schema_check_does_catch_a_broken_file(schema, debtor, lines):
    """The validation above is not a formality: a negative amount and an unknown charge bearer are refused."""
    xml = pain001(debtor, lines, EXECUTION, "TEILHABE-20260601-1")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(xml.replace(b">1.01<", b">-1.01<").decode())
    broken = xml.replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>NONE</ChrgBr>")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(broken.decode())


def test_sums_counts_and_accounts_are_right(debtor, lines):
    root = parsed(pain001(debtor, lines, EXECUTION, "TEILHABE-20260601-1"))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == "TEILHABE-20260601-1"
    # 1234.50 + 500.00 + 1.01 = 1735.51, added by hand
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "1735.51"

    batches = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert len(batches) == 1
    batch = batches[0]
    assert batch.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert batch.findtext("p:CtrlSum", namespaces=NS) == "1735.51"
    assert batch.findtext("p:ReqdExctnDt", namespaces=NS) == "2026-06-01"
    assert batch.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    assert batch.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "COBADEFFXXX"  # from the IBAN

    transfers = batch.findall("p:CdtTrfTxInf", NS)
    assert [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers] == [
        "PR-2026-0001",
        "PR-2026-0002",
        "PR-2026-0003",
    ]
    assert [t.findtext("p:Amt/p:InstdAmt", namespaces=NS) for t in transfers] == ["1234.50", "500.00", "1.01"]
    assert {t.find("p:Amt/p:InstdAmt", NS).get("Ccy") for t in transfers} == {"EUR"}
    assert transfers[0].findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE21290501010001234567"
    assert transfers[1].findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "ABNANL2A"
    assert transfers[0].find("p:CdtrAgt", NS) is None  # no BIC given: IBAN only, as SEPA allows


def test_names_and_texts_are_transliterated_to_the_sepa_set(debtor, lines):
    root = parsed(pain001(debtor, lines, EXECUTION, "TEILHABE-20260601-1"))
    names = [n.text for n in root.findall(".//p:Nm", NS)]
    texts = [n.text for n in root.findall(".//p:Ustrd", NS)]
    assert "Die Senatorin fuer Arbeit, Soziales, Jugend und Integration" in names
    assert "Deutsch-Tuerkischer Elternverein Bremen e.V." in names
    assert "Suekrue Yilmaz fuer die Initiative Nachbarschaft" in names
    assert "Oleksandr Shevchenko" in names
    assert texts == [
        "Zuwendung Sprachcafe, 1. Rate, Bescheid vom 03.03.2026",
        "Hausaufgabenhilfe Groepelingen",
        "Strassenfest",
    ]
    for text in names + texts:
        assert set(text) <= SEPA_SET


@pytest.mark.parametrize(
    "typed, sepa",
    [
        ("Müller", "Mueller"),
        ("MÜLLER", "MUELLER"),
        ("Ärztinnen für Öffentlichkeit", "Aerztinnen fuer Oeffentlichkeit"),
        ("Straße", "Strasse"),
        ("Çiğdem Öztürk", "Cigdem Oeztuerk"),
        ("İlknur Işık", "Ilknur Isik"),
        ("محمد", "mHmd"),
        ("Олександр", "Oleksandr"),
        ("Café & Bar", "Cafe + Bar"),
        ("Spende 100 %", "Spende 100 ."),  # EPC: no meaningful replacement → full stop
        ("Danke 🙂", "Danke ."),
        ("Zeile\neins\t zwei", "Zeile eins zwei"),
    ],
)
def test_worked_examples_of_the_character_set(typed, sepa):
    assert sepa_text(typed, 140) == sepa


def test_a_remittance_longer_than_140_after_transliteration_is_cut(debtor):
    line = PaymentLine("PR-1", "Verein", "DE89370400440532013000", Decimal("10.00"), "ü" * 100)
    root = parsed(pain001(debtor, [line], EXECUTION, "M-1"))
    text = root.find(".//p:Ustrd", NS).text
    assert text == "ue" * 70 and len(text) == 140


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_becomes_sepa_characters_within_the_length(text):
    result = sepa_text(text, 70)
    assert set(result) <= SEPA_SET
    assert len(result) <= 70
    assert result == result.strip()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=99_999_999_99), min_size=1, max_size=12))
def test_the_control_sum_is_the_sum_of_the_amounts_to_the_cent(schema, debtor, cents):
    amounts = [Decimal(c) / 100 for c in cents]
    lines = [
        PaymentLine(f"PR-{i}", "Verein", "DE21290501010001234567", amount, "Zuwendung")
        for i, amount in enumerate(amounts)
    ]
    xml = pain001(debtor, lines, EXECUTION, "M-1")
    schema.validate(xml.decode())
    header = parsed(xml).find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS)) == sum(amounts)
    assert int(header.findtext("p:NbOfTxs", namespaces=NS)) == len(amounts)


@pytest.mark.parametrize(
    "change, refused",
    [
        ({"amount": Decimal("10.005")}, "whole cents"),
        ({"amount": Decimal("0.00")}, "between"),
        ({"amount": Decimal("-5.00")}, "between"),
        ({"amount": 10.5}, "Decimal"),
        ({"iban": "DE88370400440532013000"}, "IBAN"),
        ({"iban": "TR330006100519786457841326"}, "SEPA area"),
        ({"bic": "COBA"}, "BIC"),
        ({"end_to_end_id": "has spaces"}, "reference"),
        ({"end_to_end_id": "x" * 36}, "reference"),
        ({"end_to_end_id": "-1"}, "reference"),
        ({"creditor_name": "   "}, "name"),
    ],
)
def test_it_refuses_payments_it_cannot_write(change, refused):
    fields = {
        "end_to_end_id": "PR-1",
        "creditor_name": "Verein",
        "iban": "DE89370400440532013000",
        "amount": Decimal("10.00"),
        "remittance": "Zuwendung",
    }
    with pytest.raises(PaymentFileError, match=refused):
        PaymentLine(**{**fields, **change})


def test_it_refuses_an_empty_file_and_repeated_references(debtor, lines):
    with pytest.raises(PaymentFileError, match="at least one"):
        pain001(debtor, [], EXECUTION, "M-1")
    with pytest.raises(PaymentFileError, match="unique"):
        pain001(debtor, [lines[0], lines[0]], EXECUTION, "M-1")
    with pytest.raises(PaymentFileError, match="unique"):
        payment_csv(debtor, [lines[1], lines[1]], EXECUTION)
    with pytest.raises(PaymentFileError, match="reference"):
        pain001(debtor, lines, EXECUTION, "message id with spaces")


def read_csv(text: str) -> list[list[str]]:
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel looks for
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_csv_reads_back_to_the_same_figures(debtor, lines):
    rows = read_csv(payment_csv(debtor, lines, EXECUTION))
    header, *payments = rows
    assert header == [
        "Ausführungsdatum",
        "Auftraggeber",
        "Auftraggeber-IBAN",
        "Ende-zu-Ende-Referenz",
        "Empfänger",
        "IBAN",
        "BIC",
        "Betrag (EUR)",
        "Verwendungszweck",
    ]
    assert len(payments) == 3
    assert [row[7] for row in payments] == ["1234,50", "500,00", "1,01"]
    total = sum(Decimal(row[7].replace(",", ".")) for row in payments)
    assert total == Decimal("1735.51")  # as added by hand above
    assert {row[0] for row in payments} == {"01.06.2026"}
    assert {row[2] for row in payments} == {"DE89370400440532013000"}
    assert payments[0][3:7] == [
        "PR-2026-0001",
        "Deutsch-Türkischer Elternverein Bremen e.V.",  # the CSV keeps the name as typed
        "DE21290501010001234567",
        "",
    ]
    assert payments[0][8] == "Zuwendung Sprachcafé, 1. Rate; Bescheid vom 03.03.2026"  # the semicolon survives
    assert payments[2][4] == "Олександр Шевченко"


def test_a_name_that_looks_like_a_formula_never_runs_in_a_spreadsheet(debtor):
    line = PaymentLine("PR-1", '=HYPERLINK("http://x.example")', "DE89370400440532013000", Decimal("1.00"), "-1")
    rows = read_csv(payment_csv(debtor, [line], EXECUTION))
    assert rows[1][4] == '\'=HYPERLINK("http://x.example")'
    assert rows[1][8] == "'-1"
