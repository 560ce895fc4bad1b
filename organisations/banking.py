"""IBAN and BIC: normalising, checking and looking up with schwifty (no database).

Every message says what is wrong in words a treasurer understands, and belongs next to the field: the IBAN's, or
the BIC's when the BIC does not fit the IBAN.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN, exceptions


@dataclass(frozen=True)
class BankDetails:
    iban: str  # normalised: no spaces, upper case
    bic: str  # as entered (normalised), else derived from the IBAN, else ""
    bank_name: str  # "" where schwifty's bank registry does not know the bank


def compact(value: str) -> str:
    """What was typed, without spaces (and the dashes some statements print) and in upper case."""
    return "".join(value.split()).replace("-", "").upper()


def grouped(iban: str) -> str:
    """DE89370400440532013000 → DE89 3704 0044 0532 0130 00, as on a bank card."""
    iban = compact(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def masked(iban: str) -> str:
    """Only the country code and the last four characters: enough to recognise the account, not to use it."""
    iban = compact(iban)
    if len(iban) <= 6:
        return grouped(iban)
    return grouped(iban[:2] + "•" * (len(iban) - 6) + iban[-4:])


def checked_iban(value: str) -> IBAN:
    """The IBAN, or a ValidationError saying what is wrong with it (for an account in the SEPA area only)."""
    iban = compact(value or "")
    if not iban:
        raise ValidationError(_("Enter the IBAN of the account."), code="required")
    if not iban.isascii() or not iban.isalnum():
        raise ValidationError(
            _("An IBAN has only letters and digits, for example DE89 3704 0044 0532 0130 00."), code="characters"
        )
    if len(iban) < 5 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        raise ValidationError(
            _("An IBAN starts with the country code and two check digits, for example DE89 for an account in Germany."),
            code="structure",
        )
    try:
        account = IBAN(iban)
    except exceptions.InvalidCountryCode:
        raise ValidationError(
            _("%(code)s is not the code of a country that uses IBANs. Please check the first two letters.")
            % {"code": iban[:2]},
            code="country",
        ) from None
    except exceptions.InvalidLength:
        expected = IBAN(iban, allow_invalid=True).spec.iban_length
        raise ValidationError(
            _(
                "An IBAN from %(code)s has %(expected)s characters, but this one has %(actual)s. "
                "Please check for a missing or extra digit."
            )
            % {"code": iban[:2], "expected": expected, "actual": len(iban)},
            code="length",
        ) from None
    except exceptions.InvalidChecksumDigits:
        raise ValidationError(
            _(
                "The check digits of this IBAN do not match its other digits, so it probably has a typing error. "
                "Please compare it with your bank statement."
            ),
            code="checksum",
        ) from None
    except exceptions.SchwiftyException:
        raise ValidationError(
            _("This is not a valid IBAN for an account in %(code)s. Please compare it with your bank statement.")
            % {"code": iban[:2]},
            code="structure",
        ) from None
    if not account.in_sepa_zone or account.is_aspirational:
        raise ValidationError(
            _("Grants can only be paid into accounts in the SEPA area, and %(code)s is not part of it.")
            % {"code": iban[:2]},
            code="not_sepa",
        )
    return account


def checked_bic(value: str, account: IBAN) -> str:
    """The BIC, normalised, if it is well formed and fits the IBAN's bank; "" for none given."""
    bic = compact(value or "")
    if not bic:
        return ""
    try:
        code = BIC(bic)
    except exceptions.SchwiftyException:
        raise ValidationError(
            _("A BIC has 8 or 11 letters and digits, for example COBADEFFXXX."), code="bic_format"
        ) from None
    if code.country_code != account.country_code:
        raise ValidationError(
            _("This BIC is for a bank in %(bic_country)s, but the IBAN is for an account in %(iban_country)s.")
            % {"bic_country": code.country_code, "iban_country": account.country_code},
            code="bic_country",
        )
    known_codes = code.domestic_bank_codes
    if known_codes and account.bank_code and account.bank_code not in known_codes:
        raise ValidationError(
            _(
                "This BIC belongs to a different bank than the IBAN. "
                "Leave the BIC empty and it will be taken from the IBAN."
            ),
            code="bic_bank",
        )
    return bic


def bank_details(iban: str, bic: str = "") -> BankDetails:
    """Check both and fill in what schwifty knows. Raises ValidationError with the messages per field."""
    try:
        account = checked_iban(iban)
    except ValidationError as error:
        raise ValidationError({"iban": error}) from None
    try:
        bic = checked_bic(bic, account)
    except ValidationError as error:
        raise ValidationError({"bic": error}) from None
    derived = account.bic
    bank_name = account.bank_name or ""
    if not bic and derived is not None:
        bic = str(derived)
    if not bank_name and bic:
        names = BIC(bic).bank_names
        bank_name = names[0] if names else ""
    return BankDetails(iban=account.compact, bic=bic, bank_name=bank_name)
