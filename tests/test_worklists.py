"""Staff work lists: inbox, queue and done; filters, sorting, batch actions, exports and programme scoping."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import ApplicationStatus
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.support.process import confirm_complete, open_task
from workflow.flows import FundingFlow
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db


def submitted(alice, call, *, organisation=None, title="Sprachcafé für Eltern"):
    organisation = organisation or alice.memberships.first().organisation
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title=title)
    return application_submit_and_start(application=application, by=alice)


def task_links(page: str, tasks) -> list[bool]:
    return [f"/staff/tasks/{task.pk}/" in page for task in tasks]


def test_a_free_task_waits_in_the_queue_moves_to_the_inbox_when_taken_and_to_done_when_finished(
    client, alice, call, clerk
):
    application = submitted(alice, call)
    task = open_task(application, FundingFlow.check_completeness)
    client.force_login(clerk)
    assert task_links(client.get("/staff/queue/").content.decode(), [task]) == [True]
    assert task_links(client.get("/staff/").content.decode(), [task]) == [False]

    response = client.post("/staff/queue/take/", {"tasks": [task.pk], "next": "/staff/queue/"}, follow=True)
    assert "1 Aufgaben übernommen" in response.content.decode() or "took 1 tasks" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == clerk and task.status == STATUS.ASSIGNED
    assert task_links(client.get("/staff/").content.decode(), [task]) == [True]
    assert task_links(client.get("/staff/queue/").content.decode(), [task]) == [False]

    confirm_complete(application, by=clerk)
    done = client.get("/staff/done/").content.decode()
    assert application.reference in done and f"/staff/tasks/{task.pk}/" not in done


def test_taking_several_tasks_skips_those_taken_meanwhile_and_those_the_role_may_not_take(
    client, alice, call, clerk, approver
):
    first, second, third = (submitted(alice, call, title=f"Projekt {n}") for n in range(3))
    tasks = [open_task(a, FundingFlow.check_completeness) for a in (first, second, third)]
    other_clerk = UserFactory(email="carla@example.org", roles=["clerk"])
    confirm_complete(third, by=other_clerk)  # finished by someone else before the batch arrives
    client.force_login(clerk)
    response = client.post("/staff/queue/take/", {"tasks": [t.pk for t in tasks]}, follow=True)
    page = response.content.decode()
    assert [Task.objects.get(pk=t.pk).owner for t in tasks[:2]] == [clerk, clerk]
    assert "1 Aufgaben konnten nicht übernommen werden" in page or "1 tasks could not be taken" in page

    client.force_login(approver)  # approvers may not check completeness
    fourth = open_task(submitted(alice, call, title="Projekt 4"), FundingFlow.check_completeness)
    client.post("/staff/queue/take/", {"tasks": [fourth.pk]})
    fourth.refresh_from_db()
    assert fourth.owner is None and fourth.status == STATUS.NEW


def test_a_batch_without_a_selection_says_so(client, clerk):
    client.force_login(clerk)
    response = client.post("/staff/queue/take/", {"tasks": []}, follow=True)
    assert "Wählen Sie mindestens eine Aufgabe aus" in response.content.decode() or "Select at least one task" in (
        response.content.decode()
    )
    response = client.post("/staff/queue/take/", {"tasks": ["x"]}, follow=True)
    assert response.status_code == 200


def test_reviewers_are_assigned_to_many_applications_at_once(
    client, alice, call, clerk, programme_admin, reviewer, second_reviewer
):
    applications = [submitted(alice, call, title=f"Projekt {n}") for n in range(3)]
    two_reviews = CallFactory(programme__reviewers_required=2)
    needs_two = submitted(alice, two_reviews, title="Braucht zwei")
    for application in [*applications, needs_two]:
        confirm_complete(application, by=clerk)
    tasks = [open_task(a, FundingFlow.assign_reviewers) for a in [*applications, needs_two]]

    client.force_login(programme_admin)
    listing = client.get("/staff/queue/?step=assign_reviewers").content.decode()
    assert 'name="reviewer_1"' in listing
    response = client.post(
        "/staff/assign-reviewers/", {"tasks": [t.pk for t in tasks], "reviewer_1": reviewer.pk}, follow=True
    )
    page = response.content.decode()
    for application in applications:
        assert open_task(application, FundingFlow.review_first).owner == reviewer
        assert application.review_assignments.get(active=True).reviewer == reviewer
    assert needs_two.reference in page and Task.objects.get(pk=tasks[-1].pk).status == STATUS.NEW

    response = client.post(
        "/staff/assign-reviewers/",
        {"tasks": [tasks[-1].pk], "reviewer_1": reviewer.pk, "reviewer_2": second_reviewer.pk},
        follow=True,
    )
    assert open_task(needs_two, FundingFlow.review_second).owner == second_reviewer


def test_only_programme_administrators_assign_reviewers_in_batches(client, alice, call, clerk, reviewer):
    application = submitted(alice, call)
    confirm_complete(application, by=clerk)
    task = open_task(application, FundingFlow.assign_reviewers)
    client.force_login(clerk)
    assert client.post("/staff/assign-reviewers/", {"tasks": [task.pk], "reviewer_1": reviewer.pk}).status_code == 403
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW


def test_filters_narrow_the_list_and_an_invalid_value_is_explained_next_to_its_field(client, alice, call, clerk):
    other_call = CallFactory(programme__title="Stadtteilfonds", title="Aufruf Herbst")
    other_organisation = OrganisationFactory(name="Kulturverein Gröpelingen")
    MembershipFactory(user=alice, organisation=other_organisation, role="representative")
    mine = submitted(alice, call, title="Sprachcafé")
    theirs = submitted(alice, other_call, organisation=other_organisation, title="Nachbarschaftsfest")
    old = submitted(alice, call, title="Alt")
    old_task = open_task(old, FundingFlow.check_completeness)
    Task.objects.filter(pk=old_task.pk).update(created=timezone.now() - timedelta(days=20))
    tasks = [open_task(a, FundingFlow.check_completeness) for a in (mine, theirs)] + [old_task]
    client.force_login(clerk)

    def shown(query):
        return task_links(client.get(f"/staff/queue/?{query}").content.decode(), tasks)

    assert shown("") == [True, True, True]
    assert shown(f"programme={other_call.programme.pk}") == [False, True, False]
    assert shown(f"call={call.pk}") == [True, False, True]
    assert shown("organisation=gröpelingen") == [False, True, False]
    assert shown("due=overdue") == [False, False, True]
    assert shown("step=assign_reviewers") == [False, False, False]
    assert shown("step=check_completeness&organisation=Elternverein") == [True, False, True]

    page = client.get("/staff/queue/").content.decode()
    assert page.index(f"/staff/tasks/{old_task.pk}/") < page.index(f"/staff/tasks/{tasks[0].pk}/")  # most urgent
    page = client.get("/staff/queue/?sort=newest").content.decode()
    assert page.index(f"/staff/tasks/{tasks[1].pk}/") < page.index(f"/staff/tasks/{old_task.pk}/")

    response = client.get("/staff/queue/?programme=abc&organisation=Elternverein")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_programme-error"' in page and 'value="Elternverein"' in page
    assert task_links(page, tasks) == [True, False, True]


def test_exports_contain_exactly_the_filtered_rows_and_defuse_formulas(client, alice, call, clerk):
    formula = OrganisationFactory(name='=HYPERLINK("http://evil")')
    MembershipFactory(user=alice, organisation=formula, role="representative")
    plain = submitted(alice, call, title="Sprachcafé")
    risky = submitted(alice, call, organisation=formula, title="+Rechnung")
    other_call = CallFactory()
    elsewhere = submitted(alice, other_call, title="Woanders")
    client.force_login(clerk)

    response = client.get(f"/staff/queue/export.csv?call={call.pk}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    references = {row[0] for row in rows[1:]}
    assert references == {plain.reference, risky.reference} and elsewhere.reference not in references
    risky_row = next(row for row in rows if row[0] == risky.reference)
    assert risky_row[1] == "'+Rechnung" and risky_row[2].startswith("'=")

    response = client.get(f"/staff/queue/export.xlsx?call={call.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert {row[0] for row in values[1:]} == {plain.reference, risky.reference}
    hostile = [cell for row in sheet.iter_rows() for cell in row if str(cell.value or "").startswith(("=", "+"))]
    assert hostile and all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)  # shown, never run
    assert client.get("/staff/nothing/export.csv").status_code == 404


def test_staff_in_a_programme_team_see_only_that_programme(client, alice, call, clerk, approver):
    other_call = CallFactory(programme__title="Stadtteilfonds")
    ours, theirs = submitted(alice, call), submitted(alice, other_call, title="Anderes Programm")
    tasks = [open_task(a, FundingFlow.check_completeness) for a in (ours, theirs)]
    call.programme.staff.add(clerk)
    client.force_login(clerk)

    assert task_links(client.get("/staff/queue/").content.decode(), tasks) == [True, False]
    assert client.get(f"/staff/applications/{theirs.pk}/").status_code == 404
    # Another programme's task is answered like one that does not exist: a 403 would tell that it exists.
    assert client.get(f"/staff/tasks/{tasks[1].pk}/").status_code == 404
    assert client.get(f"/staff/tasks/{tasks[1].pk}/").status_code == client.get("/staff/tasks/999999/").status_code
    assert client.get(f"/staff/applications/{ours.pk}/").status_code == 200
    rows = b"".join(client.get("/staff/queue/export.csv").streaming_content).decode("utf-8-sig")
    assert ours.reference in rows and theirs.reference not in rows
    client.post("/staff/queue/take/", {"tasks": [tasks[1].pk]})
    assert Task.objects.get(pk=tasks[1].pk).owner is None

    # Staff in no programme team work on every programme.
    office_clerk = UserFactory(email="olga@example.org", roles=["clerk"])
    client.force_login(office_clerk)
    assert task_links(client.get("/staff/queue/").content.decode(), tasks) == [True, True]


@pytest.mark.parametrize(
    "url",
    ["/staff/", "/staff/queue/", "/staff/done/", "/staff/queue/export.csv", "/staff/inbox/export.xlsx"],
)
def test_applicants_get_403_on_every_staff_list(client, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 403


def test_applicants_get_403_on_batch_actions(client, alice, call):
    task = open_task(submitted(alice, call), FundingFlow.check_completeness)
    client.force_login(alice)
    assert client.post("/staff/queue/take/", {"tasks": [task.pk]}).status_code == 403
    assert client.post("/staff/assign-reviewers/", {"tasks": [task.pk]}).status_code == 403
    assert Task.objects.get(pk=task.pk).owner is None


@pytest.mark.parametrize("url", ["/staff/", "/staff/queue/", "/staff/done/"])
def test_list_pages_need_a_constant_number_of_queries(client, django_assert_max_num_queries, alice, call, url):
    """Two data sizes, one bound: the rows cost no query each."""
    from tests.support.process import propose, through_review

    office = UserFactory(email="kim@example.org", roles=["clerk", "approver", "programme administrator", "reviewer"])
    proposer = UserFactory(email="pia@example.org", roles=["clerk"])

    def add(count):
        for n in range(count):
            application = submitted(alice, call, title=f"Projekt {n}")
            if n % 2:
                through_review(application, clerk=office, admin=office, reviewer=office)
                propose(application, by=proposer, amount=application.requested_amount)

    client.force_login(office)
    add(2)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    add(10)
    assert ApplicationStatus.SUBMITTED in set(call.applications.values_list("status", flat=True))
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_a_reviewer_sees_the_application_in_the_list_only_after_declaring_no_conflict(
    client, alice, call, clerk, programme_admin, reviewer
):
    from applications.services import review_declare
    from tests.support.process import assign

    application = submitted(alice, call, title="Geheimes Projekt")
    confirm_complete(application, by=clerk)
    assign(application, by=programme_admin, reviewers=[reviewer])
    client.force_login(reviewer)
    page = client.get("/staff/").content.decode()
    assert "Deutsch-Türkischer Elternverein" in page  # to judge a conflict
    assert "Geheimes Projekt" not in page and application.reference not in page
    assert client.get("/staff/inbox/export.csv").status_code == 403  # the office downloads, reviewers do not

    review_declare(assignment=application.review_assignments.get(), by=reviewer, conflict=False)
    page = client.get("/staff/").content.decode()
    assert "Geheimes Projekt" in page and application.reference in page


def test_only_reviewers_of_the_programme_team_can_be_assigned(
    client, alice, call, clerk, programme_admin, reviewer, second_reviewer
):
    other = CallFactory(programme__title="Stadtteilfonds")
    other.programme.staff.add(second_reviewer)  # works on the other programme only
    application = submitted(alice, call)
    confirm_complete(application, by=clerk)
    task = open_task(application, FundingFlow.assign_reviewers)
    client.force_login(programme_admin)
    page = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert reviewer.email in page and second_reviewer.email not in page
    response = client.post(
        "/staff/assign-reviewers/", {"tasks": [task.pk], "reviewer_1": second_reviewer.pk}, follow=True
    )
    assert "gehört nicht zum Team dieses Programms" in (response.content.decode())
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW


def test_a_control_character_in_a_title_does_not_break_the_spreadsheet(client, alice, call, clerk):
    application = submitted(alice, call, title="Sprach\x0bcafé\x1b")
    client.force_login(clerk)
    response = client.get("/staff/queue/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows if row[0] == application.reference] == ["Sprachcafé"]


def test_a_forged_batch_of_too_many_or_huge_ids_is_refused_politely(client, clerk):
    client.force_login(clerk)
    for ids in ([str(2**70)], [str(n) for n in range(1, 400)]):
        response = client.post("/staff/queue/take/", {"tasks": ids}, follow=True)
        assert response.status_code == 200 and "Aufgaben aus der Liste" in response.content.decode()


@pytest.mark.usefixtures("tasks_in_process")  # the approval's letter task opens the grant
def test_a_task_page_finds_its_task_with_the_process_and_what_it_is_about_in_two_statements(
    django_assert_max_num_queries, running, alice, clerk
):
    """One statement joining every kind of process (about 30 tables) took PostgreSQL longer to plan than these two
    take to run at 100,000 applications; the page still gets the application, call, programme and organisation."""
    from workflow.flows.grant import PaymentFlow
    from workflow.grant_services import payment_request_and_start
    from workflow.selectors import open_task_for_staff, staff_tasks

    payment = payment_request_and_start(
        grant=running, by=alice, amount="100.00", purpose="Honorare", needed_on=running.period_start
    )
    funding = submitted(alice, running.application.call, title="Zweites Projekt")
    list(staff_tasks(clerk))  # the clerk's permissions and programmes are read once per request, before the task
    expected = (running.programme.title_de, running.organisation.name)
    for task_id, kind in [
        (Task.objects.get(flow_task=PaymentFlow.certify, process__paymentprocess__payment=payment).pk, "payment"),
        (open_task(funding, FundingFlow.check_completeness).pk, "application"),
    ]:
        with django_assert_max_num_queries(2):  # the task, then its process with what it is about
            task = open_task_for_staff(clerk, task_id)
            application = task.process.application
            assert (application.call.programme.title_de, application.organisation.name) == expected, kind


def test_in_their_own_programme_a_task_for_another_role_is_refused_not_hidden(client, alice, call, reviewer):
    task = open_task(submitted(alice, call), FundingFlow.check_completeness)
    call.programme.staff.add(reviewer)
    client.force_login(reviewer)

    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 403
