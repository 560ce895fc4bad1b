"""After the decision: the grant's life, and each payment request, as process graphs.

Node callbacks only call the grant room's services; the pages that move them are in `workflow/grant_views.py`.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from applications.deadlines import last_moment_of
from grants.claims import grant_close
from grants.models import CheckResult, CheckStatus, ClaimStatus, PaymentStatus, ProofKind, ProofStatus
from grants.proofs import interim_year, proof_open
from workflow import grant_views, views
from workflow.messages import tell_organisation
from workflow.models import GrantProcess, InterimProofProcess, PaymentProcess
from workflow.nodes import FourEyesView, OrganisationTask


class GrantFlow(flow.Flow):
    """Grant

    Opened when the approval letter is issued. The decision becomes final (bestandskräftig) when the appeal period
    after delivery ends, at once when the organisation waives the appeal, or when a recorded appeal ends; from then
    on the organisation may request money (each request runs its own payment procedure). The organisation proves
    the use of the money; a clerk checks the proof, recalculates the grant and a second person approves the result.
    Money to reclaim goes through a hearing, a revocation decided by two people and the repayment; then the grant
    is closed.
    """

    process_class = GrantProcess
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.start_for_grant).Next(this.become_final)
    become_final = (
        flow.Handle()
        .Annotation(title=_("Decision final: appeal period over, appeal waived or ended"))
        .Next(this.tell_final)
    )
    tell_final = flow.Function(this.send_final).Annotation(title=_("Tell the organisation")).Next(this.submit_proof)

    # Verwendungsnachweis: the organisation proves the use; a clerk checks it, a second person approves the result.
    submit_proof = (
        OrganisationTask(views.OrganisationTaskRedirect.as_view())
        .Annotation(title=_("The organisation submits the proof of use"))
        .Next(this.check_proof)
    )
    check_proof = (
        flow.View(grant_views.CheckProofView.as_view())
        .Annotation(title=_("Check the proof of use"))
        .Permission("applications.check_application")
        .Next(this.is_proof_complete)
    )
    is_proof_complete = (
        flow.If(this.proof_checked).Annotation(title=_("Complete?")).Then(this.approve_check).Else(this.submit_proof)
    )
    approve_check = (
        FourEyesView(grant_views.ApproveCheckView.as_view())
        .Annotation(title=_("Approve the result of the check (second person)"))
        .Permission("applications.approve_decision")
        .NotBy(this.checker_id)
        .Next(this.is_check_approved)
    )
    is_check_approved = (
        flow.If(this.check_approved).Annotation(title=_("Approved?")).Then(this.is_reclaim).Else(this.check_proof)
    )
    is_reclaim = (
        flow.If(this.money_to_reclaim).Annotation(title=_("Money to reclaim?")).Then(this.hear).Else(this.close)
    )

    # Widerruf und Erstattung: hearing, revocation by two people, repayment.
    hear = (
        flow.View(grant_views.HearingView.as_view())
        .Annotation(title=_("Hear the organisation before reclaiming"))
        .Permission("applications.check_application")
        .Next(this.await_answer)
    )
    await_answer = (
        OrganisationTask(views.OrganisationTaskRedirect.as_view())
        .Annotation(title=_("The organisation answers the hearing"))
        .OnTimeout(this.hearing_deadline, then=this.decide_revocation, title=_("Deadline passed"))
        .Next(this.decide_revocation)
    )
    decide_revocation = (
        flow.View(grant_views.RevocationProposalView.as_view())
        .Annotation(title=_("Propose the revocation, or drop the claim"))
        .Permission("applications.check_application")
        .Next(this.is_dropped)
    )
    is_dropped = (
        flow.If(this.claim_dropped).Annotation(title=_("Dropped?")).Then(this.close).Else(this.approve_revocation)
    )
    approve_revocation = (
        FourEyesView(grant_views.ApproveRevocationView.as_view())
        .Annotation(title=_("Approve the revocation (second person)"))
        .Permission("applications.approve_decision")
        .NotBy(this.revocation_proposer_id)
        .Next(this.is_revoked)
    )
    is_revoked = (
        flow.If(this.claim_revoked)
        .Annotation(title=_("Approved?"))
        .Then(this.await_repayment)
        .Else(this.decide_revocation)
    )
    await_repayment = (
        flow.View(grant_views.RepaymentView.as_view())
        .Annotation(title=_("Record the repayments until the claim is settled"))
        .Permission("grants.release_payment")
        .Next(this.close)
    )
    close = flow.Function(this.close_grant).Annotation(title=_("Close the grant")).Next(this.end)
    end = flow.End()

    def start_for_grant(self, activation, grant):
        activation.process.grant = grant
        activation.process.copy_scope_keys(grant.application)

    def send_final(self, activation):
        grant = activation.process.grant
        grant.refresh_from_db()
        proof_open(grant=grant)  # the draft of the proof of use, with its due date, from now on
        tell_organisation(grant.application, "grant_final", final_on=grant.final_on.isoformat())

    def _proof(self, activation):
        return activation.process.grant.proofs.filter(kind=ProofKind.FINAL).first()

    def proof_checked(self, activation):
        return self._proof(activation).checks.filter(status=CheckStatus.PROPOSED).exists()

    def _latest_check(self, process):
        proof = process.grant.proofs.filter(kind=ProofKind.FINAL).first()
        return proof.checks.order_by("-version").first() if proof else None

    def checker_id(self, process):
        check = self._latest_check(process)
        return check.checked_by_id if check else None

    def check_approved(self, activation):
        return self._latest_check(activation.process).status == CheckStatus.APPROVED

    def money_to_reclaim(self, activation):
        return self._latest_check(activation.process).result == CheckResult.TO_RECLAIM

    def _claim(self, process):
        return process.grant.claims.order_by("-pk").first()

    def hearing_deadline(self, activation):
        return last_moment_of(self._claim(activation.process).hearing_deadline)

    def claim_dropped(self, activation):
        return self._claim(activation.process).status == ClaimStatus.DROPPED

    def revocation_proposer_id(self, process):
        claim = self._claim(process)
        return claim.proposed_by_id if claim else None

    def claim_revoked(self, activation):
        return self._claim(activation.process).status == ClaimStatus.DECIDED

    def close_grant(self, activation):
        from workflow.grant_services import final_payment_and_start

        final_payment_and_start(grant=activation.process.grant)  # the rest, where the check found money still due
        grant_close(grant=activation.process.grant)


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


class InterimProofFlow(flow.Flow):
    """Interim proof of use

    For a project that runs past a year's end, the organisation proves the use so far (Zwischennachweis). A clerk
    reviews it and records a memo, or asks for missing items, which the organisation adds before it is reviewed
    again. The grant itself is settled on the final proof; the organisation is told when the review is done.
    """

    process_class = InterimProofProcess
    lock_impl = lock.select_for_update_lock

    submit = flow.StartHandle(this.start_for_proof).Next(this.review)
    review = (
        flow.View(grant_views.ReviewInterimProofView.as_view())
        .Annotation(title=_("Review the interim proof of use"))
        .Permission("applications.check_application")
        .Next(this.is_reviewed)
    )
    is_reviewed = (
        flow.If(this.proof_reviewed).Annotation(title=_("Complete?")).Then(this.tell_reviewed).Else(this.resubmit)
    )
    resubmit = (
        OrganisationTask(views.OrganisationTaskRedirect.as_view())
        .Annotation(title=_("The organisation adds the missing items"))
        .Next(this.review)
    )
    tell_reviewed = flow.Function(this.send_reviewed).Annotation(title=_("Tell the organisation")).Next(this.end)
    end = flow.End()

    def start_for_proof(self, activation, proof):
        activation.process.proof = proof
        activation.process.copy_scope_keys(proof.grant.application)

    def proof_reviewed(self, activation):
        proof = activation.process.proof
        return type(proof).objects.values_list("status", flat=True).get(pk=proof.pk) == ProofStatus.CHECKED

    def send_reviewed(self, activation):
        proof = activation.process.proof
        proof.refresh_from_db()
        tell_organisation(proof.grant.application, "interim_proof_reviewed", year=interim_year(proof.due_on))
