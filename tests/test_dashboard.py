"""The programme administrators' process dashboard: applications per step, budget, time per step, overdue
tasks, workload, the process diagram; scoped to the programme teams, refused to everyone else."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import Call
from applications.selectors import programmes_for_staff
from reporting import metrics
from reporting.metrics import Selection, percentile_cont
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.process import approve, assign, confirm_complete, open_task, propose, through_review
from workflow.flows import FundingFlow
from workflow.models import FundingProcess
from workflow.services import (
    application_cancel_and_end,
    application_submit_and_start,
    application_withdraw_and_end,
    items_request_and_tell,
    task_complete,
)
from workflow.tasks import create_decision_letter

pytestmark = pytest.mark.django_db

CHECK = "FundingFlow.check_completeness"
ASSIGN = "FundingFlow.assign_reviewers"
REVIEW = "FundingFlow.review_first"
PROPOSE = "FundingFlow.propose"
APPROVE = "FundingFlow.approve"
LETTER = "FundingFlow.create_letter"
ANSWER = "FundingFlow.answer_request"


@pytest.fixture(autouse=True)
def applicant(alice):
    """Most applications here come from Alice's organisation; one account keeps the tests quick."""
    return alice


def submitted(call, *, by=None, **fields):
    """A submitted application (of Alice's organisation unless `by` names another representative)."""
    from organisations.models import User

    user = by or User.objects.get(email="alice@example.org")
    organisation = user.memberships.get().organisation
    application = ApplicationFactory(organisation=organisation, call=call, created_by=user, **fields)
    application_submit_and_start(application=application, by=user)
    return application, user


def draft(call):
    from organisations.models import User

    user = User.objects.get(email="alice@example.org")
    return ApplicationFactory(organisation=user.memberships.get().organisation, call=call, created_by=user)


def ask_for_items(application, *, clerk, days=7):
    task = open_task(application, FundingFlow.check_completeness)
    task_complete(
        task=task,
        by=clerk,
        action=lambda process: items_request_and_tell(
            application=process.application,
            by=clerk,
            message="Bitte die Satzung nachreichen.",
            deadline=timezone.localdate() + timedelta(days=days),
        ),
    )


def to_approval(application, *, clerk, programme_admin, reviewer, amount):
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=amount)


def of_call(call):
    return Selection(programme_ids=(call.programme_id,), call_id=call.pk)


def page(client, user, **query):
    client.force_login(user)
    return client.get("/staff/dashboard/", query)


