"""Killing the worker's child process with SIGKILL in the middle of delivering, 20 times: every notification
arrives. A repeat after a kill carries the same Message-ID as the first copy, so a mail program shows it once.

Needs a real Celery worker on Redis: runs in the CI pass on PostgreSQL and Redis, skipped on the embedded
default (where tasks run in the test process and there is no worker to kill).
"""

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction

from notifications.models import Notification, NotificationStatus
from notifications.services import notify, outbox_sweep
from tests.support.worker import uses_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not uses_broker(), reason="needs a real worker on a broker (the CI's PostgreSQL/Redis pass)"),
]

NOTIFICATIONS = 60
KILLS = 20


def pool_children(worker_pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(worker_pid)], capture_output=True, text=True)
    return [int(pid) for pid in result.stdout.split()]


def test_sigkill_of_the_pool_child_twenty_times_loses_nothing(alice, background_worker, mailbox):
    mailbox.delay = 0.2  # each delivery takes a moment, so kills land mid-delivery
    with transaction.atomic():
        rows = [
            notify(
                recipient=alice,
                event="decision_available",
                context={"application_title": f"Projekt {n}", "reference": f"TH-{n}", "organisation": "Verein"},
            )
            for n in range(NOTIFICATIONS)
        ]
    kills = mid_delivery = 0
    deadline = time.monotonic() + 120
    while kills < KILLS and time.monotonic() < deadline:
        children = pool_children(background_worker.process.pid)
        if children:
            mid_delivery += Notification.objects.filter(status=NotificationStatus.SENDING).exists()
            os.kill(children[0], signal.SIGKILL)
            kills += 1
        time.sleep(0.25)
        outbox_sweep(grace=timedelta(0), stale=timedelta(seconds=3))  # the beat's sweep, sped up for the test
    assert kills == KILLS
    assert mid_delivery >= KILLS // 2, "most kills should hit a delivery in progress"

    mailbox.delay = 0
    while time.monotonic() < deadline:
        outbox_sweep(grace=timedelta(0), stale=timedelta(seconds=3))
        if not Notification.objects.exclude(status=NotificationStatus.SENT).exists():
            break
        time.sleep(0.5)

    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == NOTIFICATIONS
    received = Counter(message["Message-ID"] for message in mailbox.messages)
    expected = {f"<notification-{row.pk}@127.0.0.1>" for row in rows}
    assert set(received) == expected, "every notification arrives"
    repeats = sum(count - 1 for count in received.values())
    print(f"{KILLS} kills ({mid_delivery} mid-delivery), {NOTIFICATIONS} notifications, {repeats} repeats")
    assert repeats <= KILLS
