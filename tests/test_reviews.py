"""Content review: reviewers assigned by a programme administrator, conflict of interest declared before the
application is shown, scores per criterion, two reviews in parallel, and the clerk sees averages and spread."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import Review
from tests.factories import ApplicationFactory
from tests.support.process import assign, confirm_complete, open_task, review
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_review(alice, organisation, call, clerk):
    application = ApplicationFactory(
        organisation=organisation, call=call, created_by=alice, title="Nachbarschaftsgarten"
    )
    application_submit_and_start(application=application, by=alice)
    confirm_complete(application, by=clerk)
    return application


def test_a_programme_administrator_assigns_and_only_the_reviewer_gets_the_task(
    client, in_review, programme_admin, reviewer, second_reviewer, clerk
):
    task = open_task(in_review, FundingFlow.assign_reviewers)
    client.force_login(clerk)
    assert client.post(f"/staff/tasks/{task.pk}/", {"reviewer_1": reviewer.pk}).status_code == 403
    client.force_login(programme_admin)
    client.post(f"/staff/tasks/{task.pk}/", {"reviewer_1": reviewer.pk})

    review_task = open_task(in_review, FundingFlow.review_first)
    assert review_task.owner == reviewer
    client.force_login(second_reviewer)
    assert client.get(f"/staff/tasks/{review_task.pk}/").status_code == 403
    client.force_login(reviewer)
    page = client.get("/staff/").content.decode()
    assert f"/staff/tasks/{review_task.pk}/" in page and "Elternverein" in page
    assert "Nachbarschaftsgarten" not in page  # the project only after declaring no conflict


def test_the_application_stays_hidden_until_the_reviewer_declares_no_conflict(
    client, in_review, programme_admin, reviewer
):
    assign(in_review, by=programme_admin, reviewers=[reviewer])
    task = open_task(in_review, FundingFlow.review_first)
    client.force_login(reviewer)
    before = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "Interessenkonflikt" in before
    assert in_review.summary not in before

    client.post(f"/staff/tasks/{task.pk}/", {"declaration": "none"})
    after = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert in_review.summary in after and "Prüfvermerk" in after


def test_a_declared_conflict_sends_the_review_back_for_reassignment(
    client, in_review, programme_admin, reviewer, second_reviewer
):
    assign(in_review, by=programme_admin, reviewers=[reviewer])
    task = open_task(in_review, FundingFlow.review_first)
    client.force_login(reviewer)
    empty = client.post(f"/staff/tasks/{task.pk}/", {"declaration": "conflict", "conflict_note": ""})
    assert empty.status_code == 400
    client.post(f"/staff/tasks/{task.pk}/", {"declaration": "conflict", "conflict_note": "Ich bin Vereinsmitglied."})

    reassign = open_task(in_review, FundingFlow.reassign_first)
    client.force_login(programme_admin)
    same = client.post(f"/staff/tasks/{reassign.pk}/", {"reviewer": reviewer.pk})
    assert same.status_code == 400
    client.post(f"/staff/tasks/{reassign.pk}/", {"reviewer": second_reviewer.pk})
    assert open_task(in_review, FundingFlow.review_first).owner == second_reviewer
    assert Review.objects.get(assignment__reviewer=reviewer).conflict_of_interest


def test_two_reviews_run_in_parallel_and_the_decision_waits_for_both(
    client, in_review, programme_admin, reviewer, second_reviewer, clerk
):
    programme = in_review.call.programme
    programme.reviewers_required = 2
    programme.save()
    assign(in_review, by=programme_admin, reviewers=[reviewer, second_reviewer])
    assert open_task(in_review, FundingFlow.review_first).status == STATUS.ASSIGNED
    assert open_task(in_review, FundingFlow.review_second).status == STATUS.ASSIGNED

    review(in_review, by=reviewer, slot=1, score=5)
    client.force_login(clerk)
    assert not Task.objects.filter(process__fundingprocess__application=in_review, flow_task=FundingFlow.propose)
    assert "Entscheidung vorschlagen</a>" not in client.get("/staff/queue/").content.decode()

    review(in_review, by=second_reviewer, slot=2, score=2)
    task = open_task(in_review, FundingFlow.propose)
    page = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "3,5" in page or "3.5" in page  # average of 5 and 2
    assert ">3<" in page  # spread
    assert "Plausibel und gut geplant." in page


def test_reviewers_must_score_every_criterion(client, in_review, programme_admin, reviewer):
    assign(in_review, by=programme_admin, reviewers=[reviewer])
    task = open_task(in_review, FundingFlow.review_first)
    client.force_login(reviewer)
    client.post(f"/staff/tasks/{task.pk}/", {"declaration": "none"})
    response = client.post(
        f"/staff/tasks/{task.pk}/",
        {"memo": "gut", "own_funds_counted": "yes", "double_funding": "yes", "double_funding_note": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "double_funding_note" in errors and any(name.startswith("score_") for name in errors)
    assert open_task(in_review, FundingFlow.review_first).status == STATUS.ASSIGNED
