"""Staff pages after the decision: the payment procedure's tasks, appeals, and the payment orders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.errors import ApplicationError, NotAllowed
from applications.selectors import applications_for_staff
from grants.checks import late_use_with_revocation
from grants.models import AppealOutcome, CheckStatus, Grant, GrantStatus, ProofKind
from grants.selectors import grant_letters_for_staff, money_position
from grants.services import expected_final_on, payment_certify, payment_refuse, payment_release
from workflow.errors import ProcessBusy
from workflow.forms import AppealEndForm, AppealRecordForm, ApprovalForm, PaymentDecisionForm
from workflow.grant_forms import HearingForm, InterimReviewForm, ProofCheckForm, RepaymentForm, RevocationForm
from workflow.grant_services import appeal_end_and_continue
from workflow.messages import tell_organisation
from workflow.views import HumanTaskView, delivery_row, task_ended_page


class _PaymentTaskView(HumanTaskView):
    form_class = PaymentDecisionForm
    success_message = gettext_lazy("Your decision on the payment was recorded.")

    def context(self, task, form):
        context = super().context(task, form)
        payment = task.process.coerced.payment
        context["payment"] = payment
        context["grant"] = payment.grant
        context["money"] = money_position(payment.grant)
        context["earlier_payments"] = payment.grant.payment_requests.exclude(pk=payment.pk).order_by("number")
        return context


class CertifyPaymentView(_PaymentTaskView):
    template_name = "workflow/payment_certify.html"

    def complete(self, process, form):
        if form.cleaned_data["action"] == PaymentDecisionForm.ACCEPT:
            return payment_certify(payment=process.payment, by=self.request.user)
        return payment_refuse(payment=process.payment, by=self.request.user, note=form.cleaned_data["note"])


class ReleasePaymentView(_PaymentTaskView):
    template_name = "workflow/payment_release.html"

    def check_permission(self, request, task):
        if task.flow_task.is_excluded(request.user, task):
            raise PermissionDenied(
                _("You certified this payment as factually correct, so a second person must release it.")
            )
        super().check_permission(request, task)

    def complete(self, process, form):
        if form.cleaned_data["action"] == PaymentDecisionForm.ACCEPT:
            return payment_release(payment=process.payment, by=self.request.user)
        return payment_refuse(payment=process.payment, by=self.request.user, note=form.cleaned_data["note"])


class AppealView(LoginRequiredMixin, View):
    """The office records an appeal against a decision, or its end (POST from the staff application page)."""

    def post(self, request, pk):
        from grants.services import appeal_record
        from workflow.views import ApplicationView, require_staff

        require_staff(request.user)
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        grant = get_object_or_404(Grant, application=application)
        pending = grant.appeals.filter(outcome=AppealOutcome.PENDING).first()
        form = (AppealEndForm if pending else AppealRecordForm)(request.POST)
        if form.is_valid():
            try:
                if pending:
                    appeal_end_and_continue(appeal=pending, by=request.user, **form.cleaned_data)
                else:
                    appeal_record(grant=grant, by=request.user, **form.cleaned_data)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except (ApplicationError, ProcessBusy) as error:
                form.add_error(
                    getattr(error, "field", None) if getattr(error, "field", None) in form.fields else None,
                    error.message,
                )
            else:
                messages.success(request, _("The appeal was recorded."))
                return redirect("workflow:application", pk=pk)
        page = ApplicationView()
        page.request = request
        context = page.context(request, application)
        context["appeal_form"] = form
        return render(request, "workflow/application.html", context, status=400)


class GrantLetterView(LoginRequiredMixin, View):
    """Staff read a letter after the decision (their reading delivers nothing)."""

    def get(self, request, pk):
        from workflow.views import require_staff

        require_staff(request.user)
        letter = get_object_or_404(grant_letters_for_staff(request.user).filter(rendered_at__isnull=False), pk=pk)
        filename = letter.file.name.rsplit("/", 1)[-1]
        return FileResponse(letter.file.open("rb"), filename=filename, content_type="application/pdf")


def grant_section(request, application, posting_form=None) -> dict:
    """What the staff application page shows of the grant: money, payments, appeals, the letters after the decision
    with their delivery (and the form to record a posting), and the appeal form."""
    grant = Grant.objects.filter(application=application).first()
    if grant is None:
        return {}
    pending = grant.appeals.filter(outcome=AppealOutcome.PENDING).first()
    may_record = request.user.has_perm("grants.record_appeal") and grant.status != GrantStatus.CLOSED
    return {
        "grant_record": grant,
        "money": money_position(grant),
        "grant_payments": grant.payment_requests.select_related("certified_by", "released_by").order_by("number"),
        "appeals": grant.appeals.all(),
        "grant_letters": grant_letter_rows(request.user, grant, application, posting_form),
        "change_reports": grant.change_reports.select_related("proposed_by", "approved_by").order_by("reported_at"),
        "final_on": expected_final_on(grant),
        "appeal_form": ((AppealEndForm() if pending else AppealRecordForm()) if may_record else None),
    }


def grant_letter_rows(user, grant, application, posting_form=None) -> list[dict]:
    """Each letter after the decision with where its delivery stands; for an administrative act once delivered, the
    day it becomes final unless appealed (one month after delivery, by whichever way it was delivered)."""
    from grants.finality import final_from
    from grants.letters import ACTS

    rows = []
    for letter in grant.letters.select_related("retrieved_by", "posted_by").order_by("created"):
        row = delivery_row(user, letter, application, posting_form)
        row["final_on"] = final_from(letter.delivered_at) if letter.kind in ACTS and letter.delivered_at else None
        rows.append(row)
    return rows


class _GrantTaskView(HumanTaskView):
    """A task of the grant's own process: the page shows the grant, its money and its proof."""

    def context(self, task, form):
        context = super().context(task, form)
        grant = task.process.coerced.grant
        proof = grant.proofs.filter(kind=ProofKind.FINAL).first()
        context.update(
            {
                "grant": grant,
                "money": money_position(grant),
                "proof": proof,
                "check": proof.checks.order_by("-version").first() if proof else None,
                "claim": grant.claims.order_by("-pk").first(),
            }
        )
        return context


