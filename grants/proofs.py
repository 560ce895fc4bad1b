"""The organisation writes and submits its proof of use (Verwendungsnachweis, ANBest-P Nr. 6).

Any member of the organisation may work on the draft: the narrative report (Sachbericht), the actual costs per line of
the approved plan, the own and third-party funds actually used, and the receipt list (Belegliste), typed in row by row
or imported from the template. Only a representative submits it, with the declaration of ANBest-P Nr. 6.

Each service is atomic and validates before it writes. None of them moves a process: the grant flow calls
`proof_submit` (see `workflow/flows/grant.py`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.formatting import format_money
from applications.models import EventKind
from applications.services import event_record
from grants.errors import ApplicationError, NotAllowed
from grants.finality import add_months
from grants.locks import locked
from grants.models import Grant, GrantStatus, PlanLine, ProofKind, ProofLine, ProofOfUse, ProofStatus, Receipt
from grants.receipts import PlanLineChoice, ReceiptError, parse_receipts
from organisations.selectors import is_representative, organisations_for_user

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
MAX_REPORT_LENGTH = 20000

# The proof may be edited while it is a draft, and again when the office asked for missing items.
EDITABLE_PROOF_STATUSES = (ProofStatus.DRAFT, ProofStatus.ITEMS_REQUESTED)

# ANBest-P Nr. 6 (6.2, 6.6): the declaration a representative signs with the proof of use. German is binding.
DECLARATION_DE = (
    "Ich versichere, dass die Ausgaben notwendig waren, dass wirtschaftlich und sparsam verfahren worden ist und "
    "die Angaben mit den Büchern und gegebenenfalls den Belegen übereinstimmen."
)
DECLARATION_TRANSLATION = gettext_lazy(
    "I declare that the expenses were necessary, that the money was used economically and sparingly, and that the "
    "statements agree with the books and, where there are any, with the receipts."
)

KEEP = object()  # a `proof_update` argument left out: the value stays as it is


# ----- due dates ---------------------------------------------------------------------------------------------------


def proof_due_on(grant: Grant) -> date:
    """The final proof of use is due PROOF_OF_USE_MONTHS (six) months after the approval period ends."""
    return add_months(grant.period_end, settings.PROOF_OF_USE_MONTHS)


def interim_proofs_due(grant: Grant) -> list[date]:
    """Zwischennachweis: for each year's end the project runs past, due INTERIM_PROOF_MONTHS (four) months after it."""
    return [
        add_months(date(year, 12, 31), settings.INTERIM_PROOF_MONTHS)
        for year in range(grant.period_start.year, grant.period_end.year)
    ]


def interim_year(due_on: date) -> int:
    """The year an interim proof with this due date covers."""
    return add_months(due_on, -settings.INTERIM_PROOF_MONTHS).year


def _due_for(grant: Grant, kind: str, due_on: date | None) -> date:
    if kind == ProofKind.FINAL:
        return proof_due_on(grant)
    if kind != ProofKind.INTERIM:
        raise ApplicationError(_("Unknown kind of proof of use."))
    due_dates = interim_proofs_due(grant)
    if not due_dates:
        raise ApplicationError(_("This project does not run past a year's end, so no interim proof is needed."))
    if due_on is None:
        return due_dates[0]
    if due_on not in due_dates:
        raise ApplicationError(_("No interim proof of use is due on that day."))
    return due_on


# ----- the draft ---------------------------------------------------------------------------------------------------


def newest_plan_lines(grant: Grant) -> list[PlanLine]:
    version = grant.plan_versions.order_by("-number").first()
    return list(version.lines.order_by("position")) if version else []


