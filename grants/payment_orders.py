"""Payment orders: the released payments of one issuing authority as the finance office imports them (a SEPA
credit transfer file, pain.001, and a CSV of the same payments)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from grants.errors import ApplicationError
from grants.models import PaymentRequest
from grants.payment_files import Debtor, PaymentFileError, PaymentLine, pain001, payment_csv


def debtor_of(authority) -> Debtor:
    if not authority.iban:
        raise ApplicationError(
            _("The issuing authority has no account for payments yet. An administrator must add it in its settings.")
        )
    try:
        return Debtor(name=authority.account_holder or authority.name, iban=authority.iban, bic=authority.bic)
    except PaymentFileError as error:
        raise ApplicationError(str(error)) from None


def order_lines(payments: list[PaymentRequest]) -> list[PaymentLine]:
    return [
        PaymentLine(
            end_to_end_id=payment.end_to_end_id,
            creditor_name=payment.payee_holder,
            iban=payment.payee_iban,
            bic=payment.payee_bic,
            amount=payment.amount,
            remittance=f"{payment.end_to_end_id} Zuwendung {payment.grant.application.title}",
        )
        for payment in payments
    ]


def payment_order(*, authority, payments: list[PaymentRequest], execution_date: date, fmt: str) -> bytes:
    """The order file for these released payments: "xml" (pain.001) or "csv"."""
    if not payments:
        raise ApplicationError(_("Choose at least one released payment."))
    debtor = debtor_of(authority)
    lines = order_lines(payments)
    if fmt == "csv":
        return payment_csv(debtor, lines, execution_date).encode("utf-8")
    message_id = f"TH-{authority.pk}-{timezone.now():%Y%m%d%H%M%S}"
    return pain001(debtor, lines, execution_date, message_id)
