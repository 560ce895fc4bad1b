"""Two clerks completing the same task at the same moment end in one transition; the other is told."""

import threading
import time

import pytest
from django.db import connection, connections

from applications.models import ApplicationEvent, EventKind
from applications.services import completeness_confirm
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import open_task
from workflow.errors import TaskUnavailable
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start, task_complete

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"),
]


def test_two_clerks_at_once_make_one_transition(alice, organisation, clerk):
    from applications import roles

    second_clerk = UserFactory(email="carla@example.org", roles=[roles.CLERK])
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    task = open_task(application, FundingFlow.check_completeness)
    start = threading.Barrier(2)
    outcomes = {}

    def complete(user):
        def slow_check(process):
            time.sleep(0.5)  # hold the flow lock long enough for the other clerk to collide
            return completeness_confirm(application=process.application, by=user)

        try:
            start.wait()
            task_complete(task=type(task).objects.get(pk=task.pk), by=user, action=slow_check)
            outcomes[user.email] = "done"
        except TaskUnavailable as error:
            outcomes[user.email] = str(error.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=complete, args=(clerk,)),
        threading.Thread(target=complete, args=(second_clerk,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert list(outcomes.values()).count("done") == 1
    loser_message = next(v for v in outcomes.values() if v != "done")
    assert "andere Person" in loser_message or "Someone else" in loser_message
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.COMPLETENESS_CONFIRMED).count() == 1
    assert open_task(application, FundingFlow.assign_reviewers) is not None