@transaction.atomic
def proof_open(*, grant: Grant, kind: str = ProofKind.FINAL, due_on: date | None = None) -> ProofOfUse:
    """The proof's draft, with one line per line of the newest approved plan at 0 EUR actual costs.

    Idempotent: the final proof exists once per grant, an interim proof once per due date (`due_on` picks which; the
    first one by default). Possible once the decision is final, until the grant is closed.
    """
    grant = locked(Grant.objects.filter(pk=grant.pk))
    due = _due_for(grant, kind, due_on)
    existing = grant.proofs.filter(kind=kind)
    proof = (existing.filter(due_on=due) if kind == ProofKind.INTERIM else existing).first()
    if proof is not None:
        return proof
    if grant.final_on is None or grant.status == GrantStatus.AWAITING_FINALITY:
        raise ApplicationError(_("The proof of use can be written once the decision is final."))
    if grant.status == GrantStatus.CLOSED:
        raise ApplicationError(_("The grant is closed."))
    proof = ProofOfUse.objects.create(grant=grant, kind=kind, due_on=due)
    ProofLine.objects.bulk_create(
        ProofLine(proof=proof, plan_line=line, actual=ZERO) for line in newest_plan_lines(grant)
    )
    event_record(grant.application, EventKind.PROOF_STARTED, None, proof.get_kind_display())
    return proof


def _require_member(user, grant: Grant) -> None:
    if not organisations_for_user(user).filter(pk=grant.organisation_id).exists():
        raise NotAllowed(_("You are not a member of this organisation."))


def _editable(proof: ProofOfUse, by) -> ProofOfUse:
    """The proof, locked, after checking that `by` may edit it now."""
    proof = locked(ProofOfUse.objects.filter(pk=proof.pk).select_related("grant__application"))
    _require_member(by, proof.grant)
    if proof.status not in EDITABLE_PROOF_STATUSES:
        raise ApplicationError(_("The proof of use was submitted and can no longer be changed."))
    return proof


def _money(value, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter an amount in euros, for example 1.250,00."), field=field) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ApplicationError(_("Enter an amount with at most two decimal places."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        message = _("Enter 0 or more.") if allow_zero else _("Enter an amount above zero.")
        raise ApplicationError(message, field=field)
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("This amount is too large."), field=field)
    return amount.quantize(CENT)


def actual_field(line_id: int) -> str:
    """The name of the field that holds the actual costs of a plan line (in forms and error messages)."""
    return f"actual_{line_id}"


@transaction.atomic
def proof_update(
    *,
    proof: ProofOfUse,
    by,
    report=KEEP,
    purpose_achieved=KEEP,
    actual_own_funds=KEEP,
    actual_third_party_funds=KEEP,
    spending_note=KEEP,
    actuals: dict[int, Decimal] | None = None,
) -> ProofOfUse:
    """Save what a member typed into the draft. Arguments left out stay as they are (each page saves its own part);
    `actuals` maps plan line ids to actual costs, and may name only lines of this proof."""
    proof = _editable(proof, by)
    fields = []
    if report is not KEEP:
        proof.report = (report or "").strip()
        if len(proof.report) > MAX_REPORT_LENGTH:
            raise ApplicationError(
                _("The report may be up to %(limit)s characters long.") % {"limit": MAX_REPORT_LENGTH}, field="report"
            )
        fields.append("report")
    if purpose_achieved is not KEEP:
        if purpose_achieved not in (None, True, False):
            raise ApplicationError(_("Answer yes or no."), field="purpose_achieved")
        proof.purpose_achieved = purpose_achieved
        fields.append("purpose_achieved")
    if spending_note is not KEEP:
        proof.spending_note = (spending_note or "").strip()
        fields.append("spending_note")
    for name, value in (("actual_own_funds", actual_own_funds), ("actual_third_party_funds", actual_third_party_funds)):
        if value is not KEEP:
            setattr(proof, name, None if value is None else _money(value, name))
            fields.append(name)
    lines = {line.plan_line_id: line for line in proof.lines.all()}
    changed = []
    for line_id, value in (actuals or {}).items():
        line = lines.get(int(line_id))
        if line is None:
            raise ApplicationError(_("This line is not part of the approved plan."))
        line.actual = _money(value if value is not None else ZERO, actual_field(line.plan_line_id))
        changed.append(line)
    ProofLine.objects.bulk_update(changed, ["actual"])
    if fields:
        proof.save(update_fields=[*fields, "updated"])
    return proof


# ----- the receipt list ------------------------------------------------------------------------------------------


def plan_line_choices(proof: ProofOfUse) -> list[PlanLineChoice]:
    """The proof's plan lines as the receipt template offers them: key = the line's number in the plan."""
    return [
        PlanLineChoice(key=str(line.plan_line.position), label=line.plan_line.description)
        for line in proof.lines.select_related("plan_line").order_by("plan_line__position")
    ]


