"""Benchmark: human task completions per second through the HTTP view, against bare viewflow doing the same
transitions in the same run.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe .venv/bin/python bench/completion.py [count]
(works on the embedded SQLite default too). It creates a throw-away test database (test_<name>), submits `count`
applications twice over, and completes their completeness check:

- through the page: a clerk's POST to /staff/tasks/<id>/ (session, permissions, programme scope, form with the
  checklist, the flow lock, the service with its history entry, the transition to the next step, the redirect);
- bare: viewflow's own activation (assign, start, execute) under the same flow lock, with only the status change
  the next gate needs.

Prints completions per second for both, their ratio (goal: at least 0.8), and the SQL statements one
completion through the page takes (goal: at most 25).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def submitted_applications(count, *, alice, call):
    from tests.factories import ApplicationFactory
    from workflow.services import application_submit_and_start

    applications = []
    for n in range(count):
        application = ApplicationFactory(organisation=alice.memberships.get().organisation, call=call,
                                         created_by=alice, title=f"Projekt {n}")  # fmt: skip
        applications.append(application_submit_and_start(application=application, by=alice))
    return applications


def open_check(application):
    from tests.support.process import open_task
    from workflow.flows import FundingFlow

    return open_task(application, FundingFlow.check_completeness)


def through_the_page(applications, *, clerk, item) -> tuple[list[float], int]:
    client = Client()
    client.force_login(clerk)
    client.get("/staff/")
    tasks = [open_check(a) for a in applications]
    timings, statements = [], 0
    for n, task in enumerate(tasks):
        started = time.perf_counter()
        if n == 0:
            with CaptureQueriesContext(connection) as queries:
                response = client.post(f"/staff/tasks/{task.pk}/", {f"check_{item.pk}": "on", "outcome": "complete"})
            statements = sum(1 for q in queries.captured_queries if "SAVEPOINT" not in q["sql"])
        else:
            response = client.post(f"/staff/tasks/{task.pk}/", {f"check_{item.pk}": "on", "outcome": "complete"})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    return timings, statements


def bare_viewflow(applications, *, clerk) -> list[float]:
    from applications.models import Application, ApplicationStatus
    from workflow.flows import FundingFlow

    tasks = [open_check(a) for a in applications]
    timings = []
    for task in tasks:
        started = time.perf_counter()
        with FundingFlow.lock(task.process_id):
            task.refresh_from_db()
            activation = task.flow_task.activation_class(task)
            activation.assign(clerk)
            activation.start(None)
            Application.objects.filter(pk=activation.process.application_id).update(status=ApplicationStatus.IN_REVIEW)
            activation.execute()
        timings.append(time.perf_counter() - started)
    return timings


def main(count: int) -> None:
    from applications import roles
    from organisations.models import MembershipRole
    from tests.factories import CallFactory, MembershipFactory, OrganisationFactory, UserFactory

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        alice = UserFactory(email="alice@example.org")
        MembershipFactory(user=alice, organisation=OrganisationFactory(), role=MembershipRole.REPRESENTATIVE)
        clerk = UserFactory(email="clara@example.org", roles=[roles.CLERK])
        call = CallFactory()
        item = call.programme.checklist.create(text="Satzung liegt vor")
        page_apps = submitted_applications(count, alice=alice, call=call)
        bare_apps = submitted_applications(count, alice=alice, call=call)

        bare = bare_viewflow(bare_apps, clerk=clerk)
        page, statements = through_the_page(page_apps, clerk=clerk, item=item)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    def per_second(timings):
        return len(timings) / sum(timings)

    print(f"database: {connection.vendor}, {count} completions each")
    for name, timings in (("through the page", page), ("bare viewflow", bare)):
        ms = sorted(t * 1000 for t in timings)
        p95 = ms[int(len(ms) * 0.95) - 1]
        print(f"{name:17} {per_second(timings):7.1f}/s  median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms")
    print(f"ratio (page / bare, completions per second): {per_second(page) / per_second(bare):.2f}")
    print(f"SQL statements for one completion through the page: {statements}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
