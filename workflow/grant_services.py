"""Moves the grant and payment processes: each domain change and the process step it completes, in one transaction."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from grants.models import Appeal, AppealOutcome, Grant, GrantStatus, PaymentRequest
from grants.services import (
    appeal_end,
    appeal_waive,
    final_payment_open,
    grant_become_final,
    payment_request_submit,
)
from workflow.services import process_locked


def _continue_when_final(grant: Grant) -> None:
    """Finish the grant's "decision final" step once the grant is final (called under the grant process's lock)."""
    from workflow.flows.grant import GrantFlow

    grant.refresh_from_db(fields=["status", "final_on"])
    if grant.final_on is None or grant.status != GrantStatus.RUNNING:
        return
    task = Task.objects.filter(
        process__grantprocess__grant=grant, flow_task=GrantFlow.become_final, status=STATUS.NEW
    ).first()
    if task is not None:
        GrantFlow.become_final.run(task)


def _grant_locked(grant: Grant):
    from workflow.flows.grant import GrantFlow

    return process_locked(GrantFlow, grant.process.pk)


def grant_make_final(*, grant: Grant, today: date | None = None) -> bool:
    """The appeal period ended: the decision is final and the organisation is told. False if not yet."""
    with _grant_locked(grant):
        became = grant_become_final(grant=grant, today=today)
        if became:
            _continue_when_final(grant)
    return became


def appeal_waive_and_continue(*, grant: Grant, by) -> Grant:
    with _grant_locked(grant):
        grant = appeal_waive(grant=grant, by=by)
        _continue_when_final(grant)
    return grant


def appeal_end_and_continue(*, appeal: Appeal, by, outcome: str, decided_on: date, note: str = "") -> Appeal:
    """The appeal ended: payments go on; an upheld appeal starts the amendment procedure that remedies it."""
    from grants.changes import appeal_change_open
    from workflow.flows.change import ChangeFlow

    with _grant_locked(appeal.grant):
        appeal = appeal_end(appeal=appeal, by=by, outcome=outcome, decided_on=decided_on, note=note)
        _continue_when_final(appeal.grant)
        if appeal.outcome == AppealOutcome.UPHELD:
            ChangeFlow.report.run(report=appeal_change_open(appeal=appeal, by=by))
    return appeal


def payment_request_and_start(*, grant: Grant, by, amount, purpose: str, needed_on: date) -> PaymentRequest:
    """The organisation requests money; the office's payment procedure starts in the same transaction."""
    from workflow.flows.grant import PaymentFlow

    with transaction.atomic():
        payment = payment_request_submit(grant=grant, by=by, amount=amount, purpose=purpose, needed_on=needed_on)
        PaymentFlow.request.run(payment=payment)
    return payment


def final_payment_and_start(*, grant: Grant) -> PaymentRequest | None:
    """The rest still to pay after the check, with its payment procedure (certify, release), in one transaction."""
    from workflow.flows.grant import PaymentFlow
    from workflow.models import PaymentProcess

    with transaction.atomic():
        payment = final_payment_open(grant=grant)
        if payment is not None and not PaymentProcess.objects.filter(payment=payment).exists():
            PaymentFlow.request.run(payment=payment)
    return payment


def _organisation_task(grant: Grant, node):
    return Task.objects.filter(
        process__grantprocess__grant=grant, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).first()


def proof_submit_and_continue(*, proof, by, declaration: bool):
    """A representative submits the proof of use; the office's check comes next."""
    from grants.proofs import proof_submit
    from workflow.errors import TaskUnavailable
    from workflow.flows.grant import GrantFlow
    from workflow.services import task_complete

    task = _organisation_task(proof.grant, GrantFlow.submit_proof)
    if task is None:
        raise TaskUnavailable(_("The proof of use cannot be submitted now."))
    return task_complete(
        task=task, by=by, action=lambda process: proof_submit(proof=proof, by=by, declaration=declaration)
    )


def interim_proof_submit_and_continue(*, proof, by, declaration: bool):
    """A representative submits an interim proof: its review starts, or, after missing items were asked for, the
    office reviews it again."""
    from grants.proofs import proof_submit
    from workflow.flows.grant import InterimProofFlow
    from workflow.models import InterimProofProcess
    from workflow.services import task_complete

    process = InterimProofProcess.objects.filter(proof=proof).first()
    if process is None:
        with transaction.atomic():
            proof = proof_submit(proof=proof, by=by, declaration=declaration)
            InterimProofFlow.submit.run(proof=proof)
        return proof
    task = Task.objects.filter(
        process=process, flow_task=InterimProofFlow.resubmit, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).first()
    if task is None:
        from workflow.errors import TaskUnavailable

        raise TaskUnavailable(_("The proof of use cannot be submitted now."))
    return task_complete(
        task=task, by=by, action=lambda process: proof_submit(proof=proof, by=by, declaration=declaration)
    )


def claim_answer_and_continue(*, claim, by, answer: str):
    """The organisation answers the hearing; the office decides next."""
    from grants.claims import claim_answer
    from workflow.errors import TaskUnavailable
    from workflow.flows.grant import GrantFlow
    from workflow.services import task_complete

    task = _organisation_task(claim.grant, GrantFlow.await_answer)
    if task is None:
        # The flow's timer fires on the day in the letter; where the letter was delivered late, the time to answer
        # runs on after it (grants.claims.answer_period_end) and the answer goes to the office's open decision.
        from grants.claims import hearing_open

        if not hearing_open(claim):
            raise TaskUnavailable(_("The time to answer this hearing has ended."))
        return claim_answer(claim=claim, by=by, answer=answer)
    return task_complete(task=task, by=by, action=lambda process: claim_answer(claim=claim, by=by, answer=answer))