def _plan_line_of(proof: ProofOfUse, plan_line) -> PlanLine:
    plan_line_id = plan_line.pk if isinstance(plan_line, PlanLine) else plan_line
    line = proof.lines.filter(plan_line_id=plan_line_id).select_related("plan_line").first() if plan_line_id else None
    if line is None:
        raise ApplicationError(_("Choose a line of the approved plan."), field="plan_line")
    return line.plan_line


def _receipt_values(proof: ProofOfUse, *, date, payee: str, purpose: str, amount, plan_line) -> dict:
    if date is None:
        raise ApplicationError(_("Enter the day of payment."), field="date")
    if date > timezone.localdate():
        raise ApplicationError(_("The day of payment cannot be in the future."), field="date")
    payee, purpose = (payee or "").strip(), (purpose or "").strip()
    if not payee:
        raise ApplicationError(_("Say who was paid."), field="payee")
    if not purpose:
        raise ApplicationError(_("Say what the money was spent on."), field="purpose")
    if len(payee) > Receipt._meta.get_field("payee").max_length:
        raise ApplicationError(_("Please shorten the payee to 200 characters."), field="payee")
    if len(purpose) > Receipt._meta.get_field("purpose").max_length:
        raise ApplicationError(_("Please shorten the purpose to 300 characters."), field="purpose")
    return {
        "date": date,
        "payee": payee,
        "purpose": purpose,
        "amount": _money(amount, "amount", allow_zero=False),
        "plan_line": _plan_line_of(proof, plan_line),
    }


def _next_position(proof: ProofOfUse) -> int:
    return (proof.receipts.aggregate(top=Max("position"))["top"] or 0) + 1


def _store_file(receipt: Receipt, upload) -> None:
    from applications.uploads import check_upload

    if upload is None:
        return
    check_upload(upload)  # PDF, JPEG or PNG by content, up to 10 MB
    if receipt.file:
        receipt.file.delete(save=False)
    receipt.file.save("upload", upload, save=False)


@transaction.atomic
def receipt_add(*, proof: ProofOfUse, by, date, payee: str, purpose: str, amount, plan_line, file=None) -> Receipt:
    """One more receipt at the end of the list; `plan_line` is a PlanLine of the proof or its id; `file` an optional
    scan or photo of the receipt (PDF, JPEG or PNG)."""
    proof = _editable(proof, by)
    values = _receipt_values(proof, date=date, payee=payee, purpose=purpose, amount=amount, plan_line=plan_line)
    receipt = Receipt(proof=proof, position=_next_position(proof), **values)
    _store_file(receipt, file)
    receipt.save()
    return receipt


def _receipt_of(proof: ProofOfUse, receipt) -> Receipt:
    receipt_id = receipt.pk if isinstance(receipt, Receipt) else receipt
    found = proof.receipts.filter(pk=receipt_id).first()
    if found is None:
        raise ApplicationError(_("This receipt is not part of the list any more."))
    return found


@transaction.atomic
def receipt_update(
    *, proof: ProofOfUse, by, receipt, date, payee: str, purpose: str, amount, plan_line, file=None
) -> Receipt:
    """Change a receipt of the list; a new `file` replaces the attached one, None keeps it."""
    proof = _editable(proof, by)
    receipt = _receipt_of(proof, receipt)
    values = _receipt_values(proof, date=date, payee=payee, purpose=purpose, amount=amount, plan_line=plan_line)
    for name, value in values.items():
        setattr(receipt, name, value)
    _store_file(receipt, file)
    receipt.save()
    return receipt


@transaction.atomic
def receipt_attach(*, proof: ProofOfUse, by, receipt, file) -> Receipt:
    """Attach the scan or photo of a receipt (PDF, JPEG or PNG), replacing any attached before."""
    proof = _editable(proof, by)
    receipt = _receipt_of(proof, receipt)
    if file is None:
        raise ApplicationError(_("Choose a file to upload."), field="file")
    _store_file(receipt, file)
    receipt.save(update_fields=["file"])
    return receipt


@transaction.atomic
def receipt_remove(*, proof: ProofOfUse, by, receipt) -> None:
    """Take a receipt off the list (and its file); the ones after it move up, so the list stays numbered 1, 2, 3…"""
    proof = _editable(proof, by)
    receipt = _receipt_of(proof, receipt)
    if receipt.file:
        receipt.file.delete(save=False)
    position = receipt.position
    receipt.delete()
    for later in proof.receipts.filter(position__gt=position).order_by("position"):
        later.position -= 1  # one at a time, upwards: the unique position is never taken twice
        later.save(update_fields=["position"])


