"""The mail server is down longer than the first retries while a representative invites someone: a real worker
records each failed attempt on the invitation and the sweep (beat's job, here in a process of its own) hands it
over again on its backoff schedule. When the server is back, the invitation arrives, once.

The retry intervals are shortened for the worker by settings (first retry after 2 s, at most 8 s apart), the same
code path as in production with its 1 minute to 1 hour. Uses its own Redis, worker and SMTP server.
"""

import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from organisations.models import InvitationMail, MembershipRole
from organisations.services import invitation_send
from tests.support.mailbox import Mailbox
from tests.support.outbox import environment
from tests.support.worker import Worker, uses_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not uses_broker(), reason="needs PostgreSQL and a real worker (the CI's second pass)"),
]

OUTAGE_SECONDS = 30
SWEEP = (
    "import django; django.setup(); from datetime import timedelta; "
    "from organisations.services import invitation_mail_sweep; "
    "print(invitation_mail_sweep(grace=timedelta(0), stale=timedelta(seconds=5)))"
)


def sweep(env):
    """What beat does every 30 s, in a process of its own."""
    subprocess.run([sys.executable, "-c", SWEEP], env=env, cwd=settings.BASE_DIR, check=True, capture_output=True)


def test_an_invitation_outlasts_a_mail_server_outage_and_arrives_once(
    alice, organisation, private_redis, media_root, tmp_path
):
    mailbox = Mailbox()  # not started: the mail server is down
    env = {
        **environment(private_redis.url, "invitation-outage-test", mailbox, media_root),
        "NOTIFICATION_RETRY_FIRST_SECONDS": "2",
        "NOTIFICATION_RETRY_MAX_SECONDS": "8",
    }
    worker = Worker(queue="invitation-outage-test", log_path=tmp_path / "worker.log", env=env)
    worker.start()
    started = False
    try:
        with transaction.atomic():
            invitation = invitation_send(
                organisation=organisation, by=alice, email="dana@example.org", role=MembershipRole.MEMBER, language="de"
            )
            # The hand-over after the commit would go to the test run's own broker; this test's worker listens on
            # its private one, which the sweep feeds.
            connection.run_on_commit.clear()
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < outage_ends:
            sweep(env)
            time.sleep(2)
        invitation.refresh_from_db()
        assert invitation.mail_status in {InvitationMail.PENDING, InvitationMail.SENDING}
        # at 0, 2, 6, 14, 22 s and so on: more attempts than Celery's first jittered retries would have made
        assert invitation.mail_attempts >= 4
        assert invitation.mail_retry_until is not None  # the schedule is kept on the row, not in Celery
        mailbox.start()
        started = True
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and not mailbox.to("dana@example.org"):
            sweep(env)
            time.sleep(2)
        for _ in range(3):  # more sweeps after delivery send nothing again
            sweep(env)
            time.sleep(1)
    finally:
        worker.stop()
        if started:
            mailbox.stop()
    invitation.refresh_from_db()
    assert invitation.mail_status == InvitationMail.SENT
    received = mailbox.to("dana@example.org")
    assert len(received) == 1
    assert received[0]["Message-ID"].startswith(f"<invitation-{invitation.pk}-")
