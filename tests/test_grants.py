"""After the decision: the grant opens, becomes final, and money is requested, certified and released by two people.

Alice represents the organisation, Bob is a plain member. Clara the clerk certifies payments as factually correct;
Petra the payment officer certifies them arithmetically and releases them. Klaus is clerk and payment officer at
once, to prove that four eyes hold for a person with both roles.
"""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.errors import ApplicationError, NotAllowed
from grants.finality import final_from
from grants.models import GrantStatus, PaymentRequest, PaymentStatus
from grants.selectors import money_position
from grants.services import appeal_record, payment_certify, payment_release, payment_request_submit, payments_mark_paid
from notifications.models import Notification
from tests.support.grant_fixtures import deliver
from workflow.flows.grant import GrantFlow, PaymentFlow
from workflow.grant_services import appeal_end_and_continue, grant_make_final, payment_request_and_start
from workflow.services import task_complete

pytestmark = pytest.mark.usefixtures("tasks_in_process")


def german(msgid: str, **values) -> str:
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


def page_text(response) -> str:
    text = response.content.decode().replace("<bdi>", "").replace("</bdi>", "")
    return " ".join(html.unescape(text).replace("\u2068", "").replace("\u2069", "").split())


def request_money(grant, by, amount="1000.00", days=10):
    return payment_request_and_start(
        grant=grant,
        by=by,
        amount=Decimal(amount),
        purpose="Honorare für März",
        needed_on=max(timezone.localdate(), grant.period_start) + timedelta(days=days),
    )


def open_task(payment, node):
    return Task.objects.get(process__paymentprocess__payment=payment, flow_task=node, status__in=[STATUS.NEW])


def test_an_approval_opens_the_grant_with_its_plan_as_version_one(granted):
    application = granted.application
    assert granted.amount == Decimal("2500.00")
    assert granted.status == GrantStatus.AWAITING_FINALITY
    assert (granted.period_start, granted.period_end) == (application.period_start, application.period_end)
    plan = granted.plan_versions.get()
    assert plan.number == 1 and plan.amount == Decimal("2500.00")
    assert [(line.description, line.amount) for line in plan.lines.all()] == [("Honorare", Decimal("3000.00"))]
    assert granted.payment_period_weeks == 6  # the authority's ANBest-P Nr. 1.4 period
    assert Task.objects.filter(process__grantprocess__grant=granted, flow_task=GrantFlow.become_final).exists()


def test_money_waits_for_the_decision_to_become_final(granted, alice):
    with pytest.raises(ApplicationError) as refused:
        request_money(granted, alice)
    assert german("Money can be requested once the decision letter has been delivered and become final.") in (
        refused.value.message
    )
    letter = deliver(granted, alice)
    due = final_from(letter.delivered_at)
    with pytest.raises(ApplicationError) as refused:
        request_money(granted, alice)
    assert due.strftime("%d.%m.%Y") in refused.value.message or due.strftime("%m/%d/%Y") in refused.value.message
    assert not grant_make_final(grant=granted, today=due - timedelta(days=1))
    assert grant_make_final(grant=granted, today=due)
    granted.refresh_from_db()
    assert (granted.status, granted.final_on) == (GrantStatus.RUNNING, due)
    assert Notification.objects.filter(recipient=alice, event="grant_final").exists()
    open_steps = Task.objects.filter(process__grantprocess__grant=granted, status=STATUS.NEW)
    assert [task.flow_task for task in open_steps] == [GrantFlow.submit_proof]


def test_a_representative_may_waive_the_appeal_a_plain_member_may_not(client, granted, alice, bob):
    deliver(granted, alice)
    client.force_login(bob)
    response = client.post(f"/applications/{granted.application_id}/waive-appeal/", {"confirm": "on"})
    assert response.status_code == 403
    granted.refresh_from_db()
    assert granted.status == GrantStatus.AWAITING_FINALITY
    client.force_login(alice)
    page = page_text(client.get(f"/applications/{granted.application_id}/"))
    assert german("Waive the appeal") in page
    response = client.post(f"/applications/{granted.application_id}/waive-appeal/", {"confirm": "on"})
    assert response.status_code == 302
    granted.refresh_from_db()
    assert (granted.status, granted.final_on, granted.waived_by) == (GrantStatus.RUNNING, timezone.localdate(), alice)


def test_a_request_never_claims_more_than_is_left(running, alice):
    request_money(running, alice, "2000.00")
    with pytest.raises(ApplicationError) as refused:
        request_money(running, alice, "500.01")
    assert refused.value.field == "amount"
    assert "500,00" in refused.value.message or "500.00" in refused.value.message
    request_money(running, alice, "500.00")
    assert money_position(running).left == Decimal("0.00")