@transaction.atomic
def receipts_import(*, proof: ProofOfUse, by, file) -> tuple[int, list[ReceiptError]]:
    """Replace the receipt list by the filled-in template (XLSX or CSV). All or nothing: with any error nothing is
    stored and the errors (row, column, message) are returned; else the number of receipts now in the list.

    A receipt of the old list that is in the new one unchanged (same day, payee, amount and plan line) keeps its
    attached file.
    """
    proof = _editable(proof, by)
    choices = plan_line_choices(proof)
    result = parse_receipts(file, choices)
    if result.errors:
        return 0, result.errors
    if not result.rows:
        return 0, [ReceiptError(None, None, _("The list holds no receipt. Please fill in one row per receipt."))]
    today = timezone.localdate()
    future = [row for row in result.rows if row.date > today]
    if future:
        message = _("Row %(row)s, %(column)s: the day of payment cannot be in the future.")
        return 0, [ReceiptError(r.line_no, "date", message % {"row": r.line_no, "column": _("date")}) for r in future]
    limit = Receipt._meta.get_field("purpose").max_length
    too_long = [row for row in result.rows if len(row.purpose) > limit]
    if too_long:
        message = _("Row %(row)s, %(column)s: the text is longer than %(limit)s characters.")
        return 0, [
            ReceiptError(r.line_no, "purpose", message % {"row": r.line_no, "column": _("purpose"), "limit": limit})
            for r in too_long
        ]
    plan_lines = {str(line.plan_line.position): line.plan_line for line in proof.lines.select_related("plan_line")}
    files = {
        (old.date, old.payee, old.amount, old.plan_line_id): old.file.name for old in proof.receipts.exclude(file="")
    }
    kept = set()
    new = []
    for position, row in enumerate(result.rows, start=1):
        plan_line = plan_lines[row.plan_line]
        key = (row.date, row.payee[:200], row.amount, plan_line.pk)
        name = files.get(key, "") if key not in kept else ""
        kept.add(key)
        new.append(
            Receipt(
                proof=proof,
                position=position,
                date=row.date,
                payee=row.payee[:200],
                purpose=row.purpose,
                amount=row.amount,
                plan_line=plan_line,
                file=name,
            )
        )
    kept_names = {receipt.file.name for receipt in new}
    for old in proof.receipts.exclude(file=""):
        if old.file.name not in kept_names:
            old.file.delete(save=False)
    proof.receipts.all().delete()
    Receipt.objects.bulk_create(new)
    return len(new), []


# ----- checking and submitting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFigures:
    """One plan line of the proof: planned, actual, the difference, and what its receipts add up to."""

    plan_line: PlanLine
    planned: Decimal
    actual: Decimal
    difference: Decimal  # actual − planned
    receipts: Decimal

    @property
    def receipts_differ(self) -> Decimal:
        """Actual costs minus the receipts: positive when receipts are missing, negative when there are too many."""
        return self.actual - self.receipts

    @property
    def receipts_gap(self) -> Decimal:
        return abs(self.receipts_differ)


def proof_figures(proof: ProofOfUse) -> list[LineFigures]:
    sums = dict(proof.receipts.values_list("plan_line_id").annotate(total=Sum("amount")).order_by())
    return [
        LineFigures(
            plan_line=line.plan_line,
            planned=line.plan_line.amount,
            actual=line.actual,
            difference=line.actual - line.plan_line.amount,
            receipts=sums.get(line.plan_line_id) or ZERO,
        )
        for line in proof.lines.select_related("plan_line").order_by("plan_line__position")
    ]


def _line_name(line: PlanLine) -> str:
    return _("line %(number)s “%(description)s”") % {"number": line.position, "description": line.description}


