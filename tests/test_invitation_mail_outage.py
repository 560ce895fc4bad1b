"""An invitation e-mail outlasts a mail server that is down overnight, like every other message: each failed
attempt is recorded on the invitation with the time of the next one (1, 2, 4, … minutes, at most an hour apart),
the sweep tries again then, and only after the whole retry window does it fail; the operators are told once, the
dashboard shows it to administrators, and they resend it."""

from datetime import timedelta

import time_machine
from django.utils import timezone, translation
from django.utils.translation import ngettext

from organisations.models import Invitation, InvitationMail, MembershipRole
from organisations.services import (
    invitation_mail_operators_alert,
    invitation_mail_sweep,
    invitation_revoke,
    invitation_send,
)


def invite_dana(alice, organisation, capture) -> Invitation:
    """Alice invites Dana; the e-mail is handed to a worker (here: this process) after the commit."""
    with capture(execute=True):
        return invitation_send(
            organisation=organisation, by=alice, email="dana@example.org", role=MembershipRole.MEMBER, language="de"
        )


def test_a_night_without_a_mail_server_loses_no_invitation(
    alice, organisation, mail_server_down, mailbox, tasks_in_process, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        invitation = invite_dana(alice, organisation, django_capture_on_commit_callbacks)
        invitation.refresh_from_db()
        assert (invitation.mail_status, invitation.mail_attempts) == (InvitationMail.PENDING, 1)
        assert invitation.mail_next_attempt_at == start + timedelta(minutes=1)
        # Ten hours of sweeps every minute while the server is down
        for _ in range(10 * 60):
            clock.shift(timedelta(minutes=1))
            invitation_mail_sweep()
        invitation.refresh_from_db()
        assert invitation.mail_status == InvitationMail.PENDING
        # tried at minutes 0, 1, 3, 7, 15, 31, 63, then every hour (123, 183, … 543): 15 attempts in ten hours
        assert invitation.mail_attempts == 15
        assert invitation.mail_retry_until == start + timedelta(hours=72)
        mail_server_down.up()
        clock.shift(timedelta(hours=1))
        invitation_mail_sweep()
        clock.shift(timedelta(hours=1))
        invitation_mail_sweep()
    invitation.refresh_from_db()
    assert invitation.mail_status == InvitationMail.SENT
    assert len(mailbox.to("dana@example.org")) == 1


def test_an_invitation_fails_only_after_the_window_and_the_operators_are_told_once(
    alice, organisation, settings, mail_server_down, mailbox, tasks_in_process, django_capture_on_commit_callbacks
):
    settings.OPERATOR_EMAILS = ["betrieb@bremen.example"]
    settings.NOTIFICATION_RETRY_WINDOW_HOURS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        invitation = invite_dana(alice, organisation, django_capture_on_commit_callbacks)
        for _ in range(100):
            clock.shift(timedelta(minutes=1))
            invitation_mail_sweep()
        invitation.refresh_from_db()
        # minutes 0, 1, 3, 7, 15, 31, 63 are within two hours; the next (123) is not: failed at minute 63
        assert (invitation.mail_status, invitation.mail_attempts) == (InvitationMail.FAILED, 7)
        assert invitation.mail_next_attempt_at is None
        clock.shift(timedelta(hours=1))
        invitation_mail_sweep()
        invitation.refresh_from_db()
        assert invitation.mail_attempts == 7  # a failed invitation is left alone by the sweep
    mail_server_down.up()
    assert invitation_mail_operators_alert() == 1
    assert invitation_mail_operators_alert() == 0  # told once
    alerts = mailbox.to("betrieb@bremen.example")
    assert len(alerts) == 1
    assert f"#{invitation.pk} dana@example.org" in alerts[0].get_body(("plain",)).get_content()
    assert mailbox.to("dana@example.org") == []


def test_an_administrator_resends_a_failed_invitation_and_sees_it_on_the_dashboard(
    admin_client, alice, organisation, mailbox, tasks_in_process, django_capture_on_commit_callbacks
):
    invitation = invite_dana(alice, organisation, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(mail_status=InvitationMail.FAILED)
    mailbox.clear()
    with translation.override("de"):
        warning = ngettext(
            "%(counter)s invitation could not be e-mailed", "%(counter)s invitations could not be e-mailed", 1
        ) % {"counter": 1}
    page = admin_client.get("/staff/dashboard/").content.decode()
    assert warning in page
    assert "/admin/organisations/invitation/?mail_status__exact=failed" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/organisations/invitation/", {"action": "resend_mail", "_selected_action": [invitation.pk]}
        )
    invitation.refresh_from_db()
    assert invitation.mail_status == InvitationMail.SENT
    assert len(mailbox.to("dana@example.org")) == 1
    assert warning not in admin_client.get("/staff/dashboard/").content.decode()


def test_an_invitation_revoked_while_its_e_mail_waits_is_not_sent(
    alice, organisation, mail_server_down, mailbox, tasks_in_process, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        invitation = invite_dana(alice, organisation, django_capture_on_commit_callbacks)
        invitation_revoke(invitation=invitation, by=alice)
        mail_server_down.up()
        clock.shift(timedelta(minutes=2))
        invitation_mail_sweep()
    invitation.refresh_from_db()
    assert invitation.mail_status == InvitationMail.CANCELLED
    assert mailbox.to("dana@example.org") == []
