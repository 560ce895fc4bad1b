"""Staff pages of the payment procedure: certify as factually correct, then release (second person)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.selectors import money_position
from grants.services import payment_certify, payment_refuse, payment_release
from workflow.forms import PaymentDecisionForm
from workflow.views import HumanTaskView


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
