"""The organisation's proof of use: written in steps like the application (report, figures, receipts), submitted by
a representative with the declaration of ANBest-P Nr. 6. Scoped to the user's organisations (404 for any other)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications.errors import ApplicationError, NotAllowed
from applications.uploads import sniff_content_type, too_large_message
from grants.models import ProofKind, ProofOfUse
from grants.proofs import (
    DECLARATION_DE,
    DECLARATION_TRANSLATION,
    EDITABLE_PROOF_STATUSES,
    interim_proofs_due,
    interim_year,
    plan_line_choices,
    proof_due_on,
    proof_figures,
    proof_open,
    proof_submission_problems,
    proof_update,
    receipt_add,
    receipt_remove,
    receipt_update,
    receipts_import,
)
from grants.receipts import receipt_template_csv, receipt_template_xlsx
from organisations.selectors import is_representative
from portal.grant_views import _grant_of
from portal.proof_forms import ProofDeclarationForm, ProofFiguresForm, ProofReportForm, ReceiptForm, ReceiptImportForm
from portal.views import _posted, error_list
from workflow.errors import TaskUnavailable
from workflow.grant_services import interim_proof_submit_and_continue, proof_submit_and_continue

PROOF_STEPS = [
    ("report", gettext_lazy("Report")),
    ("figures", gettext_lazy("Actual figures")),
    ("receipts", gettext_lazy("Receipts")),
    ("submit", gettext_lazy("Check and submit")),
]


def _proof_of(request, pk, proof_id) -> ProofOfUse:
    grant = _grant_of(request, pk)  # 404 for anyone outside the organisation
    proof = grant.proofs.filter(pk=proof_id).select_related("grant__application", "grant__organisation").first()
    if proof is None:
        raise Http404
    return proof


@login_required
def proof_start(request, pk, year=None):
    """Open (or find) the draft of the final proof, or of the interim proof for `year`, and go to its first step."""
    grant = _grant_of(request, pk)
    kind, due_on = ProofKind.FINAL, None
    if year is not None:
        kind = ProofKind.INTERIM
        due_on = next((due for due in interim_proofs_due(grant) if interim_year(due) == year), None)
        if due_on is None:
            raise Http404
    try:
        proof = proof_open(grant=grant, kind=kind, due_on=due_on)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:application_detail", pk=pk)
    return redirect("portal:proof_step", pk=pk, proof_id=proof.pk, step="report")


def _page(request, proof, step, context, status=200):
    return render(
        request,
        "portal/proof_step.html",
        {
            "application": proof.grant.application,
            "grant": proof.grant,
            "proof": proof,
            "steps": PROOF_STEPS,
            "step": step,
            "editable": proof.status in EDITABLE_PROOF_STATUSES,
            **context,
        },
        status=status,
    )


def _after_save(request, proof, step):
    messages.success(request, _("Your draft of the proof of use was saved."))
    names = [name for name, _label in PROOF_STEPS]
    following = names[names.index(step) + 1] if "next" in request.POST else step
    if following == "submit":
        return redirect("portal:proof_submit", pk=proof.grant.application_id, proof_id=proof.pk)
    return redirect("portal:proof_step", pk=proof.grant.application_id, proof_id=proof.pk, step=following)


def _add_service_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def proof_step(request, pk, proof_id, step):
    proof = _proof_of(request, pk, proof_id)
    handlers = {"report": _report_step, "figures": _figures_step, "receipts": _receipts_step}
    if step not in handlers:
        raise Http404
    if proof.status not in EDITABLE_PROOF_STATUSES:
        return redirect("portal:proof_submit", pk=pk, proof_id=proof.pk)
    return handlers[step](request, proof)


def _report_step(request, proof):
    initial = {
        "report": proof.report,
        "purpose_achieved": {True: "yes", False: "no"}.get(proof.purpose_achieved),
        "spending_note": proof.spending_note,
    }
    form = ProofReportForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proof_update(proof=proof, by=request.user, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ApplicationError as error:
            _add_service_error(form, error)
        else:
            return _after_save(request, proof, "report")
    return _page(request, proof, "report", {"form": form, "errors": error_list(form)}, 400 if form.errors else 200)


def _figures_step(request, proof):
    lines = [line.plan_line for line in proof.lines.select_related("plan_line").order_by("plan_line__position")]
    initial = {f"actual_{line.plan_line_id}": line.actual for line in proof.lines.all()}
    initial.update(actual_own_funds=proof.actual_own_funds, actual_third_party_funds=proof.actual_third_party_funds)
    form = ProofFiguresForm(_posted(request), initial=initial, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            proof_update(
                proof=proof,
                by=request.user,
                actual_own_funds=form.cleaned_data["actual_own_funds"],
                actual_third_party_funds=form.cleaned_data["actual_third_party_funds"],
                actuals=form.actuals(),
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ApplicationError as error:
            _add_service_error(form, error)
        else:
            return _after_save(request, proof, "figures")
    figures = {row.plan_line.pk: row for row in proof_figures(proof)}
    rows = [(line, field, figures.get(line.pk)) for line, field in form.line_fields()]
    return _page(
        request,
        proof,
        "figures",
        {"form": form, "rows": rows, "errors": error_list(form)},
        400 if form.errors else 200,
    )


def _receipt_form(request, proof, lines, receipt=None):
    data = request.POST if request.method == "POST" and "receipt" in request.POST else None
    initial = {}
    if receipt is not None:
        initial = {
            "date": receipt.date,
            "payee": receipt.payee,
            "purpose": receipt.purpose,
            "amount": receipt.amount,
            "plan_line": receipt.plan_line_id,
        }
    return ReceiptForm(data, request.FILES if data is not None else None, initial=initial, lines=lines)


def _receipts_step(request, proof):
    lines = [line.plan_line for line in proof.lines.select_related("plan_line").order_by("plan_line__position")]
    edit_id = request.POST.get("receipt") or request.GET.get("edit") or ""
    editing = proof.receipts.filter(pk=int(edit_id)).first() if edit_id.isdigit() else None
    form = _receipt_form(request, proof, lines, editing)
    # Both forms have a field "file": the import form's ids differ, so that each label leads to its own input.
    import_form = ReceiptImportForm(
        request.POST if "import" in request.POST else None,
        request.FILES if "import" in request.POST else None,
        auto_id="id_import_%s",
    )
    import_errors = []
    if request.method == "POST" and "remove" in request.POST:
        return _receipt_removed(request, proof)
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        target = import_form if "import" in request.POST else form
        target.is_valid()
        target.errors.pop("file", None)
        target.add_error("file", too_large_message())
    elif request.method == "POST" and "import" in request.POST and import_form.is_valid():
        response, import_errors = _import(request, proof, import_form)
        if response:
            return response
    elif request.method == "POST" and "receipt" in request.POST and form.is_valid():
        response = _save_receipt(request, proof, form, editing)
        if response:
            return response
    elif request.method == "POST" and "next" in request.POST:
        return _after_save(request, proof, "receipts")
    bad = bool(form.errors or import_form.errors or import_errors)
    return _page(
        request,
        proof,
        "receipts",
        {
            "form": form,
            "editing": editing,
            "import_form": import_form,
            "import_errors": import_errors,
            "receipts": proof.receipts.select_related("plan_line"),
            "figures": proof_figures(proof),
            "errors": error_list(form, import_form) + [{"message": e.message} for e in import_errors],
        },
        400 if bad else 200,
    )


def _save_receipt(request, proof, form, editing):
    data = dict(form.cleaned_data)
    try:
        if editing is not None:
            receipt_update(proof=proof, by=request.user, receipt=editing, **data)
        else:
            receipt_add(proof=proof, by=request.user, **data)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except ApplicationError as error:
        _add_service_error(form, error)
        return None
    messages.success(request, _("The receipt was saved.") if editing else _("The receipt was added to the list."))
    return redirect("portal:proof_step", pk=proof.grant.application_id, proof_id=proof.pk, step="receipts")


def _import(request, proof, import_form):
    try:
        count, errors = receipts_import(proof=proof, by=request.user, file=import_form.cleaned_data["file"])
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except ApplicationError as error:
        import_form.add_error("file", error.message)
        return None, []
    if errors:
        import_form.add_error(
            "file", _("The list was not imported; nothing was changed. Please correct the rows named below.")
        )
        return None, errors
    messages.success(
        request,
        ngettext("%(count)s receipt was imported.", "%(count)s receipts were imported.", count) % {"count": count},
    )
    return redirect("portal:proof_step", pk=proof.grant.application_id, proof_id=proof.pk, step="receipts"), []


def _receipt_removed(request, proof):
    remove = request.POST.get("remove", "")
    receipt = proof.receipts.filter(pk=int(remove)).first() if remove.isdigit() else None
    if receipt is not None:
        try:
            receipt_remove(proof=proof, by=request.user, receipt=receipt)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The receipt was removed from the list."))
    return redirect("portal:proof_step", pk=proof.grant.application_id, proof_id=proof.pk, step="receipts")


def _submit(proof: ProofOfUse, user, declaration: bool) -> None:
    """The final proof completes the grant process's "submit the proof" step (the office's check comes next); an
    interim proof starts its own review, or returns to it after missing items were asked for."""
    if proof.kind == ProofKind.FINAL:
        proof_submit_and_continue(proof=proof, by=user, declaration=declaration)
    else:
        interim_proof_submit_and_continue(proof=proof, by=user, declaration=declaration)


@login_required
def proof_submit_page(request, pk, proof_id):
    proof = _proof_of(request, pk, proof_id)
    editable = proof.status in EDITABLE_PROOF_STATUSES
    may_sign = is_representative(request.user, proof.grant.organisation)
    form = ProofDeclarationForm(_posted(request))
    status = 200
    if request.method == "POST":
        if not editable:
            return redirect("portal:proof_submit", pk=pk, proof_id=proof.pk)
        if not may_sign:
            raise PermissionDenied(
                _("Only a person entitled to represent the organisation may submit the proof of use.")
            )
        if form.is_valid():
            try:
                _submit(proof, request.user, form.cleaned_data["declaration"])
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except TaskUnavailable as error:
                form.add_error(None, error.message)
                status = 409
            except ApplicationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, _("Your proof of use was submitted. The office checks it and tells you."))
                return redirect("portal:application_detail", pk=pk)
        status = status if status != 200 else 400
    return render(
        request,
        "portal/proof_submit.html",
        {
            "application": proof.grant.application,
            "grant": proof.grant,
            "proof": proof,
            "steps": PROOF_STEPS,
            "step": "submit",
            "editable": editable,
            "problems": proof_submission_problems(proof) if editable else [],
            "figures": proof_figures(proof),
            "receipts": proof.receipts.select_related("plan_line"),
            "may_sign": may_sign,
            "form": form,
            "errors": error_list(form),
            "declaration_de": DECLARATION_DE,
            "declaration_translation": DECLARATION_TRANSLATION,
        },
        status=status,
    )


@login_required
def receipt_template(request, pk, proof_id, fmt):
    """The receipt list to fill in, with this proof's plan lines (XLSX with a dropdown, or CSV)."""
    proof = _proof_of(request, pk, proof_id)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    choices = plan_line_choices(proof)
    name = f"belegliste-{proof.grant.application.reference}".replace("/", "-")
    if fmt == "xlsx":
        content = receipt_template_xlsx(choices, request.LANGUAGE_CODE)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(receipt_template_csv(choices, request.LANGUAGE_CODE), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@login_required
def receipt_file(request, pk, proof_id, receipt_id):
    """The attached scan or photo of a receipt, as a download (its type was checked by content on upload)."""
    proof = _proof_of(request, pk, proof_id)
    receipt = proof.receipts.filter(pk=receipt_id).first()
    if receipt is None or not receipt.file:
        raise Http404
    handle = receipt.file.open("rb")
    content_type = sniff_content_type(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    extension = EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        handle, as_attachment=True, filename=f"beleg-{receipt.position}.{extension}", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def proof_links(grant, today: date | None = None) -> list[dict]:
    """What the grant section links to: the final proof and any interim proofs, with due date and status."""
    proofs = {(p.kind, p.due_on if p.kind == ProofKind.INTERIM else None): p for p in grant.proofs.all()}
    links = [
        {"kind": kind, "due_on": due, "year": interim_year(due), "proof": proofs.get((kind, due))}
        for kind, due in ((ProofKind.INTERIM, due) for due in interim_proofs_due(grant))
    ]
    final = proofs.get((ProofKind.FINAL, None))
    links.append({"kind": ProofKind.FINAL, "due_on": proof_due_on(grant), "year": None, "proof": final})
    return links
