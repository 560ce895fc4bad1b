"""Payment orders for the finance office: a SEPA credit transfer file (pain.001.001.03) and a CSV of the same
payments. Pure: no database; the caller collects the released payments and the authority's account.

Texts in the SEPA file are restricted to the EPC's basic Latin character set (a–z, A–Z, 0–9, space and
/ - ? : ( ) . , ' +); see docs/adr/0011-payment-files.md for how other characters are converted. The CSV keeps
the names as they were typed (UTF-8), for the people who check it.
"""

import csv
import io
import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError
from text_unidecode import unidecode

SCHEMA = "pain.001.001.03"
CURRENCY = "EUR"
NAME_LENGTH = 70  # Max70Text: names of debtor and creditor
REMITTANCE_LENGTH = 140  # Max140Text: unstructured remittance information
ID_LENGTH = 35  # Max35Text: message id and end-to-end id
MAX_AMOUNT = Decimal("999999999.99")  # the largest amount the SEPA credit transfer scheme allows
CENT = Decimal("0.01")

SEPA_CHARACTERS = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
UNCONVERTIBLE = "."  # EPC conversion table: a character without a meaningful replacement becomes a full stop

# German letters as the German banks' DFÜ agreement prefers them (Ä → Ae, not A), before the general
# transliteration, which would drop the e.
GERMAN = {"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "SS"}
# Arabic and Persian letters the general transliteration leaves empty or gets wrong (alef, alef maksura, ta
# marbuta, hamza forms, Persian kaf).
ARABIC = {"ا": "a", "ى": "a", "ة": "a", "أ": "a", "إ": "i", "ء": "'", "ک": "k"}
# Punctuation outside the set, replaced by the nearest character inside it.
PUNCTUATION = {
    "&": "+",
    '"': "'",
    "`": "'",
    "_": "-",
    "[": "(",
    "{": "(",
    "<": "(",
    "]": ")",
    "}": ")",
    ">": ")",
    ";": ",",
}
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/\-?:().,'+]*")  # starts with a letter or digit: never a formula


class PaymentFileError(ValueError):
    """The payments cannot be written as given (a programming or data error, not something a user typed)."""


def sepa_text(text: str, max_length: int) -> str:
    """The text in the SEPA character set: umlauts as ae/oe/ue, other scripts transliterated to the closest Latin
    letters (Turkish, Cyrillic, Arabic, ...), anything without a replacement as a full stop; whitespace collapsed;
    cut to max_length."""
    converted = []
    text = unicodedata.normalize("NFC", text)
    for position, char in enumerate(text):
        if char in SEPA_CHARACTERS:
            converted.append(char)
        elif char in GERMAN:
            converted.append(_german(text, position, char))
        elif char.isspace() or unicodedata.category(char) == "Cc":
            converted.append(" ")
        elif unicodedata.category(char) == "Mn":
            continue  # a combining mark (an accent, an Arabic vowel sign): its letter is transliterated already
        else:
            converted.append(_latin(char))
    return " ".join("".join(converted).split())[:max_length].rstrip()


def _german(text: str, position: int, char: str) -> str:
    replacement = GERMAN[char]
    if char.isupper():
        neighbours = text[position - 1 : position] + text[position + 1 : position + 2]
        if any(c.isupper() for c in neighbours):  # MÜLLER → MUELLER, but Ärztin → Aerztin
            replacement = replacement.upper()
    return replacement


def _latin(char: str) -> str:
    if char in PUNCTUATION:
        return PUNCTUATION[char]
    if char in ARABIC:
        return ARABIC[char]
    latin = unidecode(char)
    if not latin:
        return UNCONVERTIBLE
    return "".join(c if c in SEPA_CHARACTERS else PUNCTUATION.get(c, UNCONVERTIBLE) for c in latin)


def _identifier(value: str, what: str) -> str:
    """Message and end-to-end ids: 1–35 characters of the SEPA set without spaces, no leading, trailing or double
    slash (EPC rules for references)."""
    if (
        not IDENTIFIER.fullmatch(value or "")
        or len(value) > ID_LENGTH
        or value.startswith("/")
        or value.endswith("/")
        or "//" in value
    ):
        raise PaymentFileError(f"{what} {value!r} is not a SEPA reference (1–35 characters, no spaces, no '//').")
    return value


def _iban(value: str, whose: str) -> str:
    try:
        iban = IBAN(value)
    except SchwiftyException as error:
        raise PaymentFileError(f"The IBAN of {whose} is not valid: {error}") from None
    if not iban.in_sepa_zone:
        raise PaymentFileError(f"The IBAN of {whose} is not in the SEPA area.")
    return iban.compact


def _bic(value: str, whose: str) -> str:
    if not value:
        return ""
    try:
        return BIC(value).compact
    except SchwiftyException as error:
        raise PaymentFileError(f"The BIC of {whose} is not valid: {error}") from None


@dataclass(frozen=True)
class Debtor:
    """The issuing authority's account the payments are made from."""

    name: str
    iban: str
    bic: str = ""

    def __post_init__(self):
        object.__setattr__(self, "iban", _iban(self.iban, "the authority"))
        bic = _bic(self.bic, "the authority")
        if not bic:  # derived from the IBAN where schwifty knows the bank
            derived = IBAN(self.iban).bic
            bic = derived.compact if derived is not None else ""
        object.__setattr__(self, "bic", bic)
        if not sepa_text(self.name, NAME_LENGTH):
            raise PaymentFileError("The authority needs a name for the payment file.")


@dataclass(frozen=True)
class PaymentLine:
    """One transfer: who gets how much, into which account, with which text on their statement."""

    end_to_end_id: str  # the reference the creditor's bank reports back; unique within a file
    creditor_name: str
    iban: str
    amount: Decimal
    remittance: str  # Verwendungszweck, at most 140 characters in the SEPA file
    bic: str = ""

    def __post_init__(self):
        _identifier(self.end_to_end_id, "End-to-end id")
        object.__setattr__(self, "iban", _iban(self.iban, self.end_to_end_id))
        object.__setattr__(self, "bic", _bic(self.bic, self.end_to_end_id))
        amount = self.amount
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise PaymentFileError(f"The amount of {self.end_to_end_id} must be a Decimal.")
        if amount != amount.quantize(CENT) or not CENT <= amount <= MAX_AMOUNT:
            raise PaymentFileError(
                f"The amount of {self.end_to_end_id} must be between 0.01 and {MAX_AMOUNT} euros, in whole cents."
            )
        if not sepa_text(self.creditor_name, NAME_LENGTH):
            raise PaymentFileError(f"The creditor of {self.end_to_end_id} needs a name.")

    @property
    def cents(self) -> int:
        return int(self.amount.quantize(CENT).scaleb(2))


def _checked(lines: Sequence[PaymentLine]) -> None:
    if not lines:
        raise PaymentFileError("A payment file needs at least one payment.")
    ids = [line.end_to_end_id for line in lines]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PaymentFileError(f"End-to-end ids must be unique within a file: {', '.join(duplicates)}.")


class _Transfer(SepaTransfer):
    """sepaxml's transfer with our message id instead of its random one (the finance office's reference)."""

    def __init__(self, config: dict, *, message_id: str):
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=False)

    def _create_header(self):
        self.msg_id = self._message_id
        super()._create_header()


