"""Lawful deadlines: a call runs until and including its last day, an answer to a request for missing items until
and including its deadline day, both in Europe/Berlin and across the change to and from summer time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.errors import ApplicationError
from applications.models import ApplicationStatus, ItemsRequest
from applications.services import application_submission_problems
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.support.process import open_task
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start, items_answer_and_continue, items_request_and_tell

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# A call's last day


@pytest.mark.parametrize(
    ("last_day", "closes_utc"),
    [
        (date(2027, 2, 28), datetime(2027, 2, 28, 23, 0, tzinfo=UTC)),
        (date(2027, 3, 27), datetime(2027, 3, 27, 23, 0, tzinfo=UTC)),  # the night before summer time begins
        (date(2027, 3, 28), datetime(2027, 3, 28, 22, 0, tzinfo=UTC)),  # the day summer time begins
        (date(2027, 10, 30), datetime(2027, 10, 30, 22, 0, tzinfo=UTC)),
        (date(2027, 10, 31), datetime(2027, 10, 31, 23, 0, tzinfo=UTC)),  # the day summer time ends
    ],
)
def test_a_call_takes_applications_until_the_end_of_its_last_day_in_berlin(db, last_day, closes_utc):
    call = CallFactory(opens_at=berlin(2027, 1, 1), last_day=last_day)
    assert call.closes_at == closes_utc
    last_moment = berlin(last_day.year, last_day.month, last_day.day, 23, 59, 59, 900000)
    next_day = last_day + timedelta(days=1)
    assert call.is_open(last_moment)
    assert not call.is_open(berlin(next_day.year, next_day.month, next_day.day))


@pytest.mark.parametrize("last_day", [date(2027, 2, 28), date(2027, 3, 27), date(2027, 3, 28)])
def test_it_accepts_a_submission_in_the_last_second_and_refuses_it_at_midnight(alice, organisation, last_day):
    call = CallFactory(opens_at=berlin(2026, 11, 1), last_day=last_day)
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    last_moment = berlin(last_day.year, last_day.month, last_day.day, 23, 59, 59, 900000)
    assert application_submission_problems(draft, at=last_moment) == []

    next_day = last_day + timedelta(days=1)
    with translation.override("de"):
        problems = application_submission_problems(draft, at=berlin(next_day.year, next_day.month, next_day.day))
    assert problems == [
        (
            None,
            f"Dieser Förderaufruf ist beendet: Anträge wurden bis einschließlich {last_day:%d.%m.%Y} angenommen. "
            "Ihr Entwurf bleibt gespeichert, kann aber nicht mehr eingereicht werden.",
        )
    ]


def test_the_submit_page_says_until_which_day_applications_were_accepted(client, alice, organisation):
    yesterday = timezone.localdate() - timedelta(days=1)
    call = CallFactory(opens_at=timezone.now() - timedelta(days=30), last_day=yesterday)
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/submit/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"Anträge wurden bis einschließlich {yesterday:%d.%m.%Y} angenommen" in page
    assert "00:00" not in page
    client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_the_call_page_and_card_show_the_last_day(client, db):
    call = CallFactory(last_day=date(2027, 2, 28), title="Stichtag 28.02.2027")
    detail = client.get(f"/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anträge bis einschließlich 28.02.2027" in detail
    cards = client.get("/calls/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anträge bis einschließlich 28.02.2027" in cards
    assert "01.03.2027" not in detail + cards


def test_the_catalogue_says_until_and_including_the_last_day(client, db):
    call = CallFactory(last_day=date(2027, 2, 28))
    page = client.get(f"/programmes/{call.programme.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anträge bis einschließlich 28. Februar 2027." in page


def test_an_applicant_sees_the_last_day_of_the_call_for_a_draft(client, alice, organisation):
    call = CallFactory(last_day=date(2027, 2, 28))
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    page = client.get(f"/applications/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "bis einschließlich 28.02.2027" in page


def test_changing_the_last_day_moves_the_closing_moment(db):
    call = CallFactory(opens_at=berlin(2027, 1, 1), last_day=date(2027, 2, 28))
    call.last_day = date(2027, 3, 31)
    call.save(update_fields=["last_day"])
    call.refresh_from_db()
    assert call.closes_at == berlin(2027, 4, 1)


def test_the_admin_edits_the_last_day_and_not_the_closing_moment(client, db):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    call = CallFactory(opens_at=berlin(2027, 1, 1), last_day=date(2027, 2, 28))
    client.force_login(admin)
    page = client.get(f"/admin/applications/call/{call.pk}/change/").content.decode()
    assert 'name="last_day"' in page
    assert 'name="closes_at"' not in page


# An answer to a request for missing items


@pytest.fixture
def requested(alice, organisation, call, clerk):
    """Missing items requested, to be answered by the end of the day in 14 days."""
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    deadline = timezone.localdate() + timedelta(days=14)
    from workflow.services import task_complete

    task_complete(
        task=open_task(application, FundingFlow.check_completeness),
        by=clerk,
        action=lambda process: items_request_and_tell(
            application=process.application, by=clerk, message="Bitte die Satzung nachreichen.", deadline=deadline
        ),
    )
    application.refresh_from_db()
    return application


def deadline_day_was_yesterday(application):
    """Time passes: the deadline day ended yesterday; the process timer may or may not have fired yet."""
    yesterday = timezone.localdate() - timedelta(days=1)
    ItemsRequest.objects.filter(application=application).update(
        deadline=datetime.combine(yesterday, datetime.max.time(), tzinfo=BERLIN)
    )
    return yesterday


def late_message(day: date) -> str:
    return f"Die Frist für Ihre Antwort endete am {day:%d.%m.%Y}."


pytest_transaction = pytest.mark.django_db(transaction=True)


@pytest_transaction
def test_the_deadline_is_the_last_moment_of_the_chosen_day_in_berlin(requested):
    request = ItemsRequest.objects.get()
    deadline_day = timezone.localdate() + timedelta(days=14)
    assert timezone.localtime(request.deadline) == datetime.combine(deadline_day, datetime.max.time(), tzinfo=BERLIN)
    assert not request.is_overdue
    timer = Task.objects.get(flow_task_type="TIMER", status=STATUS.SCHEDULED)
    assert timer.scheduled == request.deadline


@pytest_transaction
def test_it_accepts_an_answer_in_the_last_minute_of_the_deadline_day(requested, alice):
    day = timezone.localdate() + timedelta(days=14)
    last_minute = berlin(day.year, day.month, day.day, 23, 59, 30)
    items_answer_and_continue(application=requested, by=alice, answer="Anbei.", at=last_minute)
    requested.refresh_from_db()
    assert requested.status == ApplicationStatus.SUBMITTED
    assert ItemsRequest.objects.get().answered_at == last_minute


@pytest_transaction
def test_it_refuses_an_answer_at_midnight_after_the_deadline_day(requested, alice):
    day = timezone.localdate() + timedelta(days=15)
    with translation.override("de"), pytest.raises(ApplicationError) as refused:
        items_answer_and_continue(
            application=requested, by=alice, answer="Anbei.", at=berlin(day.year, day.month, day.day)
        )
    assert late_message(day - timedelta(days=1)) in refused.value.message
    requested.refresh_from_db()
    assert requested.status == ApplicationStatus.ITEMS_REQUESTED
    assert ItemsRequest.objects.get().answered_at is None


@pytest_transaction
def test_it_refuses_a_late_answer_before_the_timer_has_fired(client, requested, alice):
    day = deadline_day_was_yesterday(requested)
    assert open_task(requested, FundingFlow.answer_request).status in (STATUS.NEW, STATUS.ASSIGNED)
    client.force_login(alice)
    page = client.get(f"/applications/{requested.pk}/answer/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert late_message(day) in page
    response = client.post(
        f"/applications/{requested.pk}/answer/",
        {"answer": "Die Satzung liegt bei.", "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert late_message(day) in page
    assert "Die Satzung liegt bei." in page  # what the user typed is kept
    requested.refresh_from_db()
    assert requested.status == ApplicationStatus.ITEMS_REQUESTED
    assert ItemsRequest.objects.get().answered_at is None


@pytest_transaction
def test_it_refuses_a_late_answer_after_the_timer_has_fired(client, requested, alice):
    day = deadline_day_was_yesterday(requested)
    Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - timedelta(minutes=1)
    )
    call_command("workflow_timers")
    assert open_task(requested, FundingFlow.decide_overdue).status == STATUS.NEW
    client.force_login(alice)
    response = client.post(
        f"/applications/{requested.pk}/answer/",
        {"answer": "Die Satzung liegt bei.", "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert late_message(day) in page
    assert "Die Satzung liegt bei." in page
    requested.refresh_from_db()
    assert requested.status == ApplicationStatus.ITEMS_REQUESTED


@pytest_transaction
def test_an_extended_deadline_is_the_last_moment_of_the_new_day(client, requested, alice, clerk):
    deadline_day_was_yesterday(requested)
    Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - timedelta(minutes=1)
    )
    call_command("workflow_timers")
    client.force_login(clerk)
    task = open_task(requested, FundingFlow.decide_overdue)
    new_day = timezone.localdate() + timedelta(days=7)
    client.post(f"/staff/tasks/{task.pk}/", {"action": "extend", "deadline": new_day.isoformat()})
    request = ItemsRequest.objects.get()
    assert timezone.localtime(request.deadline) == datetime.combine(new_day, datetime.max.time(), tzinfo=BERLIN)
    client.force_login(alice)
    response = client.post(f"/applications/{requested.pk}/answer/", {"answer": "Anbei.", "confirm": "on"})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ApplicationStatus.SUBMITTED


def test_overdue_requests_show_their_deadline_day(db, alice, organisation, call, clerk):
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    request = ItemsRequest.objects.create(
        application=application, message="x", deadline=berlin(2026, 3, 2, 23, 59, 59, 999999), requested_by=clerk
    )
    assert request.deadline_passed(berlin(2026, 3, 3))
    assert not request.deadline_passed(berlin(2026, 3, 2, 23, 59, 59, 999999))


# Existing calls


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_calls_the_day_their_closing_moment_ends():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("applications", "0009_authority_reasons_budget_memo")], [("applications", "0010_call_last_day")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    programmes, calls_before = (old_apps.get_model("applications", name).objects for name in ("Programme", "Call"))
    authority = old_apps.get_model("applications", "Authority").objects.create(
        name="Senatorin",
        street="Bahnhofsplatz 29",
        postcode="28195",
        city="Bremen",
        remedy_body="VG",
        remedy_address="x",
    )
    programme = programmes.create(
        title="Projektförderung",
        min_amount=0,
        max_amount=1000,
        financing_method="festbetrag",
        fixed_amount=500,
        authority=authority,
    )
    closing = {
        "midnight": berlin(2027, 3, 1),  # the first moment after 28.02.
        "a minute before midnight": berlin(2027, 2, 28, 23, 59),
        "midnight when summer time begins": berlin(2027, 3, 29),
        "at noon": berlin(2027, 2, 28, 12, 0),
    }
    ids = {
        name: calls_before.create(
            programme=programme, title=name, opens_at=berlin(2027, 1, 1), closes_at=moment, budget=1000
        ).pk
        for name, moment in closing.items()
    }

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    calls = new_apps.get_model("applications", "Call").objects.in_bulk(ids.values())
    last_days = {name: calls[pk].last_day for name, pk in ids.items()}
    assert last_days == {
        "midnight": date(2027, 2, 28),
        "a minute before midnight": date(2027, 2, 28),
        "midnight when summer time begins": date(2027, 3, 28),
        "at noon": date(2027, 2, 28),
    }
    assert {name: calls[pk].closes_at for name, pk in ids.items()} == closing  # nothing else recomputed

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