@pytest.fixture
def pipeline(call, clerk, programme_admin, reviewer, approver):
    """Applications spread over the procedure: 2 drafts, 3 at the check, 1 waiting for items, 1 for reviewers,
    1 in review, 1 at the proposal, 1 at the approval, 1 approved with its letter, 1 withdrawn, 1 cancelled."""
    draft(call), draft(call)
    for _ in range(3):
        submitted(call)
    waiting, _ = submitted(call)
    ask_for_items(waiting, clerk=clerk)
    to_assign, _ = submitted(call)
    confirm_complete(to_assign, by=clerk)
    in_review, _ = submitted(call)
    confirm_complete(in_review, by=clerk)
    assign(in_review, by=programme_admin, reviewers=[reviewer])
    to_propose, _ = submitted(call)
    through_review(to_propose, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    to_approve, _ = submitted(call)
    to_approval(to_approve, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("1000"))
    approved, _ = submitted(call)
    to_approval(approved, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("900"))
    approve(approved, by=approver)
    create_decision_letter(task_id=open_task(approved, FundingFlow.create_letter).pk)
    withdrawn, user = submitted(call)
    application_withdraw_and_end(application=withdrawn, by=user, reason="Anderweitig gefördert.")
    cancelled, _ = submitted(call)
    application_cancel_and_end(application=cancelled, by=programme_admin, reason="Doppelt eingereicht.")
    return call


def test_it_counts_the_applications_at_each_step(pipeline):
    figures = metrics.steps(of_call(pipeline))

    assert figures["drafts"] == 2
    assert {key: count for key, count in figures["open"].items() if count} == {
        CHECK: 3,
        ANSWER: 1,
        ASSIGN: 1,
        REVIEW: 1,
        PROPOSE: 1,
        APPROVE: 1,
    }
    assert figures["ended"] == {"approved": 1, "rejected": 0, "withdrawn": 1, "cancelled": 1}


def test_the_page_shows_each_step_in_a_table_a_bar_chart_and_the_diagram(client, pipeline, programme_admin):
    response = page(client, programme_admin, call=pipeline.pk)

    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Antrag auf Vollständigkeit prüfen", "Entscheidung vorschlagen", "Begutachtende zuweisen"):
        assert html.count(title) >= 2  # in the chart and the table
    assert 'role="img"' in html and "<svg" in html
    rows = response.context["figures"]["steps"]
    check = next(row for row in rows if row["label"] == "Antrag auf Vollständigkeit prüfen")
    assert check["count"] == 3 and check["percent"] == 100.0
    propose_row = next(row for row in rows if row["label"] == "Entscheidung vorschlagen")
    assert propose_row["percent"] == pytest.approx(33.3)
    diagram = {shape["title"]: shape["count"] for shape in response.context["figures"]["diagram"]["shapes"]}
    assert diagram["Antrag auf Vollständigkeit prüfen"] == 3
    assert diagram["Die Organisation reicht fehlende Unterlagen nach"] == 1


def test_the_diagram_is_drawn_from_the_flow_definition_with_a_count_on_every_waiting_step(db):
    with translation.override("en"):
        shapes = metrics.diagram({CHECK: 4, APPROVE: 1})["shapes"]

    assert len(shapes) == len(list(FundingFlow.instance.nodes()))
    counted = {shape["title"]: shape["count"] for shape in shapes if shape["count"] is not None}
    assert counted == {
        "Check the application for completeness": 4,
        "The organisation sends the missing items": 0,
        "No answer by the deadline: extend or reject": 0,
        "Assign reviewers": 0,
        "Review the application": 0,
        "Assign another reviewer": 0,
        "Propose a decision": 0,
        "Approve the decision (second person)": 1,
        "Render the decision letter": 0,
    }


def test_the_budget_shows_available_requested_proposed_approved_and_remaining(
    call, clerk, programme_admin, reviewer, approver
):
    other_call = CallFactory(programme=call.programme, title="Stichtag 15.08.", budget=Decimal("50000.00"))
    draft(call)  # a draft asks for nothing yet
    submitted(call, requested_amount=Decimal("2000.00"))
    proposed, _ = submitted(call, requested_amount=Decimal("3000.00"))
    to_approval(proposed, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("2800"))
    granted, _ = submitted(call, requested_amount=Decimal("1500.00"))
    to_approval(granted, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("1200"))
    approve(granted, by=approver)
    withdrawn, user = submitted(call, requested_amount=Decimal("9000.00"))
    application_withdraw_and_end(application=withdrawn, by=user)
    submitted(other_call, requested_amount=Decimal("700.00"))

    assert metrics.budget(of_call(call)) == {
        "available": Decimal("100000.00"),
        "requested": Decimal("6500.00"),
        "proposed": Decimal("2800.00"),
        "approved": Decimal("1200.00"),
        "remaining": Decimal("96000.00"),
    }
    whole_programme = metrics.budget(Selection(programme_ids=(call.programme_id,)))
    assert whole_programme["available"] == Decimal("150000.00")
    assert whole_programme["requested"] == Decimal("7200.00")
    assert whole_programme["remaining"] == Decimal("146000.00")


def test_percentiles_interpolate_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7.0], 0.9) == 7.0
    assert percentile_cont([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert percentile_cont([1.0, 2.0, 3.0, 4.0, 10.0], 0.9) == pytest.approx(7.6)


def test_time_per_step_is_the_median_and_90th_percentile_of_finished_tasks(call, clerk):
    hours = [1, 2, 3, 4, 10]
    start = timezone.now() - timedelta(days=30)
    for spent in hours:
        application, _ = submitted(call)
        task = open_task(application, FundingFlow.check_completeness)
        confirm_complete(application, by=clerk)
        Task.objects.filter(pk=task.pk).update(created=start, finished=start + timedelta(hours=spent))
    submitted(call)  # an open task has no duration yet

    with CaptureQueriesContext(connection) as queries:
        figures = metrics.durations(of_call(call))

    assert figures[CHECK]["count"] == 5
    assert figures[CHECK]["median"] == pytest.approx(3 * 3600)
    assert figures[CHECK]["p90"] == pytest.approx(7.6 * 3600)
    assert len(queries) == 1
    # PostgreSQL computes the percentiles in SQL; SQLite hands the durations to Python (CI runs both).
    assert ("PERCENTILE_CONT" in queries[0]["sql"]) == (connection.vendor == "postgresql")


def test_the_page_says_how_long_steps_take(client, call, clerk, programme_admin):
    programme_admin.language = "en"
    programme_admin.save()
    start = timezone.now() - timedelta(days=30)
    for spent in (timedelta(days=2), timedelta(days=3), timedelta(days=4)):
        application, _ = submitted(call)
        task = open_task(application, FundingFlow.check_completeness)
        confirm_complete(application, by=clerk)
        Task.objects.filter(pk=task.pk).update(created=start, finished=start + spent)

    row = page(client, programme_admin, call=call.pk).context["figures"]["durations"][0]

    assert row == {"label": "Check the application for completeness", "count": 3, "median": "3 days", "p90": "3.8 days"}


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(50, "1 minute"), (1800, "30 minutes"), (3600, "1 hour"), (47 * 3600, "47 hours"), (2 * 86400, "2 days"),
     (2.25 * 86400, "2.2 days"), (10 * 86400, "10 days")],
)  # fmt: skip
def test_durations_are_said_in_minutes_hours_or_days(seconds, said):
    from reporting.views import format_duration

    with translation.override("en"):
        assert format_duration(seconds) == said