def test_money_is_requested_only_for_needs_within_the_payment_period(running, alice):
    today = running.period_start  # the first day of the project: both needs below lie inside the approval period
    assert running.period_end >= today + timedelta(weeks=7)
    with pytest.raises(ApplicationError) as refused:
        payment_request_submit(
            grant=running, by=alice, amount=Decimal("100"), purpose="Miete", needed_on=today + timedelta(weeks=7),
            today=today,
        )  # fmt: skip
    assert refused.value.field == "needed_on"
    assert formats.date_format(today + timedelta(weeks=1), "SHORT_DATE_FORMAT") in refused.value.message
    request = payment_request_submit(
        grant=running, by=alice, amount=Decimal("100"), purpose="Miete", needed_on=today + timedelta(weeks=6),
        today=today,
    )  # fmt: skip
    assert request.status == PaymentStatus.REQUESTED
    assert request.needed_on == today + timedelta(weeks=6)


def test_only_a_representative_requests_money(running, bob):
    with pytest.raises(NotAllowed):
        request_money(running, bob)


def test_two_people_certify_and_release(running, alice, clerk, payment_officer, clerk_and_payment_officer):
    payment = request_money(running, alice)
    task_complete(
        task=open_task(payment, PaymentFlow.certify),
        by=clerk_and_payment_officer,
        action=lambda process: payment_certify(payment=process.payment, by=clerk_and_payment_officer),
    )
    release = open_task(payment, PaymentFlow.release)
    # The flow keeps the certifier out of the release task, and the service refuses them too.
    assert not PaymentFlow.release.can_assign(clerk_and_payment_officer, release)
    with pytest.raises(NotAllowed):
        payment_release(payment=payment, by=clerk_and_payment_officer)
    # And the database refuses the same person in both roles.
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.filter(pk=payment.pk).update(
            released_by=clerk_and_payment_officer, status=PaymentStatus.RELEASED
        )
    task_complete(
        task=release,
        by=payment_officer,
        action=lambda process: payment_release(payment=process.payment, by=payment_officer),
    )
    payment.refresh_from_db()
    assert (payment.status, payment.certified_by, payment.released_by) == (
        PaymentStatus.RELEASED,
        clerk_and_payment_officer,
        payment_officer,
    )
    assert Notification.objects.filter(recipient=alice, event="payment_released").exists()
    payments_mark_paid(payments=[payment], by=payment_officer, paid_on=timezone.localdate())
    assert money_position(running).paid == Decimal("1000.00")


