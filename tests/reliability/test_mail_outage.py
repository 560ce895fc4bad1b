"""The mail server is down for ten minutes while decisions are announced: a real worker records every failed
attempt and the sweep (beat, here in a process of its own) hands the rows over again on their backoff schedule.
When the server is back, every message arrives, each once.

The retry intervals are shortened for the worker by settings (first retry after 2 s, at most 20 s apart), the
same code path as in production with its 1 minute to 1 hour. Uses its own Redis, worker and SMTP server.
"""

import os
import time

import pytest
from django.conf import settings

from notifications.models import Notification, NotificationStatus
from tests.support.mailbox import Mailbox
from tests.support.outbox import assert_each_arrived_once, environment, pending_rows, sweep
from tests.support.worker import Worker, uses_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not uses_broker(), reason="needs PostgreSQL and a real worker (the CI's second pass)"),
]

OUTAGE_SECONDS = float(os.environ.get("MAIL_OUTAGE_SECONDS", 600))
MESSAGES = 25  # five decisions, five members each


def test_ten_minutes_without_a_mail_server_lose_nothing(alice, private_redis, media_root, tmp_path):
    mailbox = Mailbox()  # not started: the mail server is down
    env = {
        **environment(private_redis.url, "mail-outage-test", mailbox, media_root),
        "NOTIFICATION_RETRY_FIRST_SECONDS": "2",
        "NOTIFICATION_RETRY_MAX_SECONDS": "20",
    }
    worker = Worker(queue="mail-outage-test", log_path=tmp_path / "worker.log", env=env)
    worker.start()
    started = False
    try:
        rows = pending_rows(alice, MESSAGES)
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < outage_ends:
            sweep(env)
            time.sleep(5)
        during = list(Notification.objects.values_list("status", "attempts"))
        assert {status for status, _ in during} <= {NotificationStatus.PENDING, NotificationStatus.SENDING}
        assert min(attempts for _, attempts in during) >= 3, "every row was tried again during the outage"
        mailbox.start()
        started = True
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and Notification.objects.exclude(status=NotificationStatus.SENT).exists():
            sweep(env)
            time.sleep(2)
    finally:
        worker.stop()
        if started:
            mailbox.stop()
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    assert assert_each_arrived_once(mailbox, rows) == 0
    assert settings.NOTIFICATION_RETRY_WINDOW_HOURS * 3600 > OUTAGE_SECONDS