def test_overdue_lists_old_staff_tasks_and_answers_past_the_deadline(client, call, clerk, programme_admin, settings):
    settings.STAFF_TASK_ESCALATE_AFTER_DAYS = 14
    old, _ = submitted(call, title="Lange liegengeblieben")
    Task.objects.filter(pk=open_task(old, FundingFlow.check_completeness).pk).update(
        created=timezone.now() - timedelta(days=20)
    )
    recent, _ = submitted(call, title="Gerade eingegangen")
    Task.objects.filter(pk=open_task(recent, FundingFlow.check_completeness).pk).update(
        created=timezone.now() - timedelta(days=3)
    )
    late, _ = submitted(call, title="Unterlagen fehlen noch")
    ask_for_items(late, clerk=clerk)
    late.items_requests.update(deadline=timezone.now() - timedelta(days=2))
    on_time, _ = submitted(call, title="Frist läuft noch")
    ask_for_items(on_time, clerk=clerk)

    response = page(client, programme_admin, call=call.pk)

    overdue = response.context["figures"]["overdue"]
    assert [row["title"] for row in overdue["staff"]] == ["Lange liegengeblieben"]
    assert overdue["staff"][0]["days"] == 20 and overdue["staff"][0]["step"] == "Antrag auf Vollständigkeit prüfen"
    assert [row["title"] for row in overdue["organisation"]] == ["Unterlagen fehlen noch"]
    html = response.content.decode()
    assert f'href="/staff/applications/{old.pk}/"' in html
    assert f'href="/staff/applications/{late.pk}/"' in html
    assert f'href="/staff/applications/{recent.pk}/"' not in html

    settings.STAFF_TASK_ESCALATE_AFTER_DAYS = 30
    assert metrics.overdue(of_call(call))["staff"] == []


def test_workload_counts_open_tasks_per_person_and_the_untaken_ones_per_step(
    client, call, clerk, programme_admin, reviewer, second_reviewer
):
    for _ in range(2):
        submitted(call)
    for person in (reviewer, reviewer, second_reviewer):
        application, _ = submitted(call)
        confirm_complete(application, by=clerk)
        assign(application, by=programme_admin, reviewers=[person])
    waiting_for_reviewers, _ = submitted(call)
    confirm_complete(waiting_for_reviewers, by=clerk)

    figures = page(client, programme_admin, call=call.pk).context["figures"]

    assert [(person["name"], person["total"]) for person in figures["people"]] == [
        ("Rüdiger Berg", 2),
        ("Rosa Lehmann", 1),
    ]
    assert figures["people"][0]["steps"] == [("Antrag begutachten (1)", 2)]
    unassigned = dict(figures["unassigned"])
    assert unassigned["Antrag auf Vollständigkeit prüfen"] == 2
    assert unassigned["Begutachtende zuweisen"] == 1
    assert unassigned["Entscheidung vorschlagen"] == 0


