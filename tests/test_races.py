"""Two people acting on one application at once: the one who comes second is told what happened, never an error
page, and keeps what they typed."""

import threading
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from applications.models import ApplicationStatus
from tests.factories import ApplicationFactory
from tests.support.process import open_task, propose
from workflow.flows import FundingFlow
from workflow.models import FundingProcess
from workflow.services import (
    application_submit_and_start,
)

BUSY = "Gerade arbeitet jemand an diesem Antrag. Bitte versuchen Sie es gleich noch einmal."
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"
)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(alice, organisation):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    return application


def missing_statute() -> dict:
    """The clerk's completeness form: ask for the statute within two weeks."""
    return {
        "outcome": "request",
        "message": "Bitte reichen Sie die Satzung nach.",
        "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }


@contextmanager
def held_process_lock(application):
    """Another connection holds the process row, as a long staff completion does, until the block ends.

    The flow lock is the funding process's own row (viewflow's FOR UPDATE on the process class); loading the whole
    process locks its viewflow_process row as well."""
    pk = FundingProcess.objects.get(application=application).pk
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(FundingProcess.objects.select_for_update().filter(pk=pk))
                locked.set()
                release.wait(60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def page(response) -> str:
    return response.content.decode()


@needs_row_locks
def test_a_withdrawal_while_the_office_holds_the_lock_asks_to_try_again_and_keeps_the_reason(
    client, in_decision, clerk, alice
):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("800.00"))
    client.force_login(alice)

    with held_process_lock(application):
        response = client.post(
            f"/applications/{application.pk}/withdraw/",
            {"reason": "Wir haben eine andere Förderung erhalten."},
            HTTP_ACCEPT_LANGUAGE="de",
        )

    assert response.status_code == 409
    assert BUSY in page(response)
    assert "Wir haben eine andere Förderung erhalten." in page(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECISION_PROPOSED
    retried = client.post(f"/applications/{application.pk}/withdraw/", {"reason": "Andere Förderung."})
    assert retried.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


@needs_row_locks
def test_a_cancellation_while_the_lock_is_held_asks_to_try_again_and_keeps_the_reason(
    client, in_decision, programme_admin
):
    application = in_decision()
    client.force_login(programme_admin)

    with held_process_lock(application):
        response = client.post(
            f"/staff/applications/{application.pk}/cancel/",
            {"reason": "Der Aufruf wurde zurückgenommen."},
            HTTP_ACCEPT_LANGUAGE="de",
        )

    assert response.status_code == 409
    assert BUSY in page(response)
    assert "Der Aufruf wurde zurückgenommen." in page(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


@needs_row_locks
def test_a_task_sent_while_the_lock_is_held_asks_to_try_again_and_keeps_the_form(client, submitted, clerk):
    task = open_task(submitted, FundingFlow.check_completeness)
    client.force_login(clerk)

    with held_process_lock(submitted):
        response = client.post(f"/staff/tasks/{task.pk}/", missing_statute(), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 409
    assert BUSY in page(response)
    assert "Bitte reichen Sie die Satzung nach." in page(response)
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
