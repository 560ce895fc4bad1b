"""The outbox: a notification whose message was lost, or whose worker died, is sent by the sweep, once;
every user has an in-app list with an unread count."""

import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from applications.models import DecisionLetter
from notifications import mail
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_deliver, outbox_sweep
from tests.support.mailbox import Mailbox
from tests.support.process import approve, open_task, propose
from tests.support.worker import wait_until
from workflow.flows import FundingFlow
from workflow.tasks import stalled_steps_sweep


def lost_notification(user, **fields):
    """A row written with its event whose message never reached a worker."""
    return Notification.objects.create(
        recipient=user,
        event="decision_available",
        context={"application_title": "Sprachcafé", "reference": "TH-2026-00007", "organisation": "Verein"},
        link="/applications/7/",
        language="de",
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_a_lost_notification_once(alice, background_worker, mailbox):
    row = lost_notification(alice)
    Notification.objects.filter(pk=row.pk).update(created=timezone.now() - timedelta(minutes=5))
    assert outbox_sweep() == 1
    assert len(mailbox.wait_for(1)) == 1
    wait_until(lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT)
    assert outbox_sweep() == 0
    assert len(mailbox.wait_for(2, timeout=2)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_claimed_by_a_worker_that_died_is_sent_again(alice, background_worker, mailbox):
    row = lost_notification(alice, status=NotificationStatus.SENDING)
    long_ago = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(pk=row.pk).update(created=long_ago, claimed_at=long_ago)
    assert outbox_sweep() == 1
    assert [m["To"] for m in mailbox.wait_for(1)] == [alice.email]


@pytest.mark.django_db(transaction=True)
def test_a_fresh_row_is_left_to_its_own_message(alice, background_worker, mailbox):
    lost_notification(alice)
    assert outbox_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_a_letter_step_whose_message_was_lost_is_enqueued_again(
    in_decision, clerk, approver, background_worker, mailbox, monkeypatch
):
    application = in_decision(requested_amount=Decimal("1200.00"))
    propose(application, by=clerk, amount=Decimal("1200.00"))
    with monkeypatch.context() as lost:
        # the broker drops the message
        lost.setattr("workflow.nodes.transaction.on_commit", lambda callback, robust=False: None)
        approve(application, by=approver)
    task = open_task(application, FundingFlow.create_letter)
    assert task.status == STATUS.NEW and not DecisionLetter.objects.exists()

    assert stalled_steps_sweep(grace=timedelta(0)) == 1
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    assert letter is not None
    assert wait_until(lambda: type(task).objects.get(pk=task.pk).status == STATUS.DONE)
    assert stalled_steps_sweep(grace=timedelta(0)) == 0
    assert DecisionLetter.objects.filter(decision__application=application).count() == 1


def test_the_in_app_list_shows_unread_messages_and_marks_them_read(client, alice):
    lost_notification(alice)
    lost_notification(alice)
    client.force_login(alice)
    header = client.get("/").content.decode()
    assert '2<span class="kern-sr-only"> ungelesen</span>' in header
    page = client.get("/messages/").content.decode()
    assert page.count("Ihr Bescheid liegt vor: \u2068Sprachcafé\u2069") == 2
    client.post("/messages/read/")
    assert "ungelesen" not in client.get("/").content.decode()


class ConnectionCountingMailbox(Mailbox):
    """The test SMTP server, also noting the client connection each message came over."""

    def __init__(self):
        super().__init__()
        self.peers = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def counting_mailbox(settings):
    server = ConnectionCountingMailbox()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    yield server
    mail.close()
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_one_process_sends_many_notifications_over_one_smtp_connection(alice, counting_mailbox):
    rows = [lost_notification(alice) for _ in range(5)]
    for row in rows:
        assert notification_deliver(notification_id=row.pk)
    assert len(counting_mailbox.wait_for(5)) == 5
    assert len(set(counting_mailbox.peers)) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_and_the_notification_still_goes_out(alice, counting_mailbox):
    first, second = lost_notification(alice), lost_notification(alice)
    assert notification_deliver(notification_id=first.pk)
    counting_mailbox.wait_for(1)
    mail._held.backend.connection.sock.shutdown(socket.SHUT_RDWR)  # the server hung up while the worker idled

    assert notification_deliver(notification_id=second.pk)
    assert len(counting_mailbox.wait_for(2)) == 2
    assert len(set(counting_mailbox.peers)) == 2
    assert Notification.objects.get(pk=second.pk).status == NotificationStatus.SENT