def proof_submission_problems(proof: ProofOfUse, *, declaration: bool | None = None) -> list[str]:
    """What is still missing before the proof can be submitted, in plain sentences; empty when it is complete.

    The declaration is only judged when `declaration` is passed (it is given when submitting, never stored).
    """
    problems = []
    if not proof.report.strip():
        problems.append(_("Write the narrative report: what was done, with whom, and what came of it."))
    if proof.purpose_achieved is None:
        problems.append(_("Say whether the purpose of the grant was achieved."))
    figures = proof_figures(proof)
    planned_ids = {line.pk for line in newest_plan_lines(proof.grant)}
    if planned_ids - {row.plan_line.pk for row in figures}:
        problems.append(_("The approved plan has lines that are missing here; please ask the office."))
    if not figures or sum((row.actual for row in figures), ZERO) == 0:
        problems.append(_("Enter the actual costs for the lines of the plan."))
    if proof.actual_own_funds is None:
        problems.append(_("Enter the own funds actually used (0 if there were none)."))
    if proof.actual_third_party_funds is None:
        problems.append(_("Enter the third-party funds actually received (0 if there were none)."))
    if not proof.receipts.exists():
        problems.append(_("List the receipts: one row per payment."))
    for row in figures:
        if row.receipts_differ > 0:
            problems.append(
                _(
                    "For %(line)s the actual costs are %(actual)s EUR, but the receipts add up to %(receipts)s EUR: "
                    "%(gap)s EUR of receipts are missing."
                )
                % _money_texts(row)
            )
        elif row.receipts_differ < 0:
            problems.append(
                _(
                    "For %(line)s the actual costs are %(actual)s EUR, but the receipts add up to %(receipts)s EUR: "
                    "%(gap)s EUR more than the actual costs."
                )
                % _money_texts(row)
            )
    if declaration is False:
        problems.append(declaration_missing_message())
    return problems


def _money_texts(row: LineFigures) -> dict:
    return {
        "line": _line_name(row.plan_line),
        "actual": format_money(row.actual),
        "receipts": format_money(row.receipts),
        "gap": format_money(abs(row.receipts_differ)),
    }


def declaration_missing_message() -> str:
    return _("A representative must confirm the declaration before the proof of use can be submitted.")


@transaction.atomic
def proof_submit(*, proof: ProofOfUse, by, declaration: bool) -> ProofOfUse:
    """A representative submits the complete proof with the declaration of ANBest-P Nr. 6: it is then fixed for the
    office's check. Refused for other members, without the declaration, or while problems remain."""
    proof = _editable(proof, by)
    if not is_representative(by, proof.grant.organisation):
        raise NotAllowed(_("Only a person entitled to represent the organisation may submit the proof of use."))
    if not declaration:
        raise ApplicationError(declaration_missing_message(), field="declaration")
    problems = proof_submission_problems(proof)
    if problems:
        raise ApplicationError(" ".join(problems))
    again = proof.status == ProofStatus.ITEMS_REQUESTED
    proof.status, proof.submitted_at, proof.submitted_by = ProofStatus.SUBMITTED, timezone.now(), by
    proof.save(update_fields=["status", "submitted_at", "submitted_by", "updated"])
    if proof.kind == ProofKind.FINAL:  # no more payment requests while the final proof is checked
        Grant.objects.filter(pk=proof.grant_id, status=GrantStatus.RUNNING).update(status=GrantStatus.PROOF_IN_REVIEW)
    note = proof.get_kind_display() + (" – " + _("sent again with the missing items") if again else "")
    event_record(proof.grant.application, EventKind.PROOF_SUBMITTED, by, note)
    return proof


def proofs_follow_plan(*, grant: Grant, version) -> int:
    """After an amendment: open drafts of proofs of use move to the new plan version, each actual figure and receipt
    to the line of the same position (lines new in the plan start at 0). Returns how many proofs moved."""
    newest = {line.position: line for line in version.lines.all()}
    moved = 0
    for proof in grant.proofs.filter(status__in=EDITABLE_PROOF_STATUSES):
        for row in [*proof.lines.select_related("plan_line"), *proof.receipts.select_related("plan_line")]:
            target = newest.get(row.plan_line.position)
            if target is not None and row.plan_line_id != target.pk:
                row.plan_line = target
                row.save(update_fields=["plan_line"])
        have = set(proof.lines.values_list("plan_line_id", flat=True))
        ProofLine.objects.bulk_create(
            ProofLine(proof=proof, plan_line=line, actual=Decimal("0.00"))
            for line in newest.values()
            if line.pk not in have
        )
        moved += 1
    return moved
