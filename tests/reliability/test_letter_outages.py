"""A decision letter half rendered when the worker dies or the database goes away: the letter still comes, once.

1. The whole worker (pool and all) is killed with SIGKILL while it renders a letter. A new worker starts, and the
   stalled-step sweep (beat's job, here run in a process of its own with its production grace of 30 s) hands it
   the step again: the letter is there within a minute, one row and one file, and the organisation hears once.
2. The database refuses every connection for 20 seconds while a letter is rendered, so the file is stored but its
   row cannot be written. The letter task's retries outlast the outage: one letter, no file without a row.

Rendering is slowed by `TEST_LETTER_RENDER_DELAY_SECONDS` (0 in production) so the fault lands mid-way. Each test
uses its own Redis on a free port, its own worker and its own file storage; the database outage is made on the
test run's own database (test_…), never on a shared one.
"""

import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import DecisionLetter
from applications.services import decision_letter_path, letter_files_without_rows
from notifications.models import Notification, NotificationStatus
from tests.support.outbox import environment
from tests.support.process import approve, propose
from tests.support.worker import Worker, uses_broker, wait_until
from workflow.flows import FundingFlow
from workflow.models import FundingProcess

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not uses_broker() or "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL and a real worker (the CI's second pass)",
    ),
]

RENDER_DELAY = 8  # seconds a letter takes to render in these tests (a real one takes one or two)
STALLED_SWEEP = (
    "import django; django.setup(); from datetime import timedelta; "
    "from workflow.tasks import stalled_steps_sweep; "
    "import sys; print(stalled_steps_sweep(grace=timedelta(seconds=float(sys.argv[1]))))"
)


def sweep_stalled_steps(env, grace: float = 30) -> int:
    """What beat does every 30 s (with its 30 s grace), in a process of its own; how many steps it handed over."""
    done = subprocess.run(
        [sys.executable, "-c", STALLED_SWEEP, str(grace)],
        env=env,
        cwd=django_settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1])


def approved_with_lost_hand_over(in_decision, clerk, approver):
    """An approved decision whose hand-over to the broker was lost (as with a broker that forgot its queue): no
    worker has the letter step yet; the test hands it over through the sweep, to its own broker and worker."""
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with transaction.atomic():
        approve(application, by=approver)
        connection.run_on_commit.clear()
    return application


def letter_step(application) -> Task:
    process = FundingProcess.objects.get(application=application)
    return Task.objects.get(process_id=process.pk, flow_task=FundingFlow.create_letter)


def wait_for_rendering(log: Path, timeout: float = 30) -> None:
    marker = re.compile(rb"Task workflow\.tasks\.create_decision_letter\[[^]]+\] received")
    received = wait_until(lambda: marker.search(log.read_bytes()), timeout)
    assert received, f"the worker never got the letter step:\n{log.read_text()[-3000:]}"


def message_ids_of_decision_available(alice, smtp_server) -> list[str]:
    row = Notification.objects.get(recipient=alice, event="decision_available")
    wanted = f"<notification-{row.pk}@127.0.0.1>"
    wait_until(lambda: row.__class__.objects.filter(pk=row.pk, status=NotificationStatus.SENT).exists(), 30)
    time.sleep(1)  # room for a second copy, were there one
    return [m["Message-ID"] for m in smtp_server.messages if m["Message-ID"] == wanted]


def assert_one_letter(application, media_root: Path) -> DecisionLetter:
    decision = application.current_decision
    letters = list(DecisionLetter.objects.filter(decision__application=application))
    assert len(letters) == 1
    letter = letters[0]
    assert letter.file.name == decision_letter_path(decision)
    assert (media_root / letter.file.name).read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (media_root / "letters").rglob("*") if p.is_file()) == [Path(letter.file.name).name]
    assert letter_files_without_rows() == []
    assert letter_step(application).status == STATUS.DONE
    process = FundingProcess.objects.get(application=application)
    told = Task.objects.filter(process_id=process.pk, flow_task=FundingFlow.notify_organisation)
    assert told.count() == 1, "the step after the letter ran once"
    return letter


@pytest.fixture
def letter_media(settings, tmp_path):
    """A file storage of the test's own, shared with its worker, so every file in it is this test's."""
    path = tmp_path / "media"
    path.mkdir()
    settings.MEDIA_ROOT = str(path)
    return path