def pain001(debtor: Debtor, lines: Sequence[PaymentLine], execution_date: date, message_id: str) -> bytes:
    """The SEPA credit transfer initiation (pain.001.001.03) for the bank: one batch on the execution date; sums
    and counts in the group header and the batch; validated against the schema before it is returned."""
    _checked(lines)
    _identifier(message_id, "Message id")
    config = {"name": sepa_text(debtor.name, NAME_LENGTH), "IBAN": debtor.iban, "currency": CURRENCY, "batch": True}
    if debtor.bic:
        config["BIC"] = debtor.bic
    transfer = _Transfer(config, message_id=message_id)
    for line in lines:
        payment = {
            "name": sepa_text(line.creditor_name, NAME_LENGTH),
            "IBAN": line.iban,
            "amount": line.cents,
            "execution_date": execution_date,
            "description": sepa_text(line.remittance, REMITTANCE_LENGTH),
            "endtoend_id": line.end_to_end_id,
        }
        if line.bic:
            payment["BIC"] = line.bic
        transfer.add_payment(payment)
    try:
        return transfer.export(validate=True)
    except SepaValidationError as error:
        raise PaymentFileError(f"The payment file does not match {SCHEMA}: {error.__cause__}") from error


CSV_HEADER = [
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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def german_amount(amount: Decimal) -> str:
    """1234.5 → 1234,50: decimal comma, two places, no thousands separator (which import programs misread)."""
    return f"{amount.quantize(CENT):f}".replace(".", ",")


def _cell(text: str, max_length: int) -> str:
    text = " ".join(unicodedata.normalize("NFC", text).split())[:max_length]
    return "'" + text if text.startswith(FORMULA_START) else text  # never a formula in a spreadsheet


def payment_csv(debtor: Debtor, lines: Sequence[PaymentLine], execution_date: date) -> str:
    """The same payments as a table for people and import programs: semicolons, German numbers and dates, a
    header row, UTF-8 with a byte-order mark so that Excel shows umlauts and Arabic names."""
    _checked(lines)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    day = execution_date.strftime("%d.%m.%Y")
    for line in lines:
        writer.writerow(
            [
                day,
                _cell(debtor.name, NAME_LENGTH),
                debtor.iban,
                line.end_to_end_id,
                _cell(line.creditor_name, NAME_LENGTH),
                line.iban,
                line.bic,
                german_amount(line.amount),
                _cell(line.remittance, REMITTANCE_LENGTH),
            ]
        )
    return buffer.getvalue()
