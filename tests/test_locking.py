"""Two clerks completing the same task at the same moment end in one transition; the other is told."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from applications.models import Decision
from applications.services import decision_propose
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import open_task
from workflow.errors import TaskUnavailable
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start, task_complete

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"),
]


def test_two_clerks_at_once_make_one_proposal(alice, organisation, clerk):
    from applications import roles

    second_clerk = UserFactory(email="carla@example.org", roles=[roles.CLERK])
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    task = open_task(application, FundingFlow.propose)
    start = threading.Barrier(2)
    outcomes = {}

    def complete(user, amount):
        def slow_proposal(process):
            time.sleep(0.5)  # hold the flow lock long enough for the other clerk to collide
            return decision_propose(application=process.application, by=user, outcome="approve", amount=amount)

        try:
            start.wait()
            task_complete(task=type(task).objects.get(pk=task.pk), by=user, action=slow_proposal)
            outcomes[user.email] = "done"
        except TaskUnavailable as error:
            outcomes[user.email] = str(error.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=complete, args=(clerk, Decimal("700.00"))),
        threading.Thread(target=complete, args=(second_clerk, Decimal("900.00"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert list(outcomes.values()).count("done") == 1
    loser_message = next(v for v in outcomes.values() if v != "done")
    assert "andere Person" in loser_message or "Someone else" in loser_message
    assert Decision.objects.filter(application=application).count() == 1
    assert open_task(application, FundingFlow.approve) is not None