class CheckProofView(_GrantTaskView):
    template_name = "workflow/proof_check.html"
    form_class = ProofCheckForm
    success_message = gettext_lazy("The check was recorded.")

    def context(self, task, form):
        from grants.checks import late_use, recalculation_for

        context = super().context(task, form)
        proof = context["proof"]
        context["recalculation"] = recalculation_for(proof) if proof else None
        context["receipts"] = proof.receipts.select_related("plan_line") if proof else []
        context["late_use"] = late_use(proof) if proof else None
        return context

    def complete(self, process, form):
        from grants.checks import proof_check_propose, proof_items_request

        proof = process.grant.proofs.get(kind=ProofKind.FINAL)
        if form.cleaned_data["action"] == ProofCheckForm.REQUEST_ITEMS:
            result = proof_items_request(proof=proof, by=self.request.user, message=form.cleaned_data["message"])
            tell_organisation(proof.grant.application, "proof_items_requested", message=form.cleaned_data["message"])
            return result
        return proof_check_propose(
            proof=proof, by=self.request.user, checks=form.checks(), memo=form.cleaned_data["memo"]
        )


class ReviewInterimProofView(HumanTaskView):
    """The clerk's review of an interim proof: complete and plausible, or missing items asked for."""

    template_name = "workflow/interim_proof_review.html"
    form_class = InterimReviewForm
    success_message = gettext_lazy("The review was recorded.")

    def context(self, task, form):
        context = super().context(task, form)
        proof = task.process.coerced.proof
        context.update(
            {
                "grant": proof.grant,
                "money": money_position(proof.grant),
                "proof": proof,
                "lines": proof.lines.select_related("plan_line").order_by("plan_line__position"),
                "receipts": proof.receipts.select_related("plan_line"),
            }
        )
        return context

    def complete(self, process, form):
        from grants.checks import interim_proof_review, proof_items_request

        proof = process.proof
        if form.cleaned_data["action"] == InterimReviewForm.REQUEST_ITEMS:
            result = proof_items_request(proof=proof, by=self.request.user, message=form.cleaned_data["message"])
            tell_organisation(proof.grant.application, "proof_items_requested", message=form.cleaned_data["message"])
            return result
        return interim_proof_review(proof=proof, by=self.request.user, memo=form.cleaned_data["memo"])


