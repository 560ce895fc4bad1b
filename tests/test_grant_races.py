"""Races on the grant's money, on PostgreSQL: two requests at once never claim more than the grant, and a release
racing the start of a reclaim ends in one consistent state."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from applications.errors import ApplicationError
from grants.models import Claim, GrantStatus, PaymentStatus
from grants.selectors import claimed
from grants.services import payment_certify, payment_release
from workflow.grant_services import payment_request_and_start

pytestmark = [
    pytest.mark.usefixtures("tasks_in_process"),  # the letter task opens the grant in-process
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"),
]


def run_at_once(*calls):
    """Run the calls in threads that start together; each returns "done" or the refusal's message."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "done"
        except ApplicationError as error:
            outcomes[index] = str(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_requests_at_once_never_claim_more_than_the_grant(running, alice):
    needed = max(timezone.localdate(), running.period_start) + timedelta(days=3)

    def request(amount):
        return lambda: payment_request_and_start(
            grant=running, by=alice, amount=Decimal(amount), purpose="Miete", needed_on=needed
        )

    for _ in range(3):  # three rounds: each time both ask for more than half of what is left
        left = running.amount - claimed(running)
        if left < Decimal("2.00"):
            break
        share = (left / 2 + Decimal("0.50")).quantize(Decimal("0.01"))
        outcomes = run_at_once(request(share), request(share))
        assert outcomes.count("done") == 1, outcomes
        assert claimed(running) <= running.amount
    assert claimed(running) <= running.amount


def test_a_release_racing_the_start_of_a_reclaim_ends_consistently(running, alice, clerk, payment_officer):
    from grants.claims import claim_hearing
    from grants.services import payments_mark_paid

    def certified(amount):
        payment = payment_request_and_start(
            grant=running,
            by=alice,
            amount=Decimal(amount),
            purpose="Honorare",
            needed_on=max(timezone.localdate(), running.period_start) + timedelta(days=3),
        )
        return payment_certify(payment=payment, by=clerk)

    first = payment_release(payment=certified("1000.00"), by=payment_officer)
    payments_mark_paid(payments=[first], by=payment_officer, paid_on=timezone.localdate())
    payment = certified("500.00")
    second_clerk = type(clerk).objects.create_user(email="carl@example.org", password="x")
    second_clerk.groups.add(*clerk.groups.all())
    outcomes = run_at_once(
        lambda: payment_release(payment=payment, by=payment_officer),
        lambda: claim_hearing(
            grant=running,
            by=second_clerk,
            amount=Decimal("500.00"),
            known_on=timezone.localdate(),
            text="Die Mittel wurden nicht zweckentsprechend verwendet.",
            deadline=timezone.localdate() + timedelta(days=21),
        ),
    )
    payment.refresh_from_db()
    running.refresh_from_db()
    claim = Claim.objects.filter(grant=running).first()
    assert claim is not None and running.status == GrantStatus.RECLAIM  # the hearing never waits for a payment
    if payment.status == PaymentStatus.RELEASED:
        assert outcomes[0] == "done" and payment.released_at < claim.hearing_sent_at  # released first, then heard
    else:
        assert payment.status == PaymentStatus.CERTIFIED
        assert outcomes[0] == str(
            translation.gettext("Money of this grant is being reclaimed; no payment is made meanwhile.")
        )


def test_a_request_meeting_a_held_lock_is_told_at_once_and_keeps_what_was_typed(client, running, alice):
    """Another transaction holds the grant's row (a payment officer's release, a long check): the payment request
    page answers within seconds that someone is working on the grant, with the amount and purpose still filled in."""
    from grants.models import Grant

    held, release = threading.Event(), threading.Event()

    def hold_the_grant():
        from django.db import transaction

        try:
            with transaction.atomic():
                Grant.objects.select_for_update().get(pk=running.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_grant)
    holder.start()
    try:
        assert held.wait(timeout=10)
        client.force_login(alice)
        needed = max(timezone.localdate(), running.period_start) + timedelta(days=3)
        response = client.post(
            f"/applications/{running.application_id}/payments/new/",
            {"amount": "1.234,50", "purpose": "Honorar der Sprachmittlerin", "needed_on": needed.isoformat()},
        )
    finally:
        release.set()
        holder.join(timeout=30)
    page = response.content.decode()
    assert response.status_code == 409  # told at once: a request that waited for the lock would have gone through
    assert translation.gettext("Someone is working on this grant right now. Please try again in a moment.") in page
    assert 'value="1.234,50"' in page and "Honorar der Sprachmittlerin" in page
    assert not running.payment_requests.exists()
    # Once the lock is gone, the same request goes through.
    response = client.post(
        f"/applications/{running.application_id}/payments/new/",
        {"amount": "1.234,50", "purpose": "Honorar der Sprachmittlerin", "needed_on": needed.isoformat()},
    )
    assert response.status_code == 302
    assert running.payment_requests.get().amount == Decimal("1234.50")