@pytest.fixture
def two_teams(clerk):
    """Programme A's team is Paula; programme B's team is Bernd. Each programme has one submitted application."""
    team_a = UserFactory(email="paula@example.org", first_name="Paula", roles=["programme administrator"])
    team_b = UserFactory(email="bernd@example.org", first_name="Bernd", roles=["programme administrator"])
    call_a = CallFactory(programme=ProgrammeFactory(title_de="Programm A"), budget=Decimal("10000.00"))
    call_b = CallFactory(programme=ProgrammeFactory(title_de="Programm B"), budget=Decimal("77777.00"))
    call_a.programme.staff.add(team_a)
    call_b.programme.staff.add(team_b)
    submitted(call_a)
    submitted(call_b)
    submitted(call_b)
    return team_a, call_a, call_b


def test_staff_in_a_team_see_only_their_programmes(client, two_teams):
    team_a, call_a, call_b = two_teams

    assert list(programmes_for_staff(team_a)) == [call_a.programme]
    response = page(client, team_a)
    assert response.status_code == 200
    assert response.context["figures"]["budget"]["available"] == Decimal("10000.00")
    assert (
        dict((row["label"], row["count"]) for row in response.context["figures"]["steps"])[
            "Antrag auf Vollständigkeit prüfen"
        ]
        == 1
    )
    html = response.content.decode()
    assert "Programm B" not in html and "77.777,00" not in html

    for query in ({"programme": call_b.programme_id}, {"call": call_b.pk}):
        refused = page(client, team_a, **query)
        assert refused.status_code == 400
        assert "figures" not in refused.context
        assert refused.context["form"].errors
    assert client.get("/staff/dashboard/figures/", {"call": call_b.pk}).status_code == 400
    assert client.get("/staff/dashboard/transparency.csv", {"call": call_b.pk}).status_code == 400


def test_staff_in_no_team_see_every_programme(client, two_teams, programme_admin):
    _, call_a, call_b = two_teams

    assert set(programmes_for_staff(programme_admin)) == {call_a.programme, call_b.programme}
    figures = page(client, programme_admin).context["figures"]
    assert figures["budget"]["available"] == Decimal("87777.00")
    assert page(client, programme_admin, call=call_b.pk).context["figures"]["budget"]["available"] == Decimal(
        "77777.00"
    )


def test_programmes_for_staff_is_one_query_without_duplicates(two_teams, django_assert_num_queries):
    team_a, call_a, _ = two_teams
    call_a.programme.staff.add(UserFactory(), UserFactory())
    with django_assert_num_queries(1):
        assert list(programmes_for_staff(team_a)) == [call_a.programme]


def test_a_call_of_another_programme_is_refused_next_to_the_field(client, programme_admin, call):
    other = CallFactory(programme=ProgrammeFactory(title_de="Stadtteilfonds"))

    response = page(client, programme_admin, programme=call.programme_id, call=other.pk)

    assert response.status_code == 400
    assert response.context["form"].errors["call"]
    assert 'id="id_call-error"' in response.content.decode()


@pytest.mark.parametrize("url", ["/staff/dashboard/", "/staff/dashboard/figures/", "/staff/dashboard/transparency.csv",
                                 "/staff/dashboard/transparency.xlsx"])  # fmt: skip
