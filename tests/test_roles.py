"""Every staff step of the process refuses the roles it is not meant for (403, nothing changes)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from viewflow.workflow.status import STATUS

from tests.factories import ApplicationFactory
from tests.support.process import assign, confirm_complete, open_task, propose
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

STEPS = {
    "check_completeness": "clerk",
    "assign_reviewers": "programme_admin",
    "review_first": "reviewer",
    "propose": "clerk",
    "approve": "approver",
}


@pytest.fixture
def at_step(alice, organisation, call, clerk, programme_admin, reviewer):
    def advance(step):
        application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
        application_submit_and_start(application=application, by=alice)
        order = list(STEPS)
        if order.index(step) > 0:
            confirm_complete(application, by=clerk)
        if order.index(step) > 1:
            assign(application, by=programme_admin, reviewers=[reviewer])
        if order.index(step) > 2:
            from tests.support.process import review

            review(application, by=reviewer)
        if order.index(step) > 3:
            propose(application, by=clerk, amount=Decimal("1000.00"))
        return application

    return advance


@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_right_role_may_open_or_complete_each_step(request, client, at_step, step):
    application = at_step(step)
    task = open_task(application, getattr(FundingFlow, step))
    people = ["clerk", "programme_admin", "reviewer", "approver", "alice", "bob"]
    for name in people:
        if name == STEPS[step]:
            continue
        client.force_login(request.getfixturevalue(name))
        assert client.get(f"/staff/tasks/{task.pk}/").status_code == 403, (step, name)
        assert client.post(f"/staff/tasks/{task.pk}/", {}).status_code == 403, (step, name)
    task.refresh_from_db()
    assert task.status in (STATUS.NEW, STATUS.ASSIGNED)
    client.force_login(request.getfixturevalue(STEPS[step]))
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200


def test_permissions_load_in_one_query_and_follow_the_rules(django_assert_num_queries, clerk):
    from django.contrib.auth import get_user_model

    from tests.factories import UserFactory

    user = get_user_model().objects.get(pk=clerk.pk)
    direct = UserFactory(email="direkt@example.org")
    direct.user_permissions.add(Permission.objects.get(codename="approve_decision"))
    with django_assert_num_queries(1):
        assert user.has_perm("applications.check_application")
        assert not user.has_perm("applications.approve_decision")
        assert user.has_perm("applications.view_application")
    direct = get_user_model().objects.get(pk=direct.pk)
    assert direct.get_all_permissions() == {"applications.approve_decision"}
    direct.is_active = False
    assert not get_user_model().objects.get(pk=clerk.pk).has_perm("x.y") and not direct.has_perm(
        "applications.approve_decision"
    )
    boss = UserFactory(email="chef@example.org", is_superuser=True)
    assert get_user_model().objects.get(pk=boss.pk).has_perm("applications.approve_decision")