class ApproveCheckView(_GrantTaskView):
    template_name = "workflow/proof_check_approve.html"
    form_class = ApprovalForm
    success_message = gettext_lazy("Your decision was recorded.")

    def check_permission(self, request, task):
        if task.flow_task.is_excluded(request.user, task):
            raise PermissionDenied(_("You checked this proof of use, so a second person must approve the result."))
        super().check_permission(request, task)

    def context(self, task, form):
        from grants.checks import sampled_receipts

        context = super().context(task, form)
        context["sample"] = sampled_receipts(context["check"]) if context["check"] else []
        return context

    def complete(self, process, form):
        from grants.checks import proof_check_approve, proof_check_send_back

        check = self._check(process)
        if form.cleaned_data["action"] == ApprovalForm.APPROVE:
            return proof_check_approve(check=check, by=self.request.user, comment=form.cleaned_data["comment"])
        return proof_check_send_back(check=check, by=self.request.user, comment=form.cleaned_data["comment"])

    def _check(self, process):
        return process.grant.proofs.get(kind=ProofKind.FINAL).checks.order_by("-version").first()


class HearingView(_GrantTaskView):
    template_name = "workflow/hearing.html"
    form_class = HearingForm
    success_message = gettext_lazy("The hearing was sent to the organisation.")

    def make_form(self, task, data=None):
        from datetime import timedelta

        from django.utils import timezone

        from grants.claims import HEARING_DAYS

        grant = task.process.coerced.grant
        proof = grant.proofs.filter(kind=ProofKind.FINAL).first()
        check = proof.checks.filter(status=CheckStatus.APPROVED).order_by("-version").first() if proof else None
        initial = {"deadline": timezone.localdate() + timedelta(days=HEARING_DAYS + 7)}
        if check is not None:
            initial.update(amount=check.reclaim, known_on=timezone.localdate(check.approved_at), text=check.explanation)
        return self.form_class(data, initial=initial)

    def complete(self, process, form):
        from grants.claims import claim_hearing

        grant = process.grant
        proof = grant.proofs.filter(kind=ProofKind.FINAL).first()
        check = proof.checks.filter(status=CheckStatus.APPROVED).order_by("-version").first() if proof else None
        return claim_hearing(grant=grant, by=self.request.user, proof_check=check, **form.cleaned_data)


REVOCATION_FIELDS = ("scope", "ground", "revoked_amount", "reasons", "weighing", "effective_on", "repay_by")


class RevocationProposalView(_GrantTaskView):
    template_name = "workflow/revocation_propose.html"
    form_class = RevocationForm
    success_message = gettext_lazy("Your proposal was recorded.")

    def make_form(self, task, data=None):
        from django.utils import timezone

        claim = task.process.coerced.grant.claims.order_by("-pk").first()
        initial = {}
        if claim is not None:
            paid = claim.grant.payment_requests.filter(paid_on__isnull=False).order_by("-paid_on").first()
            initial = {
                "revoked_amount": claim.amount,
                "scope": "partial" if claim.amount < claim.grant.amount else "full",
                "ground": "recalculation",
                "effective_on": paid.paid_on if paid else timezone.localdate(),
                "late_use_interest": (late_use_with_revocation(claim.proof_check)[0] if claim.proof_check else None)
                or None,  # empty rather than 0,00 when there is nothing to claim
            }
        return self.form_class(data, initial=initial)

    def complete(self, process, form):
        from grants.claims import claim_drop, claim_propose_revocation

        claim = process.grant.claims.order_by("-pk").first()
        data = form.cleaned_data
        if data["action"] == RevocationForm.DROP:
            return claim_drop(claim=claim, by=self.request.user, reason=data["reasons"])
        return claim_propose_revocation(
            claim=claim,
            by=self.request.user,
            **{
                k: data[k]
                for k in (
                    "scope",
                    "ground",
                    "revoked_amount",
                    "reasons",
                    "weighing",
                    "effective_on",
                    "repay_by",
                    "late_use_interest",
                )
            },
        )


class ApproveRevocationView(_GrantTaskView):
    template_name = "workflow/revocation_approve.html"
    form_class = ApprovalForm
    success_message = gettext_lazy("Your decision was recorded.")

    def check_permission(self, request, task):
        if task.flow_task.is_excluded(request.user, task):
            raise PermissionDenied(_("You proposed this revocation, so a second person must approve it."))
        super().check_permission(request, task)

    def complete(self, process, form):
        from grants.claims import claim_approve, claim_send_back

        claim = process.grant.claims.order_by("-pk").first()
        if form.cleaned_data["action"] == ApprovalForm.APPROVE:
            return claim_approve(claim=claim, by=self.request.user)
        return claim_send_back(claim=claim, by=self.request.user, comment=form.cleaned_data["comment"])


