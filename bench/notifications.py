"""Benchmark: notifications delivered per second through a real Celery worker (Redis broker, PostgreSQL) to an SMTP
server on 127.0.0.1, against the same notifications delivered in this process by the delivery service alone.

Run (PostgreSQL and Redis up; the database is created if missing and migrated; the bench removes what it wrote):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/notifications.py [count] [--concurrency N] [--timeout SECONDS]

count defaults to 500, the worker's concurrency to 2 (one process per core), the timeout to 120 s. Both runs
start from committed outbox rows and stop when the SMTP server (aiosmtpd, tests/support/mailbox.py) has received
every message, or at the timeout: the bench always ends by itself, stops its worker and deletes its rows.
Prints messages per second for the worker and for the in-process baseline, and their ratio.
"""

import argparse
import os
import resource
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.mailbox import Mailbox  # noqa: E402 (needs no Django)

if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("CELERY_BROKER_URL"):
    sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis): the worker needs both. See the docstring.")

MAILBOX = Mailbox()  # picks a free port on 127.0.0.1; the settings below point e-mail at it
QUEUE = f"teilhabe-bench-{os.getpid()}"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",  # as in production: no query log growing in either process
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "EMAIL_HOST": MAILBOX.host,
        "EMAIL_PORT": str(MAILBOX.port),
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from notifications.models import Notification, NotificationStatus  # noqa: E402
from notifications.services import notification_deliver  # noqa: E402
from notifications.tasks import deliver_notification  # noqa: E402
from organisations.models import User  # noqa: E402
from tests.support.worker import Worker, worker_database_url  # noqa: E402

BENCH_DOMAIN = "bench.invalid"  # recipients of this run; never a real address
RECIPIENTS = 50
CONTEXT = {"application_title": "Sprachcafé im Stadtteil", "reference": "TH-2026-00042", "organisation": "Verein"}


def ensure_database() -> None:
    """Create the database named by DATABASE_URL when it is missing, then migrate it."""
    import psycopg

    settings = connection.settings_dict
    name = settings["NAME"]
    server = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432, "user": settings["USER"]}
    if settings.get("PASSWORD"):
        server["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def recipients() -> list[User]:
    users = [
        User(email=f"person{i}@{BENCH_DOMAIN}", language=("de", "en", "tr", "ar")[i % 4]) for i in range(RECIPIENTS)
    ]
    User.objects.bulk_create(users, ignore_conflicts=True)
    return list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("pk"))


def outbox_rows(users: list[User], count: int, run: str) -> list[int]:
    """Committed outbox rows, as `notify` writes them for recipients who want e-mails at once."""
    rows = [
        Notification(
            recipient=users[i % len(users)],
            event="decision_available" if i % 2 else "review_assigned",
            context=CONTEXT,
            link=f"/applications/{i}/",
            language=users[i % len(users)].language,
            key=f"bench:{run}:{i}",
            status=NotificationStatus.PENDING,
        )
        for i in range(count)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


def wait_for_arrivals(count: int, started: float, deadline: float) -> tuple[int, float]:
    """Poll the SMTP server until `count` messages arrived or the deadline passed: (arrived, seconds)."""
    while True:
        arrived = len(MAILBOX.messages)
        now = time.perf_counter()
        if arrived >= count or now > deadline:
            return arrived, now - started
        time.sleep(0.01)


def wait_until_sent(ids: list[int], deadline: float) -> int:
    """The worker marks a row sent just after the server accepted its message: wait for the last ones."""
    while True:
        sent = Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENT).count()
        if sent == len(ids) or time.perf_counter() > deadline:
            return sent
        time.sleep(0.05)


def in_process(ids: list[int], timeout: float) -> tuple[int, float]:
    started = time.perf_counter()
    deadline = started + timeout
    for notification_id in ids:
        notification_deliver(notification_id=notification_id)
        if time.perf_counter() > deadline:
            break
    return wait_for_arrivals(len(ids), started, deadline)


def through_worker(ids: list[int], timeout: float) -> tuple[int, float]:
    started = time.perf_counter()
    for notification_id in ids:  # what the commit hook of `notify` does for each row
        deliver_notification.delay(notification_id=notification_id)
    return wait_for_arrivals(len(ids), started, started + timeout)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def worker_processes(worker: Worker) -> list[int]:
    children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children").read_text().split()
    return [worker.process.pid, *map(int, children)]


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(name: str, count: int, arrived: int, seconds: float) -> float:
    rate = arrived / seconds if seconds else 0.0
    note = "" if arrived == count else f"   (only {arrived} of {count} arrived before the timeout)"
    print(f"{name:<44} {arrived:5d} e-mails in {seconds:6.2f} s = {rate:7.1f} per second{note}")
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    from config.celery_app import app

    app.conf.task_default_queue = QUEUE
    MAILBOX.start()
    ensure_database()
    run = secrets.token_hex(4)
    worker = None
    try:
        users = recipients()
        baseline_ids = outbox_rows(users, args.count, f"{run}-in-process")
        cpu_before = own_cpu_seconds()
        arrived, seconds = in_process(baseline_ids, args.timeout)
        baseline_cpu = own_cpu_seconds() - cpu_before
        baseline = report("in process (delivery service, no worker)", args.count, arrived, seconds)

        MAILBOX.clear()
        env = {**os.environ, "DATABASE_URL": worker_database_url()}
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"{QUEUE}.log"
        worker = Worker(queue=QUEUE, log_path=log_path, env=env, concurrency=args.concurrency)
        worker.start()
        worker_ids = outbox_rows(users, args.count, f"{run}-worker")
        pids = worker_processes(worker)
        cpu_before, worker_cpu_before = own_cpu_seconds(), cpu_seconds(pids)
        arrived, seconds = through_worker(worker_ids, args.timeout)
        worker_cpu, bench_cpu = cpu_seconds(pids) - worker_cpu_before, own_cpu_seconds() - cpu_before
        rate = report(f"Celery worker, concurrency {args.concurrency}, Redis", args.count, arrived, seconds)
        sent = wait_until_sent(worker_ids, deadline=time.perf_counter() + 10)
        print(f"{'outbox rows marked sent by the worker':<44} {sent:5d} of {args.count}")
        print(f"{'ratio worker / in process':<44} {rate / baseline if baseline else 0:.2f}x")
        per_message = 1000 / max(arrived, 1)
        print(
            f"CPU per message: in process {baseline_cpu * per_message:.1f} ms (SMTP server included); "
            f"worker processes {worker_cpu * per_message:.1f} ms, bench process (dispatch, SMTP server) "
            f"{bench_cpu * per_message:.1f} ms"
        )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"cores: {os.cpu_count()}, load average (1, 5, 15 min): {load}, recipients: {len(users)}")
    finally:
        if worker is not None:
            worker.stop()
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()  # their notifications go with them
        app.connection_for_write().default_channel.queue_delete(QUEUE)
        MAILBOX.stop()


if __name__ == "__main__":
    main()