def test_the_certifier_cannot_release_by_posting_to_the_page(
    client, running, alice, clerk_and_payment_officer, payment_officer
):
    payment = request_money(running, alice)
    certify = open_task(payment, PaymentFlow.certify)
    client.force_login(clerk_and_payment_officer)
    response = client.post(f"/staff/tasks/{certify.pk}/", {"action": "accept"})
    assert response.status_code == 302
    release = open_task(payment, PaymentFlow.release)
    response = client.post(f"/staff/tasks/{release.pk}/", {"action": "accept"})
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CERTIFIED
    client.force_login(payment_officer)
    page = page_text(client.get(f"/staff/tasks/{release.pk}/"))
    assert "Honorare für März" in page and "1.000,00" in page
    assert client.post(f"/staff/tasks/{release.pk}/", {"action": "accept"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RELEASED


def test_a_refusal_needs_its_reason_and_tells_the_organisation(client, running, alice, clerk):
    payment = request_money(running, alice)
    certify = open_task(payment, PaymentFlow.certify)
    client.force_login(clerk)
    response = client.post(f"/staff/tasks/{certify.pk}/", {"action": "refuse", "note": ""})
    assert response.status_code == 400
    assert german("Say why the request is refused; the organisation reads it.") in page_text(response)
    response = client.post(f"/staff/tasks/{certify.pk}/", {"action": "refuse", "note": "Der Bedarf ist nicht belegt."})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUSED
    assert money_position(running).left == Decimal("2500.00")  # a refused request claims nothing
    client.force_login(alice)
    assert "Der Bedarf ist nicht belegt." in page_text(client.get(f"/applications/{running.application_id}/"))


def test_an_appeal_pauses_payments_until_it_ends(running, alice, clerk, payment_officer):
    payment = request_money(running, alice)
    task_complete(
        task=open_task(payment, PaymentFlow.certify),
        by=clerk,
        action=lambda process: payment_certify(payment=process.payment, by=clerk),
    )
    appeal = appeal_record(grant=running, by=clerk, kind="action", lodged_on=timezone.localdate())
    with pytest.raises(ApplicationError) as refused:
        payment_release(payment=payment, by=payment_officer)
    assert refused.value.message == german(
        "An appeal against the decision is pending; payments wait until it has ended."
    )
    with pytest.raises(ApplicationError):
        request_money(running, alice, "10.00")
    appeal_end_and_continue(appeal=appeal, by=clerk, outcome="withdrawn", decided_on=timezone.localdate())
    payment_release(payment=payment, by=payment_officer)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RELEASED


def test_the_request_form_keeps_the_input_and_says_what_is_wrong(client, running, alice):
    client.force_login(alice)
    url = f"/applications/{running.application_id}/payments/new/"
    needed = max(timezone.localdate(), running.period_start) + timedelta(days=5)
    response = client.post(url, {"amount": "9999,00", "purpose": "Miete April", "needed_on": needed.isoformat()})
    assert response.status_code == 400
    page = page_text(response)
    assert "Miete April" in page and 'value="9999,00"' in page
    assert german("At most %(left)s EUR of the grant is left to request.", left="2.500,00") in page
    response = client.post(url, {"amount": "abc", "purpose": "Miete April", "needed_on": needed.isoformat()})
    assert response.status_code == 400
    assert german("Enter an amount in euros, for example 1.500,00.") in page_text(response)
    response = client.post(url, {"amount": "800,00", "purpose": "Miete April", "needed_on": needed.isoformat()})
    assert response.status_code == 302
    assert running.payment_requests.get().amount == Decimal("800.00")


def test_someone_else_s_grant_is_not_found(client, running, charlie):
    client.force_login(charlie)
    assert client.get(f"/applications/{running.application_id}/payments/new/").status_code == 404
    assert client.post(f"/applications/{running.application_id}/waive-appeal/", {"confirm": "on"}).status_code == 404


def test_the_hourly_job_makes_grants_final_once_the_period_has_passed(granted, alice, time_machine):
    from workflow.tasks import make_grants_final

    letter = deliver(granted, alice)
    assert make_grants_final() == 0
    time_machine.move_to(
        timezone.make_aware(timezone.datetime.combine(final_from(letter.delivered_at), timezone.datetime.min.time()))
        + timedelta(hours=9)
    )
    assert make_grants_final() == 1
    assert make_grants_final() == 0
    granted.refresh_from_db()
    assert granted.status == GrantStatus.RUNNING


def test_staff_see_the_grant_and_record_an_appeal_on_the_application_page(client, running, alice, clerk):
    client.force_login(clerk)
    url = f"/staff/applications/{running.application_id}/"
    page = page_text(client.get(url))
    assert german("Record an appeal") in page and "2.500,00" in page
    response = client.post(f"{url}appeal/", {"kind": "action", "lodged_on": ""})
    assert response.status_code == 400  # the missing date is said next to the field
    response = client.post(f"{url}appeal/", {"kind": "action", "lodged_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == GrantStatus.APPEALED
    assert german("Record the end of the appeal") in page_text(client.get(url))
    client.force_login(alice)
    page = page_text(client.get(f"/applications/{running.application_id}/"))
    assert german("An appeal against the decision is pending. Payments wait until it has ended.") in page


def test_the_dashboard_shows_the_money_paid_released_and_waiting(client, running, alice, clerk, payment_officer):
    from reporting.metrics import Selection, payments

    first = request_money(running, alice, "1000.00")
    request_money(running, alice, "300.00")
    payment_certify(payment=first, by=clerk)
    payment_release(payment=first, by=payment_officer)
    figures = payments(Selection(programme_ids=(running.programme_id,)))
    assert (figures["released"], figures["pending"], figures["pending_count"]) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        1,
    )
    assert (figures["paid"], figures["running"], figures["awaiting"]) == (Decimal("0.00"), 1, 0)


def test_the_dashboard_page_has_the_money_block(client, running, alice, programme_admin):
    request_money(running, alice, "300.00")
    client.force_login(programme_admin)
    page = page_text(client.get("/staff/dashboard/"))
    assert german("Money after the decision") in page
    assert "300,00 EUR" in page


def released_payment(grant, alice, clerk, payment_officer, amount="1000.00"):
    payment = request_money(grant, alice, amount)
    payment_certify(payment=payment, by=clerk)
    return payment_release(payment=payment, by=payment_officer)


def test_money_is_requested_only_into_a_bank_account(granted, alice):
    letter = deliver(granted, alice)
    grant_make_final(grant=granted, today=final_from(letter.delivered_at))
    with pytest.raises(ApplicationError) as refused:
        request_money(granted, alice)
    assert refused.value.message == german(
        "Give the organisation's bank account first (on the organisation's page); the money is paid into it."
    )


def test_the_payment_officer_downloads_the_order_and_records_the_payment(
    client, running, alice, clerk, payment_officer
):
    import xmlschema

    authority = running.programme.authority
    authority.iban, authority.bic, authority.account_holder = "DE02120300000000202051", "", "Freie Hansestadt Bremen"
    authority.save()
    payment = released_payment(running, alice, clerk, payment_officer)
    assert payment.payee_iban == "DE89370400440532013000"
    client.force_login(payment_officer)
    page = page_text(client.get("/staff/payments/"))
    assert payment.end_to_end_id in page and "1.000,00 EUR" in page
    day = timezone.localdate()
    response = client.get(f"/staff/payments/{authority.pk}/order.xml?date={day.isoformat()}")
    assert response.status_code == 200
    xmlschema.XMLSchema(str(schema_path())).validate(response.content.decode())
    assert b'<InstdAmt Ccy="EUR">1000.00</InstdAmt>' in response.content
    csv_text = client.get(f"/staff/payments/{authority.pk}/order.csv?date={day.isoformat()}").content.decode(
        "utf-8-sig"
    )
    assert "1000,00" in csv_text and payment.end_to_end_id in csv_text
    response = client.post("/staff/payments/", {"paid_on": day.isoformat(), "payments": [payment.pk]})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (PaymentStatus.PAID, day)
    client.force_login(clerk)
    assert client.get("/staff/payments/").status_code == 403


def schema_path():
    from pathlib import Path

    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def test_the_dashboard_warns_when_a_published_base_rate_is_not_entered(client, programme_admin, time_machine):
    from grants.models import BaseRate

    time_machine.move_to("2026-12-04 10:00 +01:00")
    client.force_login(programme_admin)
    page = page_text(client.get("/staff/dashboard/"))
    assert "admin/grants/baserate/add/" in page  # the warning links to where the rate is entered
    assert "01.01.2026" in page  # the seeded table ends with the rate of 1 July 2025
    BaseRate.objects.create(valid_from="2026-01-01", rate=Decimal("1.27"))
    BaseRate.objects.create(valid_from="2026-07-01", rate=Decimal("1.27"))
    page = page_text(client.get("/staff/dashboard/"))
    assert "admin/grants/baserate/add/" not in page


def test_the_progress_bar_goes_on_through_the_grant(client, running, alice):
    client.force_login(alice)
    response = client.get(f"/applications/{running.application_id}/")
    steps = [(step["name"], step["state"]) for step in response.context["progress"]]
    assert steps[-4:] == [
        ("become_final", "done"),
        ("submit_proof", "current"),
        ("approve_check", "todo"),
        ("close", "todo"),
    ]
    what = str(response.context["next"]["what"])
    assert what == str(gettext("Request the money shortly before you need it, and prove its use after the project."))


def test_the_grant_section_explains_the_german_words_of_the_letters_in_the_readers_language(client, running, alice):
    alice.language = "tr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.get(f"/applications/{running.application_id}/")
    page = response.content.decode()
    with translation.override("tr"):
        summary = gettext("What the German words in your letters mean")
        meaning = gettext(
            "Final: the time to appeal has passed, so the decision can no longer be challenged. "
            "Money is paid from then on."
        )
    assert summary != "What the German words in your letters mean"  # there is a Turkish text to show
    assert html.escape(summary) in page and html.escape(meaning) in page
    # The German terms stay German, marked so that screen readers pronounce them as German.
    assert '<dt class="kern-description-list-item__key" lang="de">bestandskräftig</dt>' in page


def test_the_dashboard_counts_proofs_of_use_due_overdue_and_in_review(client, running, programme_admin):
    from grants.models import ProofStatus
    from grants.proofs import proof_open
    from reporting.metrics import Selection, payments

    proof = proof_open(grant=running)
    selection = Selection(programme_ids=(running.programme_id,))
    counts = ("proofs_due", "proofs_overdue", "proofs_in_review")
    far = payments(selection, today=proof.due_on - timedelta(days=31))
    assert [far[key] for key in counts] == [0, 0, 0]
    soon = payments(selection, today=proof.due_on - timedelta(days=10))
    assert [soon[key] for key in counts] == [1, 0, 0]
    late = payments(selection, today=proof.due_on + timedelta(days=1))
    assert [late[key] for key in counts] == [0, 1, 0]
    type(proof).objects.filter(pk=proof.pk).update(status=ProofStatus.SUBMITTED)
    submitted = payments(selection, today=proof.due_on + timedelta(days=1))
    assert [submitted[key] for key in counts] == [0, 0, 1]
    # Another programme's figures do not include it.
    assert payments(Selection(programme_ids=(running.programme_id + 1000,)))["proofs_in_review"] == 0
    client.force_login(programme_admin)
    page = page_text(client.get("/staff/dashboard/"))
    assert german("Submitted, waiting for the office's check: %(count)s", count=1) in page
