"""Benchmark: server time of the staff pages on a large data set, against a plain page in the same run.

Fill a PostgreSQL database first (about 2½ minutes, 1 GB):
    createdb -h 127.0.0.1 -U postgres teilhabe_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench .venv/bin/python manage.py generate_data \
        --applications 100000 --calls 20 --organisations 5000
Then:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/staff_pages.py [rounds]

Each page is requested `rounds` times (default 30) per staff member, in-process through Django's whole stack
(middleware, session, permissions, queries, templates), so the figures are server time without the network.
Prints p50, p95 and the number of SQL queries per page, and p95 as a ratio of the baseline: the accessibility
statement, a page that only renders the layout for the same logged-in user. The dashboard is measured as staff
see it with a worker running (figures kept fresh by `reporting.tasks.refresh_dashboards`); the time to compute
its figures from scratch is printed on its own.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from applications.selectors import applications_for_staff  # noqa: E402
from organisations.models import User  # noqa: E402

STAFF = ["clerk1", "clerk3", "approver1", "programme1"]
DOMAIN = "generated.teilhabe.example"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url, rounds):
    client.get(url)  # warm: templates compiled, connection open
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, len(queries.captured_queries)


def pages_for(user):
    pages = ["/staff/", "/staff/queue/", "/staff/queue/?step=check_completeness&sort=newest",
             "/staff/queue/?organisation=verein", "/staff/done/"]  # fmt: skip
    ids = list(applications_for_staff(user).order_by("-pk").values_list("pk", flat=True)[:500])
    pages += [f"/staff/applications/{pk}/" for pk in random.Random(user.pk).sample(ids, min(3, len(ids)))]
    if user.has_perm("reporting.view_dashboard"):
        pages += ["/staff/dashboard/", "/staff/dashboard/figures/"]
    return pages


def main(rounds: int) -> None:
    from reporting import metrics

    if not User.objects.filter(email=f"clerk1@{DOMAIN}").exists():
        sys.exit("No generated data here: run manage.py generate_data first (see the top of this file).")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {rounds} requests per page and person")
    results = {}
    for name in STAFF:
        user = User.objects.get(email=f"{name}@{DOMAIN}")
        client = Client()
        client.force_login(user)
        baseline, _ = measure(client, "/accessibility/", rounds)
        results.setdefault("baseline: /accessibility/", ([], 0))[0].extend(baseline)
        if user.has_perm("reporting.view_dashboard"):
            client.get("/staff/dashboard/")  # looked at once: the worker keeps it fresh from now on
            started = time.perf_counter()
            metrics.refresh_recent()
            print(f"dashboard figures computed from scratch (the worker's job): {time.perf_counter() - started:.2f} s")
        for url in pages_for(user):
            key = url if not url.startswith("/staff/applications/") else "/staff/applications/<id>/"
            timings, queries = measure(client, url, rounds)
            entry = results.setdefault(key, ([], queries))
            entry[0].extend(timings)
            results[key] = (entry[0], max(entry[1], queries))

    base_p95 = percentile(results["baseline: /accessibility/"][0], 0.95)
    print(f"{'page':52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95/base':>9}")
    for key, (timings, queries) in results.items():
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"{key:52} {len(timings):5d} {p50:8.1f} {p95:8.1f} {queries:8d} {p95 / base_p95:8.1f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
