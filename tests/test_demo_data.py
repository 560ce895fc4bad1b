"""The demo data the README promises: loads twice without duplicates, every demo login works, and grants stand in
every state after the decision, each with the open step of its real process."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.models import Call, Programme
from demo.demo_data import DEMO_PASSWORD, load_demo_data
from grants.models import (
    AppealOutcome,
    ChangeStatus,
    CheckResult,
    CheckStatus,
    ClaimStatus,
    Grant,
    GrantLetter,
    GrantLetterKind,
    GrantStatus,
    PaymentStatus,
    ProofKind,
    ProofStatus,
)
from notifications.models import Notification
from organisations.models import LegalForm, Organisation, Seat
from workflow.flows.grant import GrantFlow, PaymentFlow


def test_the_demo_loads_twice_and_every_login_named_in_the_readme_works(client, db):
    load_demo_data()
    load_demo_data()
    assert Programme.objects.count() == 2 and Call.objects.count() == 2
    assert all(call.is_open() for call in Call.objects.all())
    assert Organisation.objects.filter(legal_form=LegalForm.INFORMAL_INITIATIVE).exists()
    assert Organisation.objects.filter(seat=Seat.BREMERHAVEN).exists()

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    emails = re.findall(r"`([a-z0-9]+@demo\.teilhabe\.example)`", readme)
    assert len(emails) >= 8
    assert f"`{DEMO_PASSWORD}`" in readme
    for email in emails:
        assert client.login(username=email, password=DEMO_PASSWORD), email


def test_the_demo_programmes_pass_the_admin_validation(db):
    load_demo_data()
    for programme in Programme.objects.all():
        programme.full_clean()


def open_tasks(node, **lookup):
    return Task.objects.filter(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED], **lookup)


def grant_titled(title: str) -> Grant:
    return Grant.objects.select_related("application", "process").get(application__title=title)


def test_the_demo_has_a_grant_in_every_state_after_the_decision_each_where_its_real_process_stands(client, db):
    users = load_demo_data()
    load_demo_data()
    assert Grant.objects.count() == 16  # the second load added none

    waiting = grant_titled("Elterncafé Hemelingen")
    assert waiting.status == GrantStatus.AWAITING_FINALITY and waiting.final_on is None
    assert waiting.decision.letter.delivered_at == timezone.localdate() + timedelta(days=1)
    assert open_tasks(GrantFlow.become_final, process=waiting.process).exists()

    requested = grant_titled("Hausaufgabenhilfe Lindenhof")
    assert requested.status == GrantStatus.RUNNING and requested.final_on == timezone.localdate()
    first, second = requested.payment_requests.order_by("number")
    assert (first.status, second.status) == (PaymentStatus.REQUESTED, PaymentStatus.CERTIFIED)
    assert open_tasks(PaymentFlow.certify, process__paymentprocess__payment=first).exists()
    release = open_tasks(PaymentFlow.release, process__paymentprocess__payment=second).get()

    paid_grant = grant_titled("Sprachcafé für Frauen")
    paid, released = paid_grant.payment_requests.order_by("number")
    assert (paid.status, paid.paid_on, released.status) == (
        PaymentStatus.PAID,
        timezone.localdate(),
        PaymentStatus.RELEASED,
    )
    assert paid.certified_by == users["clerk"] and paid.released_by == users["payments"]
    assert released.payee_iban == "DE02120300000000202051"
    assert {paid.process.status, released.process.status} == {PROCESS.DONE}

    appealed = grant_titled("Nachbarschaftsfest Gröpelingen")
    assert appealed.status == GrantStatus.APPEALED
    assert appealed.appeals.get().outcome == AppealOutcome.PENDING

    submitted = grant_titled("Kochabende im Quartier")
    assert submitted.proofs.get().status == ProofStatus.SUBMITTED and submitted.status == GrantStatus.PROOF_IN_REVIEW
    check_task = open_tasks(GrantFlow.check_proof, process=submitted.process).get()

    proposed = grant_titled("Bewerbungstraining für Jugendliche")
    assert proposed.proofs.get().checks.get().status == CheckStatus.PROPOSED
    approve_task = open_tasks(GrantFlow.approve_check, process=proposed.process).get()

    # The project cost 2,000 EUR of 3,000 planned with 500 EUR own funds: the grant on the actual figures is
    # 1,500 EUR of the 2,500 EUR paid, so 1,000 EUR is reclaimed.
    hearing = grant_titled("Empowerment-Workshops")
    claim = hearing.claims.get()
    assert (hearing.status, claim.status, claim.amount) == (
        GrantStatus.RECLAIM,
        ClaimStatus.HEARING,
        Decimal("1000.00"),
    )
    assert open_tasks(GrantFlow.await_answer, process=hearing.process).exists()

    revoked = grant_titled("Lesepatenschaften")
    claim = revoked.claims.get()
    assert (claim.status, claim.revoked_amount, claim.approved_by) == (
        ClaimStatus.DECIDED,
        Decimal("1000.00"),
        users["approver"],
    )
    assert not claim.repayments.exists()
    repayment_task = open_tasks(GrantFlow.await_repayment, process=revoked.process).get()

    closed = grant_titled("Frauenfrühstück im Stadtteil")
    assert closed.status == GrantStatus.CLOSED and closed.process.status == PROCESS.DONE
    assert closed.proofs.get().checks.get().result == CheckResult.CONFIRMED

    # A dismissed appeal made the decision final; then the project was extended by an amendment decision.
    amended = grant_titled("Theatergruppe der Generationen")
    appeal = amended.appeals.get()
    assert (amended.status, appeal.outcome, amended.final_on) == (
        GrantStatus.RUNNING,
        AppealOutcome.DISMISSED,
        appeal.decided_on,
    )
    report = amended.change_reports.get()
    assert (report.status, report.plan_version.number, amended.plan_versions.count()) == (ChangeStatus.AMENDED, 2, 2)
    assert amended.period_end == report.new_period_end and report.approved_by == users["approver"]
    assert amended.proofs.get(kind=ProofKind.FINAL).lines.get(plan_line__position=1).plan_line.version.number == 2
    assert report.process.status == PROCESS.DONE

    # The appeal waived; a change within the tolerance noted (no new plan); the interim proof submitted.
    sewing = grant_titled("Nähwerkstatt Gröpelingen")
    assert sewing.waived_by == users["amina"] and sewing.final_on == timezone.localdate()
    assert sewing.change_reports.get().status == ChangeStatus.NOTED and sewing.plan_versions.count() == 1
    interim = sewing.proofs.get(kind=ProofKind.INTERIM)
    assert interim.status == ProofStatus.SUBMITTED and interim.receipts.count() == 2
    assert sewing.status == GrantStatus.RUNNING  # an interim proof is not checked in the grant's process
    assert open_tasks(GrantFlow.submit_proof, process=sewing.process).exists()

    # The clerk asked for missing items: the proof of use is back with the organisation, and it was told.
    items = grant_titled("Spielenachmittage im Park")
    assert items.proofs.get().status == ProofStatus.ITEMS_REQUESTED
    assert open_tasks(GrantFlow.submit_proof, process=items.process).exists()
    assert Notification.objects.filter(recipient=users["amina"], event="proof_items_requested").exists()

    # The second person sent the check back: the clerk checks again.
    sent_back = grant_titled("Computerkurs für Seniorinnen")
    assert sent_back.proofs.get().checks.get().status == CheckStatus.SENT_BACK
    recheck_task = open_tasks(GrantFlow.check_proof, process=sent_back.process).get()

    # The answer to the hearing explained the gap: the claim is dropped and the grant closed with its notice.
    dropped = grant_titled("Mathe-Treff für Fünftklässler")
    assert (dropped.status, dropped.claims.get().status) == (GrantStatus.CLOSED, ClaimStatus.DROPPED)
    assert sorted(dropped.letters.values_list("kind", flat=True)) == [GrantLetterKind.CLOSING, GrantLetterKind.HEARING]

    # Repaid in part: the payment officer still waits for the rest; repaid in full: settled and closed.
    repaying = grant_titled("Gesundheitscafé")
    claim = repaying.claims.get()
    assert (claim.status, [r.amount for r in claim.repayments.all()]) == (ClaimStatus.DECIDED, [Decimal("400.00")])
    part_task = open_tasks(GrantFlow.await_repayment, process=repaying.process).get()
    repaid = grant_titled("Berufsorientierung mit Eltern")
    claim = repaid.claims.get()
    assert (repaid.status, claim.status, claim.settled_on) == (
        GrantStatus.CLOSED,
        ClaimStatus.SETTLED,
        timezone.localdate(),
    )
    assert repaid.process.status == PROCESS.DONE

    # Every letter after the decision is rendered, as the decision letters are.
    letters = GrantLetter.objects.all()
    assert set(letters.values_list("kind", flat=True)) == set(GrantLetterKind.values)
    assert all(letter.rendered_at and letter.file.size > 0 for letter in letters)

    # Each open step opens for the demo person whose work it is.
    for email, task in [
        ("payments", release),
        ("clerk", check_task),
        ("approver", approve_task),
        ("payments", repayment_task),
        ("clerk", recheck_task),
        ("payments", part_task),
    ]:
        client.force_login(users[email])
        assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200, email
    client.force_login(users["amina"])
    assert client.get(f"/applications/{hearing.application_id}/hearing/").status_code == 200
