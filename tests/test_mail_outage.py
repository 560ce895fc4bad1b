"""A mail server that is down overnight loses nothing: failed attempts are retried with a capped exponential
backoff for the whole retry window; only then does a message fail, the operators are told, administrators can
resend it, and the recipient reads it in the portal all along."""

from datetime import timedelta

import time_machine
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.services import notify, operators_alert, outbox_sweep, retry_delay

CONTEXT = {"application_title": "Sprachcafé", "reference": "TH-2026-00001", "organisation": "Elternverein"}


def send_decision_notice(recipient) -> Notification:
    """Write the notice as the services do; its delivery task runs in this process (`tasks_in_process`) when the
    transaction commits, or not at all in tests that only need the row."""
    from notifications.tasks import deliver_notification

    with transaction.atomic():
        notice = notify(recipient=recipient, event="decision_available", context=CONTEXT, link="/applications/")
    deliver_notification.delay(notification_id=notice.pk)  # what the on-commit hook does after a real commit
    return notice


def test_the_backoff_doubles_from_a_minute_and_stops_growing_at_an_hour(settings):
    settings.NOTIFICATION_RETRY_FIRST_SECONDS, settings.NOTIFICATION_RETRY_MAX_SECONDS = 60, 3600
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 10)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_a_night_without_a_mail_server_loses_nothing(alice, mail_server_down, mailbox, tasks_in_process):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notice = send_decision_notice(alice)
        notice.refresh_from_db()
        assert (notice.status, notice.attempts) == (NotificationStatus.PENDING, 1)
        assert notice.next_attempt_at == start + timedelta(minutes=1)
        # Ten hours of sweeps every minute while the server is down: the row is tried again on its schedule.
        for _ in range(10 * 60):
            clock.shift(timedelta(minutes=1))
            outbox_sweep()
        notice.refresh_from_db()
        assert notice.status == NotificationStatus.PENDING
        # at minutes 0, 1, 3, 7, 15, 31, 63, then every hour (123, 183, … 543): 15 attempts in ten hours
        assert notice.attempts == 15
        assert notice.retry_until == start + timedelta(hours=72)
        mail_server_down.up()
        clock.shift(timedelta(hours=1))
        outbox_sweep()
    notice.refresh_from_db()
    assert notice.status == NotificationStatus.SENT
    assert len(mailbox.matching("Sprachcafé")) == 1


def test_a_message_fails_only_after_the_whole_window_and_the_operators_are_told_once(
    alice, settings, mail_server_down, mailbox, tasks_in_process
):
    settings.OPERATOR_EMAILS = ["betrieb@bremen.example"]
    settings.NOTIFICATION_RETRY_WINDOW_HOURS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notice = send_decision_notice(alice)
        for _ in range(3 * 60):
            clock.shift(timedelta(minutes=1))
            outbox_sweep()
        notice.refresh_from_db()
        assert notice.status == NotificationStatus.FAILED
        assert notice.next_attempt_at is None
        last_attempts = notice.attempts
        clock.shift(timedelta(hours=1))
        outbox_sweep()
        notice.refresh_from_db()
        assert notice.attempts == last_attempts  # a failed row is left alone by the sweep
    mail_server_down.up()
    assert operators_alert() == 1
    assert operators_alert() == 0  # told once
    alerts = mailbox.to("betrieb@bremen.example")
    assert len(alerts) == 1
    assert f"#{notice.pk} decision_available" in alerts[0].get_body(("plain",)).get_content()


def test_the_recipient_reads_a_message_in_the_portal_whatever_e_mail_does(
    client, alice, mail_server_down, tasks_in_process
):
    notice = send_decision_notice(alice)
    Notification.objects.filter(pk=notice.pk).update(status=NotificationStatus.FAILED)
    client.force_login(alice)
    page = client.get("/messages/").content.decode()
    assert "Ihr Bescheid liegt vor: \u2068Sprachcafé\u2069" in page  # the title isolated for direction


def test_an_administrator_resends_failed_e_mails_in_bulk(
    admin_client, alice, bob, mailbox, tasks_in_process, django_capture_on_commit_callbacks
):
    failed = [send_decision_notice(person) for person in (alice, bob)]
    Notification.objects.filter(pk__in=[n.pk for n in failed]).update(status=NotificationStatus.FAILED)
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/notification/",
            {"action": "resend", "_selected_action": [n.pk for n in failed]},
            follow=True,
        )
    assert "2 E-Mails werden erneut gesendet." in response.content.decode()
    assert Notification.objects.filter(pk__in=[n.pk for n in failed], status=NotificationStatus.SENT).count() == 2
    assert len(mailbox.matching("Sprachcafé")) == 2


def test_the_dashboard_warns_administrators_of_undelivered_e_mails(admin_client, alice, mail_server_down):
    notice = send_decision_notice(alice)
    Notification.objects.filter(pk=notice.pk).update(status=NotificationStatus.FAILED)
    page = admin_client.get("/staff/dashboard/").content.decode()
    assert "1 E-Mail konnte nicht zugestellt werden" in page
    assert "/admin/notifications/notification/?status__exact=failed" in page


def test_without_operator_addresses_nobody_is_mailed(alice, settings, mailbox):
    settings.OPERATOR_EMAILS = []
    notice = send_decision_notice(alice)
    Notification.objects.filter(pk=notice.pk).update(status=NotificationStatus.FAILED)
    assert operators_alert() == 0
    assert django_mail.outbox == [] or all("betrieb" not in m.to for m in django_mail.outbox)
