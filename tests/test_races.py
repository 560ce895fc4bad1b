"""Two people acting on one application at once: the one who comes second is told what happened, never an error
page, and keeps what they typed."""

import threading
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from applications import roles
from applications.models import ApplicationStatus
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import approve, confirm_complete, open_task, propose
from workflow.flows import FundingFlow
from workflow.models import FundingProcess
from workflow.services import (
    application_cancel_and_end,
    application_submit_and_start,
    items_request_and_tell,
    task_complete,
)

BUSY = "Gerade arbeitet jemand an diesem Antrag. Bitte versuchen Sie es gleich noch einmal."
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"
)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def carla(db):
    return UserFactory(email="carla@example.org", first_name="Carla", last_name="Schulz", roles=[roles.CLERK])


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


def test_a_task_another_clerk_finished_names_her_and_keeps_the_typed_text(client, submitted, clerk, carla):
    task = open_task(submitted, FundingFlow.check_completeness)
    client.force_login(clerk)
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200
    confirm_complete(submitted, by=carla)

    response = client.post(f"/staff/tasks/{task.pk}/", missing_statute(), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 409
    text = page(response)
    assert "Carla Schulz hat diese Aufgabe am" in text
    assert "Bitte reichen Sie die Satzung nach." in text
    assert f"/staff/applications/{submitted.pk}/" in text


def test_a_reviewer_learns_nothing_of_a_task_that_was_never_his(client, submitted, clerk, reviewer):
    task = open_task(submitted, FundingFlow.check_completeness)
    confirm_complete(submitted, by=clerk)
    client.force_login(reviewer)
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 404


def test_a_withdrawal_that_lost_to_the_approval_says_the_decision_stands(client, in_decision, clerk, approver, alice):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("800.00"))
    client.force_login(alice)
    assert client.get(f"/applications/{application.pk}/withdraw/").status_code == 200
    approve(application, by=approver)

    response = client.post(
        f"/applications/{application.pk}/withdraw/",
        {"reason": "Das Projekt findet nicht statt."},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 409
    text = page(response)
    assert "bevor Ihre Rücknahme eintraf; die Entscheidung bleibt bestehen" in text
    assert "Das Projekt findet nicht statt." in text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_an_answer_sent_after_the_office_cancelled_says_so_and_keeps_the_answer(
    client, submitted, alice, clerk, programme_admin
):
    application = submitted
    task_complete(
        task=open_task(application, FundingFlow.check_completeness),
        by=clerk,
        action=lambda process: items_request_and_tell(
            application=process.application,
            by=clerk,
            message="Bitte die Satzung nachreichen.",
            deadline=timezone.localdate() + timedelta(days=14),
        ),
    )
    client.force_login(alice)
    assert client.get(f"/applications/{application.pk}/answer/").status_code == 200
    application_cancel_and_end(application=application, by=programme_admin, reason="Der Aufruf entfällt.")

    response = client.post(
        f"/applications/{application.pk}/answer/",
        {"answer": "Die Satzung liegt jetzt bei.", "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 409
    text = page(response)
    assert "Das Amt hat das Verfahren beendet" in text
    assert "Die Satzung liegt jetzt bei." in text
    assert f"/applications/{application.pk}/" in text
