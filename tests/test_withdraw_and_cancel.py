"""Withdrawal by the organisation and cancellation by the office end the process and tell those involved."""

from decimal import Decimal

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.models import ApplicationStatus
from tests.factories import ApplicationFactory
from tests.support.process import propose, through_review
from workflow.models import FundingProcess
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proposed(alice, organisation, clerk, programme_admin, reviewer):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("800.00"))
    return application


def open_tasks(application):
    process = FundingProcess.objects.get(application=application)
    return Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def test_a_representative_withdraws_and_the_staff_involved_are_told(
    client, proposed, alice, clerk, programme_admin, reviewer, background_worker, mailbox
):
    client.force_login(alice)
    page = client.get(f"/applications/{proposed.pk}/").content.decode()
    assert f"/applications/{proposed.pk}/withdraw/" in page

    response = client.post(f"/applications/{proposed.pk}/withdraw/", {"reason": "Wir haben eine andere Förderung."})

    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == ApplicationStatus.WITHDRAWN
    assert FundingProcess.objects.get(application=proposed).status == PROCESS.CANCELED
    assert not open_tasks(proposed).exists()
    messages = mailbox.wait_for(3, subject="Antrag zurückgezogen")
    assert sorted(m["To"] for m in messages) == sorted([clerk.email, programme_admin.email, reviewer.email])
    assert "andere Förderung" in messages[0].get_body(("plain",)).get_content()
    detail = client.get(f"/applications/{proposed.pk}/").content.decode()
    assert "zurückgezogen" in detail


def test_a_plain_member_may_not_withdraw(client, proposed, bob):
    client.force_login(bob)
    assert client.post(f"/applications/{proposed.pk}/withdraw/", {}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == ApplicationStatus.DECISION_PROPOSED
    assert open_tasks(proposed).exists()


def test_nothing_can_be_withdrawn_after_the_decision(
    client, alice, organisation, clerk, approver, background_worker, programme_admin, reviewer
):
    from tests.support.process import approve

    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("800.00"))
    approve(application, by=approver)
    client.force_login(alice)
    client.post(f"/applications/{application.pk}/withdraw/", {})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_a_programme_administrator_cancels_with_a_reason_the_organisation_reads(
    client, proposed, programme_admin, alice, bob, clerk, reviewer, background_worker, mailbox
):
    client.force_login(programme_admin)
    empty = client.post(f"/staff/applications/{proposed.pk}/cancel/", {"reason": ""})
    assert empty.status_code == 400
    proposed.refresh_from_db()
    assert proposed.status == ApplicationStatus.DECISION_PROPOSED

    client.post(f"/staff/applications/{proposed.pk}/cancel/", {"reason": "Das Förderprogramm wurde eingestellt."})

    proposed.refresh_from_db()
    assert proposed.status == ApplicationStatus.CANCELLED
    assert not open_tasks(proposed).exists()
    messages = mailbox.wait_for(4, subject="Verfahren für Ihren Antrag wurde beendet")
    assert sorted(m["To"] for m in messages) == sorted([alice.email, bob.email, clerk.email, reviewer.email])
    to_alice = next(m for m in messages if m["To"] == alice.email)
    assert "Förderprogramm wurde eingestellt" in to_alice.get_body(("plain",)).get_content()


def test_a_clerk_may_not_cancel(client, proposed, clerk):
    client.force_login(clerk)
    assert client.post(f"/staff/applications/{proposed.pk}/cancel/", {"reason": "x"}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == ApplicationStatus.DECISION_PROPOSED