@pytest.mark.parametrize("person", ["alice", "clerk", "reviewer", "approver"])
def test_everyone_without_the_dashboard_permission_gets_403(request, client, call, url, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/staff/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_links_the_dashboard_only_for_programme_administrators(client, programme_admin, clerk):
    client.force_login(programme_admin)
    assert 'href="/staff/dashboard/"' in client.get("/staff/").content.decode()
    client.force_login(clerk)
    assert 'href="/staff/dashboard/"' not in client.get("/staff/").content.decode()


def _grow(call, *, clerk, programme_admin, reviewer, approver, times):
    """Add `times` applications at each step, with finished and overdue tasks, to the call."""
    for _ in range(times):
        draft(call)
        old, _ = submitted(call)
        Task.objects.filter(pk=open_task(old, FundingFlow.check_completeness).pk).update(
            created=timezone.now() - timedelta(days=40)
        )
        late, _ = submitted(call)
        ask_for_items(late, clerk=clerk)
        late.items_requests.update(deadline=timezone.now() - timedelta(days=1))
        in_review, _ = submitted(call)
        confirm_complete(in_review, by=clerk)
        assign(in_review, by=programme_admin, reviewers=[reviewer])
        granted, _ = submitted(call)
        to_approval(granted, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("700"))
        approve(granted, by=approver)


def test_the_number_of_queries_does_not_grow_with_the_data(
    client, call, clerk, programme_admin, reviewer, approver, django_assert_max_num_queries
):
    from django.core.cache import cache

    people = {"clerk": clerk, "programme_admin": programme_admin, "reviewer": reviewer, "approver": approver}
    client.force_login(programme_admin)
    counts = []
    for times in (1, 4):
        _grow(call, **people, times=times)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/dashboard/", {"call": call.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    cache.clear()
    with django_assert_max_num_queries(28):  # 3 of them for proofs of use, reclaims and repayments
        client.get("/staff/dashboard/", {"call": call.pk})
    with django_assert_max_num_queries(12):  # cached figures: session, user, permissions and the form only
        client.get("/staff/dashboard/figures/", {"call": call.pk})


def test_figures_are_reused_for_at_most_a_minute(call):
    selection = of_call(call)
    submitted(call)
    at = timezone.now()
    assert metrics.figures(selection, now=at)["steps"]["open"][CHECK] == 1

    submitted(call)

    assert metrics.figures(selection, now=at + timedelta(seconds=30))["steps"]["open"][CHECK] == 1
    fresh = metrics.figures(selection, now=at + timedelta(seconds=60))
    assert fresh["steps"]["open"][CHECK] == 2
    assert fresh["as_of"] == at + timedelta(seconds=60)


def test_the_page_and_its_fragment_say_when_the_figures_were_computed(client, call, programme_admin):
    programme_admin.language = "en"
    programme_admin.save()
    submitted(call)
    html = page(client, programme_admin, call=call.pk).content.decode()
    as_of = timezone.localtime(metrics.figures(of_call(call))["as_of"]).strftime("%H:%M")
    assert f"As of {as_of}, refreshed every minute." in html
    assert re.search(r'<p [^>]*id="dashboard-status"[^>]*aria-live="polite"', html)
    assert f'data-refresh-url="/staff/dashboard/figures/?call={call.pk}"' in html

    fragment = client.get("/staff/dashboard/figures/", {"call": call.pk})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.startswith(f'<div class="dashboard-figures" data-status="As of {as_of}, refreshed every minute.">')
    assert "<html" not in body and "Check the application for completeness" in body


def test_selecting_nothing_shows_all_my_programmes(client, programme_admin, call):
    submitted(call)
    response = page(client, programme_admin)
    assert response.status_code == 200
    assert response.context["figures"]["budget"]["available"] == sum(Call.objects.values_list("budget", flat=True))


def test_an_application_at_the_letter_step_is_not_yet_counted_as_ended(
    call, clerk, programme_admin, reviewer, approver
):
    application, _ = submitted(call)
    to_approval(application, clerk=clerk, programme_admin=programme_admin, reviewer=reviewer, amount=Decimal("900"))
    approve(application, by=approver)

    figures = metrics.steps(of_call(call))

    assert figures["open"][LETTER] == 1
    assert figures["ended"]["approved"] == 0
    assert FundingProcess.objects.get(application=application).finished is None
    assert Task.objects.filter(status=STATUS.NEW, flow_task=FundingFlow.create_letter).count() == 1


def test_the_worker_keeps_viewed_dashboards_fresh_so_pages_read_ready_figures(
    client, call, programme_admin, django_assert_max_num_queries
):
    from reporting.tasks import refresh_dashboards

    client.force_login(programme_admin)
    client.get("/staff/dashboard/", {"call": call.pk})  # looked at once: remembered
    submitted(call)
    assert refresh_dashboards() >= 1  # what beat runs every 30 seconds
    with django_assert_max_num_queries(12):  # the figures come from the cache, already counting the new one
        assert client.get("/staff/dashboard/figures/", {"call": call.pk}).status_code == 200
    assert metrics.figures(of_call(call))["steps"]["open"][CHECK] == 1  # refreshed: the page's copy said 0

    later = timezone.now() + metrics.KEEP_WARM + timedelta(minutes=1)
    assert metrics.refresh_recent(now=later) == 0  # nobody looked for an hour: no longer kept warm
