"""The whole worker is killed and a new one starts; the broker restarts and forgets its queue: every
notification still arrives, each once, because the outbox sweep (run by beat, here in its own process as beat
would) hands the rows over again.

Uses its own Redis on a free port and its own workers; never touches the shared services.
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from tests.support.outbox import assert_each_arrived_once, environment, pending_rows, sweep, wait_until_all_sent
from tests.support.worker import Worker, uses_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not uses_broker(), reason="needs PostgreSQL and a real worker (the CI's second pass)"),
]


def test_a_killed_worker_replaced_by_a_new_one_loses_nothing(
    alice, private_redis, smtp_server, media_root, tmp_path, background_worker
):
    smtp_server.clear()
    smtp_server.delay = 0.2
    env = environment(private_redis.url, "restart-test", smtp_server, media_root)
    first = Worker(queue="restart-test", log_path=tmp_path / "first.log", env=env)
    first.start()
    rows = pending_rows(alice, 20)
    sweep(env)
    time.sleep(1.0)
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() < 20, "the kill must come mid-way"
    os.killpg(first.process.pid, signal.SIGKILL)  # the whole worker, pool and all
    first.process.wait()

    second = Worker(queue="restart-test", log_path=tmp_path / "second.log", env=env)
    second.start()
    try:
        smtp_server.delay = 0
        assert wait_until_all_sent(env)
    finally:
        second.stop()
    repeats = assert_each_arrived_once(smtp_server, rows)
    print(f"worker killed and replaced: 20 notifications, {repeats} repeats")


def test_a_broker_restart_with_messages_in_flight_loses_nothing(
    alice, private_redis, smtp_server, media_root, tmp_path, background_worker
):
    smtp_server.clear()
    smtp_server.delay = 0.2
    env = environment(private_redis.url, "broker-restart-test", smtp_server, media_root)
    worker = Worker(queue="broker-restart-test", log_path=tmp_path / "worker.log", env=env)
    worker.start()
    try:
        rows = pending_rows(alice, 20)
        sweep(env)
        time.sleep(1.0)
        assert Notification.objects.filter(status=NotificationStatus.SENT).count() < 20, "restart must come mid-way"
        private_redis.kill()  # the queue is gone with it (no persistence)
        private_redis.start()
        smtp_server.delay = 0
        assert wait_until_all_sent(env)
    finally:
        worker.stop()
    repeats = assert_each_arrived_once(smtp_server, rows)
    print(f"broker restarted: 20 notifications, {repeats} repeats")


def test_cut_database_connections_heal_and_lose_nothing(
    alice, private_redis, smtp_server, media_root, tmp_path, background_worker
):
    """The worker keeps its database connection between tasks. When the database drops it (as in a database
    restart), the next task checks it first and connects afresh: no task fails, every message arrives once."""
    from django.db import connection

    smtp_server.clear()
    env = environment(private_redis.url, "db-cut-test", smtp_server, media_root)
    log = tmp_path / "worker.log"
    worker = Worker(queue="db-cut-test", log_path=log, env=env)
    worker.start()
    try:
        first = pending_rows(alice, 5)
        sweep(env)
        assert wait_until_all_sent(env)
        with connection.cursor() as cursor:  # every other session on the test database: the worker's
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker had no open connection to cut"
        second = [
            Notification.objects.create(
                recipient=alice, event="decision_available", language="de",
                context={"application_title": f"Nachher {n}", "reference": f"TH-9{n}", "organisation": "Verein"},
            )
            for n in range(5)
        ]  # fmt: skip
        Notification.objects.filter(pk__in=[r.pk for r in second]).update(created=timezone.now() - timedelta(minutes=5))
        sweep(env)
        assert wait_until_all_sent(env)
    finally:
        worker.stop()
    assert assert_each_arrived_once(smtp_server, first + second) == 0
    assert "OperationalError" not in log.read_text()
