"""Benchmark: the steps after the decision through their pages, on a generated data set, against a plain page in the
same run.

Fill a PostgreSQL database first (see bench/staff_pages.py; 20,000 applications take about half a minute):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench .venv/bin/python manage.py generate_data \\
        --applications 20000 --calls 10 --organisations 1000
Then:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/grant_pages.py [rounds] [--without-gc-freeze]

In-process through Django's whole stack (middleware, session, permissions, queries, templates), so the figures are
server time without the network. Measured, `rounds` times each (default 30): a representative requests money on the
payment request page (POST), a clerk certifies it on the task page, a payment officer releases it on the task page
(POSTs that move the payment process, four eyes), and the clerk opens the check page of a proof of use with 500
receipts (GET), records the check of such proofs (POST: the sample, the recalculation and the interest on money used
late over 500 receipts) and the approver opens the result with its sample. Then the other pages of a grant's life,
each on `rounds` different open tasks or grants (GET): approving a check, the hearing, the revocation proposal and its
approval, the repayments, a reported change and its amendment, the staff and the organisation's page of a grant in
every state, and the payment officers' list of released payments. Prints p50, p95, the most SQL queries of one
request, and p95 as a ratio of the baseline: the accessibility statement for the same logged-in person. Everything
runs in one transaction that is rolled back at the end, so the data set is unchanged afterwards (the messages to the
organisation are therefore not sent).
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

if "--without-gc-freeze" in sys.argv:  # to compare: the process as it was before config.wsgi settled its memory
    django.setup()
else:
    import config.wsgi  # noqa: E402, F401  (sets Django up as gunicorn does, with its settled memory)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from viewflow.workflow.models import Task  # noqa: E402
from viewflow.workflow.status import STATUS  # noqa: E402

from grants.models import PROOF_CHECKS, Grant, GrantStatus, ProofOfUse, ProofStatus, Receipt  # noqa: E402
from grants.selectors import money_position  # noqa: E402
from organisations.models import MembershipRole, User  # noqa: E402
from workflow.flows.change import ChangeFlow  # noqa: E402
from workflow.flows.grant import GrantFlow, PaymentFlow  # noqa: E402
from workflow.selectors import staff_tasks  # noqa: E402

DOMAIN = "generated.teilhabe.example"
RECEIPTS = 500
CHECKS_RECORDED = 10  # proofs grown to 500 receipts and checked (each POST ends its task)
CHECK_BOXES = [name for name, _label in PROOF_CHECKS]


class Rollback(Exception):
    pass


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(client, method, url, data=None, expect=(200,)):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in expect, (url, response.status_code, response.content[:2000])
    return elapsed, len(queries.captured_queries)


def requestable_grants(rounds):
    """Running grants with money left whose approval period lets a need be requested today."""
    today = timezone.localdate()
    grants = []
    candidates = Grant.objects.filter(status=GrantStatus.RUNNING, period_start__lte=today + timedelta(days=35))
    for grant in candidates.select_related("organisation").order_by("pk").iterator():
        if money_position(grant).left >= 1:
            grants.append(grant)
        if len(grants) == rounds:
            break
    return grants


def needed_on(grant):
    today = timezone.localdate()
    return min(max(today + timedelta(days=5), grant.period_start), grant.period_end)


def representative_of(grant):
    return grant.organisation.memberships.filter(role=MembershipRole.REPRESENTATIVE).first().user


def with_account(grant):
    from organisations.selectors import bank_account_current
    from organisations.services import bank_account_set

    if bank_account_current(grant.organisation) is None:
        bank_account_set(
            organisation=grant.organisation,
            by=representative_of(grant),
            holder="Verein",
            iban="DE89370400440532013000",
        )


def proof_with_receipts(task=None):
    """A generated proof of use waiting for its check (the first, or `task`'s), its receipt list grown to 500 rows."""
    task = task or Task.objects.filter(flow_task=GrantFlow.check_proof, status=STATUS.NEW).order_by("pk").first()
    proof = ProofOfUse.objects.select_related("grant").get(grant__process=task.process_id, kind="final")
    line = proof.grant.plan_versions.get(number=1).lines.first()
    have = proof.receipts.count()
    top = max(proof.receipts.values_list("position", flat=True), default=0)
    Receipt.objects.bulk_create(
        Receipt(
            proof=proof,
            position=top + number,
            date=proof.grant.period_start,
            payee=f"Honorarkraft {number}",
            purpose="Honorar für ein Treffen",
            amount="25.00",
            plan_line=line,
        )
        for number in range(1, RECEIPTS - have + 1)
    )
    assert proof.status == ProofStatus.SUBMITTED and proof.receipts.count() == RECEIPTS
    return task


def open_tasks_of(user, node, count):
    """Up to `count` open tasks of `node` that `user` may work on, oldest first."""
    return list(staff_tasks(user).filter(flow_task=node).order_by("pk")[:count])


def grants_in_every_state(count):
    """`count` grants, taking each status in turn."""
    by_status = {status: list(Grant.objects.filter(status=status).order_by("-pk")[:count]) for status in GrantStatus}
    chosen = []
    while len(chosen) < count and any(by_status.values()):
        for grants in by_status.values():
            if grants and len(chosen) < count:
                chosen.append(grants.pop(0))
    return chosen


def main(rounds: int) -> None:
    if not User.objects.filter(email=f"clerk1@{DOMAIN}").exists():
        sys.exit("No generated data here: run manage.py generate_data first (see the top of this file).")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {rounds} requests per step")
    results: dict[str, tuple[list, int]] = {}

    def record(key, elapsed_and_queries):
        elapsed, queries = elapsed_and_queries
        entry = results.setdefault(key, ([], queries))
        entry[0].append(elapsed)
        results[key] = (entry[0], max(entry[1], queries))

    clerk = User.objects.get(email=f"clerk1@{DOMAIN}")
    officer = User.objects.get(email=f"payments1@{DOMAIN}")
    try:
        with transaction.atomic():
            grants = requestable_grants(rounds)
            if len(grants) < rounds:
                sys.exit(f"Only {len(grants)} grants can take a payment request today; generate more applications.")
            for grant in grants:
                with_account(grant)
            clients = {}
            for person in [clerk, officer, *{representative_of(g) for g in grants}]:
                clients[person.pk] = Client()
                clients[person.pk].force_login(person)
            # The baseline, for each kind of person, and warm-up of templates and connection.
            for person in (clerk, officer, representative_of(grants[0])):
                client = clients[person.pk]
                client.get("/accessibility/")
                for _ in range(rounds):
                    record("baseline: /accessibility/", timed(client, "get", "/accessibility/"))

            payments = []
            for grant in grants:
                client = clients[representative_of(grant).pk]
                form = {"amount": "1,00", "purpose": "Honorare", "needed_on": needed_on(grant).isoformat()}
                record(
                    "POST payment request page",
                    timed(client, "post", f"/applications/{grant.application_id}/payments/new/", form, (302,)),
                )
                payments.append(grant.payment_requests.order_by("-number").first())
            for payment in payments:
                task = Task.objects.get(process__paymentprocess__payment=payment, flow_task=PaymentFlow.certify)
                record("GET certify task page", timed(clients[clerk.pk], "get", f"/staff/tasks/{task.pk}/"))
                record(
                    "POST certify (sachlich richtig)",
                    timed(clients[clerk.pk], "post", f"/staff/tasks/{task.pk}/", {"action": "accept"}, (302,)),
                )
            for payment in payments:
                task = Task.objects.get(process__paymentprocess__payment=payment, flow_task=PaymentFlow.release)
                record(
                    "POST release (rechnerisch richtig, four eyes)",
                    timed(clients[officer.pk], "post", f"/staff/tasks/{task.pk}/", {"action": "accept"}, (302,)),
                )
            check = proof_with_receipts()
            url = f"/staff/tasks/{check.pk}/"
            clients[clerk.pk].get(url)
            for _ in range(rounds):
                record(f"GET proof-of-use check page, {RECEIPTS} receipts", timed(clients[clerk.pk], "get", url))
            approver = User.objects.get(email=f"approver1@{DOMAIN}")
            clients[approver.pk] = Client()
            clients[approver.pk].force_login(approver)
            checks = [
                proof_with_receipts(task) for task in open_tasks_of(clerk, GrantFlow.check_proof, CHECKS_RECORDED)
            ]
            form = {"action": "record", "memo": "Geprüft.", **{name: "on" for name in CHECK_BOXES}}
            for task in checks:
                record(
                    f"POST check recorded, {RECEIPTS} receipts",
                    timed(clients[clerk.pk], "post", f"/staff/tasks/{task.pk}/", form, (302,)),
                )
            for task in checks:
                approve = Task.objects.get(
                    process_id=task.process_id, flow_task=GrantFlow.approve_check, status=STATUS.NEW
                )
                record(
                    f"GET approve check page, sample of {RECEIPTS}",
                    timed(clients[approver.pk], "get", f"/staff/tasks/{approve.pk}/"),
                )
            other_pages(rounds, record, clients, clerk, approver, officer)
            raise Rollback
    except Rollback:
        pass

    base_p95 = percentile(results["baseline: /accessibility/"][0], 0.95)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(f"{'step':52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95/base':>9}")
    for key, (timings, queries) in results.items():
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"{key:52} {len(timings):5d} {p50:8.1f} {p95:8.1f} {queries:8d} {p95 / base_p95:8.1f}×")