def test_the_whole_worker_killed_while_rendering_a_letter(
    in_decision, clerk, approver, alice, private_redis, smtp_server, letter_media, tmp_path
):
    smtp_server.clear()
    application = approved_with_lost_hand_over(in_decision, clerk, approver)
    env = environment(private_redis.url, "letter-kill-test", smtp_server, letter_media)
    first_log = tmp_path / "first.log"
    first = Worker(
        queue="letter-kill-test",
        log_path=first_log,
        env={**env, "TEST_LETTER_RENDER_DELAY_SECONDS": str(RENDER_DELAY)},
    )
    first.start()
    try:
        assert sweep_stalled_steps(env, grace=0) == 1
        wait_for_rendering(first_log)
        time.sleep(2)
        assert not DecisionLetter.objects.exists(), "the kill must come while the letter is being rendered"
        os.killpg(first.process.pid, signal.SIGKILL)  # the whole worker, pool and all
        first.process.wait()
    finally:
        first.stop()
    assert letter_step(application).status == STATUS.NEW

    second = Worker(queue="letter-kill-test", log_path=tmp_path / "second.log", env=env)
    second.start()
    started = time.monotonic()
    try:
        while time.monotonic() - started < 60 and not DecisionLetter.objects.exists():
            sweep_stalled_steps(env)  # production grace: 30 s after the step was created
            time.sleep(3)
        waited = time.monotonic() - started
        assert DecisionLetter.objects.exists(), "no letter a minute after the new worker started"
        wait_until(lambda: letter_step(application).status == STATUS.DONE, 15)
        arrived = message_ids_of_decision_available(alice, smtp_server)
    finally:
        second.stop()
    assert_one_letter(application, letter_media)
    assert Notification.objects.filter(recipient=alice, event="decision_available").count() == 1
    assert len(arrived) == 1, "the organisation is told once"
    print(f"whole worker killed mid-rendering: letter {waited:.0f} s after the new worker started")


OUTAGE_SECONDS = 20


def refuse_connections(database: str, allow: bool) -> None:
    """Make PostgreSQL refuse new connections to the test run's database and cut the worker's open ones (every
    session but the test's own), or let them in again. Issued from the maintenance database, as PostgreSQL
    wants; only the test database is changed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [database, own],
            )


def test_the_database_refusing_connections_while_a_letter_is_rendered(
    in_decision, clerk, approver, alice, private_redis, smtp_server, letter_media, tmp_path
):
    database = connection.settings_dict["NAME"]
    assert database.startswith("test_") and database not in {"test", "root", "postgres"}, database
    smtp_server.clear()
    application = approved_with_lost_hand_over(in_decision, clerk, approver)
    path = letter_media / decision_letter_path(application.current_decision)
    env = environment(private_redis.url, "letter-db-outage-test", smtp_server, letter_media)
    log = tmp_path / "worker.log"
    worker = Worker(
        queue="letter-db-outage-test", log_path=log, env={**env, "TEST_LETTER_RENDER_DELAY_SECONDS": str(RENDER_DELAY)}
    )
    worker.start()
    refused = False
    try:
        assert sweep_stalled_steps(env, grace=0) == 1
        wait_for_rendering(log)
        time.sleep(2)
        refuse_connections(database, allow=False)
        refused = True
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        db = connection.settings_dict
        with pytest.raises(psycopg.OperationalError, match="not currently accepting connections"):
            psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=database)
        stored_without_row = wait_until(lambda: path.exists(), OUTAGE_SECONDS - 2)
        assert stored_without_row and not DecisionLetter.objects.exists(), "the outage must fall between file and row"
        time.sleep(max(0.0, outage_ends - time.monotonic()))
        refuse_connections(database, allow=True)
        refused = False
        back = time.monotonic()
        while time.monotonic() - back < 60 and letter_step(application).status != STATUS.DONE:
            sweep_stalled_steps(env)  # as beat does; its copies of the step run alongside the task's own retries
            time.sleep(3)
        waited = time.monotonic() - back
        arrived = message_ids_of_decision_available(alice, smtp_server)
    finally:
        if refused:
            refuse_connections(database, allow=True)
        worker.stop()
    assert_one_letter(application, letter_media)
    assert len(arrived) == 1, "the organisation is told once"
    assert "OperationalError" in log.read_text(), "the worker met the outage"
    print(f"database refused connections for {OUTAGE_SECONDS} s: letter done {waited:.0f} s after it was back")
