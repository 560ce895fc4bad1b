"""After the decision: the grant's life, and each payment request, as process graphs.

Node callbacks only call the grant room's services; the pages that move them are in `workflow/grant_views.py`.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from grants.models import PaymentStatus
from workflow import grant_views
from workflow.messages import tell_organisation
from workflow.models import GrantProcess, PaymentProcess
from workflow.nodes import FourEyesView


class GrantFlow(flow.Flow):
    """Grant

    Opened when the approval letter is issued. The decision becomes final (bestandskräftig) when the appeal period
    after delivery ends, at once when the organisation waives the appeal, or when a recorded appeal ends; from then
    on the organisation may request money (each request runs its own payment procedure).
    """

    process_class = GrantProcess
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.start_for_grant).Next(this.become_final)
    become_final = (
        flow.Handle()
        .Annotation(title=_("Decision final: appeal period over, appeal waived or ended"))
        .Next(this.tell_final)
    )
    tell_final = flow.Function(this.send_final).Annotation(title=_("Tell the organisation")).Next(this.end)
    end = flow.End()

    def start_for_grant(self, activation, grant):
        activation.process.grant = grant
        activation.process.copy_scope_keys(grant.application)

    def send_final(self, activation):
        grant = activation.process.grant
        grant.refresh_from_db()
        tell_organisation(grant.application, "grant_final", final_on=grant.final_on.isoformat())


class PaymentFlow(flow.Flow):
    """Payment request

    The organisation requests money (Mittelabruf); a clerk certifies it as factually correct (sachlich richtig) or
    refuses it; a second person certifies it as arithmetically correct (rechnerisch richtig) and releases it for
    payment (four eyes); the organisation is told.
    """

    process_class = PaymentProcess
    lock_impl = lock.select_for_update_lock

    request = flow.StartHandle(this.start_for_payment).Next(this.certify)
    certify = (
        flow.View(grant_views.CertifyPaymentView.as_view())
        .Annotation(title=_("Certify the payment as factually correct"))
        .Permission("grants.certify_payment")
        .Next(this.is_certified)
    )
    is_certified = (
        flow.If(this.payment_certified).Annotation(title=_("Certified?")).Then(this.release).Else(this.tell_decided)
    )
    release = (
        FourEyesView(grant_views.ReleasePaymentView.as_view())
        .Annotation(title=_("Certify arithmetically and release the payment (second person)"))
        .Permission("grants.release_payment")
        .NotBy(this.certifier_id)
        .Next(this.tell_decided)
    )
    tell_decided = flow.Function(this.send_decided).Annotation(title=_("Tell the organisation")).Next(this.end)
    end = flow.End()

    def start_for_payment(self, activation, payment):
        activation.process.payment = payment
        activation.process.copy_scope_keys(payment.grant.application)

    def _status(self, activation):
        return (
            type(activation.process.payment)
            .objects.values_list("status", flat=True)
            .get(pk=activation.process.payment_id)
        )

    def payment_certified(self, activation):
        return self._status(activation) == PaymentStatus.CERTIFIED

    def certifier_id(self, process):
        return type(process.payment).objects.values_list("certified_by_id", flat=True).get(pk=process.payment_id)

    def send_decided(self, activation):
        payment = activation.process.payment
        payment.refresh_from_db()
        released = payment.status == PaymentStatus.RELEASED
        tell_organisation(
            payment.grant.application,
            "payment_released" if released else "payment_refused",
            amount=str(payment.amount),
            number=payment.number,
            note=payment.note,
        )