def other_pages(rounds, record, clients, clerk, approver, officer):
    """The rest of a grant's pages (GET), each on up to `rounds` different tasks or grants."""
    for node, person in [
        (GrantFlow.approve_check, approver),
        (GrantFlow.hear, clerk),
        (GrantFlow.decide_revocation, clerk),
        (GrantFlow.approve_revocation, approver),
        (GrantFlow.await_repayment, officer),
        (ChangeFlow.assess, clerk),
        (ChangeFlow.approve, approver),
    ]:
        client = clients.setdefault(person.pk, Client())
        client.force_login(person)
        for task in open_tasks_of(person, node, rounds):
            record(
                f"GET task page {node.flow_class.__name__}.{node.name}",
                timed(client, "get", f"/staff/tasks/{task.pk}/"),
            )
    for grant in grants_in_every_state(rounds):
        record(
            "GET staff application page of a grant",
            timed(clients[clerk.pk], "get", f"/staff/applications/{grant.application_id}/"),
        )
        representative = representative_of(grant)
        client = clients.setdefault(representative.pk, Client())
        client.force_login(representative)
        record("GET organisation's page of a grant", timed(client, "get", f"/applications/{grant.application_id}/"))
    for _ in range(rounds):
        record("GET payment orders (released payments)", timed(clients[officer.pk], "get", "/staff/payments/"))


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else 30)
