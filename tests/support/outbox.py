"""The outbox as the reliability tests drive it: rows waiting to be sent, the worker's environment, the beat's
sweep in a process of its own, and the check that every message arrived once."""

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from tests.support.worker import worker_database_url

SWEEP = (
    "import django; django.setup(); from datetime import timedelta; "
    "from notifications.services import outbox_sweep; "
    "print(outbox_sweep(grace=timedelta(0), stale=timedelta(seconds=3)))"
)


def environment(broker_url, queue, mailbox, media_root):
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": "",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_HOST": mailbox.host,
        "EMAIL_PORT": str(mailbox.port),
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "true",
    }


def sweep(env):
    """What beat does every two minutes, in a process of its own."""
    subprocess.run([sys.executable, "-c", SWEEP], env=env, cwd=settings.BASE_DIR, check=True, capture_output=True)


def pending_rows(user, count):
    long_ago = timezone.now() - timedelta(minutes=5)
    rows = [
        Notification.objects.create(
            recipient=user,
            event="decision_available",
            context={"application_title": f"Projekt {n}", "reference": f"TH-{n}", "organisation": "Verein"},
            language="de",
        )
        for n in range(count)
    ]
    Notification.objects.update(created=long_ago)
    return rows


def wait_until_all_sent(env, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Notification.objects.exclude(status=NotificationStatus.SENT).exists():
            return True
        sweep(env)
        time.sleep(1)
    return False


def assert_each_arrived_once(mailbox, rows):
    received = Counter(message["Message-ID"] for message in mailbox.messages)
    assert set(received) == {f"<notification-{row.pk}@127.0.0.1>" for row in rows}
    return sum(count - 1 for count in received.values())
