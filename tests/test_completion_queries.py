"""Completing a human task through its page stays within 25 SQL statements (the flow lock, the transition, the
next task, the history entry and the messages included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ApplicationFactory
from tests.support.process import open_task
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db


def test_confirming_completeness_through_the_page_takes_at_most_25_statements(client, alice, organisation, call, clerk):
    call.programme.checklist.create(text="Satzung liegt vor")
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    task = open_task(application, FundingFlow.check_completeness)
    item = call.programme.checklist.get()
    client.force_login(clerk)
    client.get("/staff/")  # the session and the user's permissions are loaded as on any page before
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/staff/tasks/{task.pk}/", {f"check_{item.pk}": "on", "outcome": "complete"})
    assert response.status_code == 302
    assert open_task(application, FundingFlow.assign_reviewers)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 25, "\n".join(s[:160] for s in statements)
