"""The proof of use is checked by one person and approved by another; an overpayment is reclaimed after a hearing,
by a revocation two people sign, and repaid with interest; then the grant is closed.

The grant: 2,500 EUR by shortfall financing on a plan of 3,000 EUR with 500 EUR own funds, paid out in full. The
project cost 2,000 EUR: the grant on the actual figures is 2,000 − 500 = 1,500 EUR, so 1,000 EUR is to be repaid.
"""

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications import roles
from applications.formatting import format_money
from grants.checks import late_use_with_revocation
from grants.letters import render_grant_letter_html
from grants.models import (
    BaseRate,
    CheckResult,
    CheckStatus,
    Claim,
    ClaimStatus,
    GrantStatus,
    PaymentRequest,
    PaymentStatus,
    ProofStatus,
)
from tests.factories import UserFactory
from workflow.flows.grant import GrantFlow

pytestmark = pytest.mark.usefixtures("tasks_in_process")


def text_of(response) -> str:
    body = response.content.decode().replace("<bdi>", "").replace("</bdi>", "")
    return " ".join(html.unescape(body).replace("\u2068", "").replace("\u2069", "").split())


@pytest.fixture
def second_clerk(db):
    return UserFactory(email="carl@example.org", first_name="Carl", roles=[roles.CLERK])