class RepaymentView(_GrantTaskView):
    """Each repayment received is recorded here; the task ends when principal and interest are settled."""

    template_name = "workflow/repayment.html"
    form_class = RepaymentForm

    def context(self, task, form):
        from grants.claims import claim_position, repaid
        from grants.interest import BaseRateMissing

        context = super().context(task, form)
        claim = context["claim"]
        try:
            context["position"] = claim_position(claim) if claim else None
        except BaseRateMissing as error:
            context["position"], context["rate_missing_from"] = None, error.missing_from
        context["repaid"] = repaid(claim) if claim else None
        return context

    def post(self, request, task):
        from django.db import transaction

        from grants.claims import repayment_record
        from workflow.errors import TaskUnavailable
        from workflow.services import task_complete

        self.check_permission(request, task)
        form = self.make_form(task, request.POST)
        if form.is_valid():
            claim = task.process.coerced.grant.claims.order_by("-pk").first()
            try:
                with transaction.atomic():
                    _repayment, settled = repayment_record(claim=claim, by=request.user, **form.cleaned_data)
                    if settled:
                        task_complete(task=task, by=request.user, action=lambda process: None)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except (ApplicationError, ProcessBusy) as error:
                field = getattr(error, "field", None)
                form.add_error(field if field in form.fields else None, error.message)
            except TaskUnavailable:
                task.refresh_from_db()
                return task_ended_page(request, task)
            else:
                messages.success(
                    request,
                    _("The repayment was recorded; the claim is settled and the grant closed.")
                    if settled
                    else _("The repayment was recorded; the claim is not yet settled."),
                )
                return redirect("workflow:tasks" if settled else "workflow:task", *([] if settled else [task.pk]))
        return render(request, self.template_name, self.context(task, form), status=400)


class PaymentOrdersView(LoginRequiredMixin, View):
    """The payment officers' list of released payments, by issuing authority: download the order files, then
    record the day the finance office paid them."""

    def _released(self, request):
        from grants.models import PaymentStatus
        from grants.selectors import payments_for_staff

        if not request.user.has_perm("grants.release_payment"):
            raise PermissionDenied(_("Only payment officers see the payment orders."))
        return (
            payments_for_staff(request.user)
            .filter(status=PaymentStatus.RELEASED)
            .select_related("grant__application", "grant__programme__authority", "grant__organisation")
            .order_by("grant__programme__authority", "released_at")
        )

    def _page(self, request, form=None, status=200):
        from itertools import groupby

        from workflow.forms import PaidForm

        released = list(self._released(request))
        groups = [
            {"authority": authority, "payments": list(rows)}
            for authority, rows in groupby(released, key=lambda p: p.grant.programme.authority)
        ]
        context = {"groups": groups, "form": form or PaidForm(payments=released), "today": timezone.localdate()}
        return render(request, "workflow/payment_orders.html", context, status=status)

    def get(self, request):
        return self._page(request)

    def post(self, request):
        from grants.services import payments_mark_paid
        from workflow.forms import PaidForm

        released = list(self._released(request))
        form = PaidForm(request.POST, payments=released)
        if form.is_valid():
            chosen = [p for p in released if p.pk in form.cleaned_data["payments"]]
            try:
                count = payments_mark_paid(payments=chosen, by=request.user, paid_on=form.cleaned_data["paid_on"])
            except ApplicationError as error:
                field = getattr(error, "field", None)
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, _("%(count)s payments were recorded as paid.") % {"count": count})
                return redirect("workflow:payment_orders")
        return self._page(request, form, status=400)


class PaymentOrderFileView(PaymentOrdersView):
    """GET: the order file (pain.001 or CSV) of an authority's released payments, for a day of execution."""

    def get(self, request, authority_pk, fmt):
        from datetime import date

        from django.http import HttpResponse

        from grants.payment_orders import payment_order

        payments = [p for p in self._released(request) if p.grant.programme.authority_id == authority_pk]
        if not payments:
            raise Http404
        try:
            execution = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            execution = timezone.localdate()
        try:
            content = payment_order(
                authority=payments[0].grant.programme.authority, payments=payments, execution_date=execution, fmt=fmt
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("workflow:payment_orders")
        kind, suffix = ("text/csv; charset=utf-8", "csv") if fmt == "csv" else ("application/xml", "xml")
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="zahlungen-{execution:%Y-%m-%d}.{suffix}"'
        return response