def open_task(grant, node):
    return Task.objects.get(
        process__grantprocess__grant=grant, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def paid_in_full(grant, by, on):
    PaymentRequest.objects.create(
        grant=grant,
        number=1,
        amount=grant.amount,
        purpose="Honorare",
        needed_on=grant.period_start,
        requested_by=by,
        status=PaymentStatus.PAID,
        paid_on=on,
    )


def submitted_proof(grant, by, actual="2000.00", receipts=("500.00", "500.00", "600.00", "400.00")):
    """The organisation's proof, written and submitted through the services its pages use: 2,000 EUR of costs in
    four receipts, 500 EUR own funds."""
    from grants.proofs import proof_open, proof_update, receipt_add
    from workflow.grant_services import proof_submit_and_continue

    proof = proof_open(grant=grant)
    line = grant.plan_versions.get().lines.get()
    proof_update(
        proof=proof,
        by=by,
        report="Zwölf Treffen mit 20 Eltern; das Sprachcafé lief wie geplant, Honorare fielen niedriger aus.",
        purpose_achieved=True,
        actual_own_funds=Decimal("500.00"),
        actual_third_party_funds=Decimal("0.00"),
        actuals={line.pk: Decimal(actual)},
    )
    for position, amount in enumerate(receipts, start=1):
        receipt_add(
            proof=proof,
            by=by,
            date=timezone.localdate() - timedelta(days=10 - position),
            payee=f"Trainerin {position}",
            purpose="Honorar",
            amount=Decimal(amount),
            plan_line=line,
        )
    proof_submit_and_continue(proof=proof, by=by, declaration=True)
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SUBMITTED
    return proof


def test_an_overpayment_is_reclaimed_after_a_hearing_by_two_people_and_repaid_with_interest(
    client, running, alice, clerk, second_clerk, approver, payment_officer
):
    # The base rates of 2026, entered as an administrator does when the Bundesbank publishes them.
    BaseRate.objects.create(valid_from=date(2026, 1, 1), rate=Decimal("1.27"))
    BaseRate.objects.create(valid_from=date(2026, 7, 1), rate=Decimal("1.27"))
    paid_in_full(running, alice, on=date(2026, 1, 15))
    proof = submitted_proof(running, alice)

    # The clerk checks: the page shows planned against actual and the recalculation.
    check_task = open_task(running, GrantFlow.check_proof)
    client.force_login(clerk)
    page = text_of(client.get(f"/staff/tasks/{check_task.pk}/"))
    assert "3.000,00" in page and "2.000,00" in page and "1.000,00" in page
    assert client.post(f"/staff/tasks/{check_task.pk}/", {"action": "record", "memo": ""}).status_code == 400
    response = client.post(
        f"/staff/tasks/{check_task.pk}/",
        {"action": "record", "memo": "Belege stimmen mit der Liste überein; Honorare niedriger als geplant."}
        | {
            name: "on"
            for name in ("check_in_time", "check_report", "check_figures", "check_sample", "check_plan", "check_funds")
        },
    )
    assert response.status_code == 302
    check = proof.checks.get()
    assert (check.result, check.recalculated_grant, check.balance) == (
        CheckResult.TO_RECLAIM,
        Decimal("1500.00"),
        Decimal("-1000.00"),
    )
    # All 2,500 EUR were paid on 15 Jan 2026 but spent only in the last days: the money was held longer than the
    # six weeks allowed, so § 49a(4) interest is shown.
    assert check.late_use_interest > 0
    sampled = set(proof.receipts.filter(in_sample=True).values_list("pk", flat=True))
    assert len(sampled) == 1  # 20 % of four receipts, rounded up
    assert check.sample_seed and check.sample_seed in check.sample_note

    # The same person cannot approve the result: not the flow, not the page.
    approve_task = open_task(running, GrantFlow.approve_check)
    clerk.groups.add(*UserFactory(roles=[roles.APPROVER]).groups.all())
    clerk = type(clerk).objects.get(pk=clerk.pk)
    client.force_login(clerk)
    assert client.post(f"/staff/tasks/{approve_task.pk}/", {"action": "approve"}).status_code == 403
    client.force_login(approver)
    page = text_of(client.get(f"/staff/tasks/{approve_task.pk}/"))
    assert "Trainerin" in page  # the sampled receipt is shown to the second person
    assert client.post(f"/staff/tasks/{approve_task.pk}/", {"action": "approve"}).status_code == 302
    check.refresh_from_db()
    running.refresh_from_db()
    assert check.status == CheckStatus.APPROVED and check.approved_by == approver
    assert running.status == GrantStatus.RECLAIM
    assert running.retain_until == date(
        timezone.localdate().year + 5, timezone.localdate().month, timezone.localdate().day
    )

    # The hearing: at least 14 days to answer.
    hear_task = open_task(running, GrantFlow.hear)
    client.force_login(second_clerk)
    form = {
        "amount": "1000,00",
        "known_on": timezone.localdate().isoformat(),
        "text": "Die Ausgaben lagen 1.000 EUR unter dem Plan; nach ANBest-P Nr. 2 ermäßigt sich die Zuwendung.",
        "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    assert client.post(f"/staff/tasks/{hear_task.pk}/", form).status_code == 400
    form["deadline"] = (timezone.localdate() + timedelta(days=21)).isoformat()
    assert client.post(f"/staff/tasks/{hear_task.pk}/", form).status_code == 302
    claim = Claim.objects.get(grant=running)
    assert claim.status == ClaimStatus.HEARING and claim.amount == Decimal("1000.00")

    # The organisation answers in the portal.
    client.force_login(alice)
    page = text_of(client.get(f"/applications/{running.application_id}/"))
    assert "1.000,00" in page
    url = f"/applications/{running.application_id}/hearing/"
    assert client.post(url, {"answer": ""}).status_code == 400
    assert client.post(url, {"answer": "Wir haben sparsam gewirtschaftet; wir zahlen zurück."}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.TO_DECIDE

    # The revocation: proposed by one clerk, refused to the proposer, approved by the approver.
    decide_task = open_task(running, GrantFlow.decide_revocation)
    client.force_login(second_clerk)
    revocation = {
        "action": "revoke",
        "scope": "partial",
        "ground": "recalculation",
        "revoked_amount": "1000,00",
        "effective_on": "2026-01-15",
        "repay_by": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "reasons": "Die zuwendungsfähigen Ausgaben betrugen 2.000 EUR; die Anhörung brachte nichts anderes.",
        "weighing": "Intendiertes Ermessen: besondere Umstände, die gegen den Widerruf sprechen, sind nicht erkennbar.",
    }
    assert client.post(f"/staff/tasks/{decide_task.pk}/", revocation | {"weighing": ""}).status_code == 400
    # § 49a(4) interest for the 2,000 EUR spent late is offered, capped at what the check computed for money spent:
    # the 500 EUR never spent is reclaimed and bears interest from the revocation's day instead.
    late_interest, rows = late_use_with_revocation(check)
    assert Decimal("0") < late_interest < check.late_use_interest
    assert [(row["amount"], row["spent_late"]) for row in rows] == [(Decimal("2500.00"), Decimal("2000.00"))]
    page = client.get(f"/staff/tasks/{decide_task.pk}/").content.decode()
    assert f'value="{format_money(late_interest)}"' in page
    too_much = format_money(late_interest + Decimal("0.01"))
    response = client.post(f"/staff/tasks/{decide_task.pk}/", revocation | {"late_use_interest": too_much})
    assert response.status_code == 400
    assert html.escape(format_money(late_interest)) in text_of(response) and too_much in response.content.decode()
    revocation["late_use_interest"] = format_money(late_interest)
    assert client.post(f"/staff/tasks/{decide_task.pk}/", revocation).status_code == 302
    approve_revocation = open_task(running, GrantFlow.approve_revocation)
    second_clerk.groups.add(*approver.groups.all())
    second_clerk = type(second_clerk).objects.get(pk=second_clerk.pk)
    client.force_login(second_clerk)
    assert client.post(f"/staff/tasks/{approve_revocation.pk}/", {"action": "approve"}).status_code == 403
    client.force_login(approver)
    assert client.post(f"/staff/tasks/{approve_revocation.pk}/", {"action": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED and claim.approved_by == approver
    assert claim.late_use_interest == late_interest
    letter = claim.grant.letters.get(kind="revocation")
    text = " ".join(render_grant_letter_html(letter).split())
    assert "4. Für die Zeit bis zur zweckentsprechenden Verwendung" in text and "§ 49a Absatz 4 VwVfG" in text
    total = format_money(claim.amount + late_interest)
    assert f"zusammen {total} EUR" in text and "15.01.2026" in text

    # Repayments: 1,000 EUR first settles the interest, then principal; the rest closes the claim.
    repay_task = open_task(running, GrantFlow.await_repayment)
    client.force_login(payment_officer)
    today = timezone.localdate()
    response = client.post(f"/staff/tasks/{repay_task.pk}/", {"received_on": today.isoformat(), "amount": "1000,00"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED  # interest from 15 Jan 2026 is still owed
    page = text_of(client.get(f"/staff/tasks/{repay_task.pk}/"))
    from grants.claims import claim_position

    owed = claim_position(claim, today)
    assert owed.remaining_principal > 0  # the payment went to the interest first (§ 367 BGB)
    # The first 1,000 EUR paid the § 49a(4) interest and the § 49a(3) interest accrued since 15 January first.
    assert owed.payments[0].to_interest > late_interest
    assert owed.remaining_principal == Decimal("1000.00") - (Decimal("1000.00") - owed.payments[0].to_interest)
    rest = owed.remaining_principal + owed.remaining_interest
    response = client.post(
        f"/staff/tasks/{repay_task.pk}/", {"received_on": today.isoformat(), "amount": f"{rest:.2f}".replace(".", ",")}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    running.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED
    assert running.status == GrantStatus.CLOSED
    from reporting.metrics import Selection, payments

    figures = payments(Selection(programme_ids=(running.programme_id,)))
    assert (figures["reclaimed"], figures["claims_open"]) == (Decimal("1000.00"), 0)
    assert figures["repaid"] == Decimal("1000.00") + rest  # principal and all interest
    client.force_login(alice)
    page = text_of(client.get(f"/applications/{running.application_id}/"))
    assert "The grant was closed on" in page or "Die Zuwendung wurde am" in page


def test_the_rest_found_still_due_is_paid_through_certification_and_release(
    client, running, alice, clerk, approver, payment_officer
):
    """1,500 of the 2,500 EUR were paid; the project cost the planned 3,000 EUR, so the check finds 1,000 EUR still
    due. Closing the grant opens that final payment, which a clerk certifies and the payment officer releases."""
    from grants.selectors import money_position
    from workflow.flows.grant import PaymentFlow

    PaymentRequest.objects.create(
        grant=running, number=1, amount=Decimal("1500.00"), purpose="Honorare", needed_on=running.period_start,
        requested_by=alice, status=PaymentStatus.PAID, paid_on=timezone.localdate() - timedelta(days=20),
    )  # fmt: skip
    proof = submitted_proof(running, alice, actual="3000.00", receipts=("1000.00", "1000.00", "600.00", "400.00"))
    client.force_login(clerk)
    check_task = open_task(running, GrantFlow.check_proof)
    checks = {name: "on" for name in ("check_in_time", "check_report", "check_figures", "check_sample", "check_plan")}
    memo = {"action": "record", "memo": "Ausgaben wie geplant; Belege stichprobenartig geprüft.", "check_funds": "on"}
    assert client.post(f"/staff/tasks/{check_task.pk}/", memo | checks).status_code == 302
    check = proof.checks.get()
    assert (check.result, check.balance) == (CheckResult.STILL_PAYABLE, Decimal("1000.00"))
    client.force_login(approver)
    approve_task = open_task(running, GrantFlow.approve_check)
    assert client.post(f"/staff/tasks/{approve_task.pk}/", {"action": "approve"}).status_code == 302

    running.refresh_from_db()
    assert running.status == GrantStatus.CLOSED
    final = running.payment_requests.get(final=True)
    assert (final.amount, final.status, final.requested_by) == (Decimal("1000.00"), PaymentStatus.REQUESTED, clerk)
    from django.utils import translation

    from portal.next_step import next_step

    with translation.override("en"):
        assert str(next_step(running.application)["what"]) == "The office pays you the rest of the grant, 1,000.00 EUR."
    closing = running.letters.get(kind="closing")
    assert "Der noch nicht ausgezahlte Betrag von 1.000,00 EUR" in " ".join(render_grant_letter_html(closing).split())

    # The office's usual two steps: the clerk certifies, the payment officer releases to the organisation's account.
    client.force_login(clerk)
    certify = Task.objects.get(process__paymentprocess__payment=final, flow_task=PaymentFlow.certify)
    assert client.post(f"/staff/tasks/{certify.pk}/", {"action": "accept"}).status_code == 302
    client.force_login(payment_officer)
    release = Task.objects.get(process__paymentprocess__payment=final, flow_task=PaymentFlow.release)
    response = client.post(f"/staff/tasks/{release.pk}/", {"action": "accept"})
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.status == PaymentStatus.RELEASED and final.payee_iban
    position = money_position(running)
    assert position.paid + position.released == check.recalculated_grant == Decimal("2500.00")
