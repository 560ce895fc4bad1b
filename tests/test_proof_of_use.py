"""The organisation proves the use of its grant: report, actual figures, receipts, declaration; reminders before the
due day and the clerks told after it.

The grant: 2,500 EUR on a plan of two lines, 1. Honorare 2,000 EUR and 2. Raummiete 1,000 EUR, with 500 EUR own
funds. Alice represents the organisation, Bob is a plain member, Charlie belongs to another organisation, Clara is
the programme's clerk.
"""

import html
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.errors import ApplicationError, NotAllowed
from applications.models import CostCategory, CostLine, EventKind
from grants.checks import interim_proof_review
from grants.finality import final_from
from grants.models import Grant, ProofKind, ProofStatus, Receipt
from grants.proofs import (
    interim_proofs_due,
    proof_due_on,
    proof_open,
    proof_submission_problems,
    proof_update,
    receipt_add,
)
from grants.tasks import remind_proofs_due
from notifications.models import Notification
from notifications.services import notification_render
from tests.factories import ApplicationFactory
from tests.support.grant_fixtures import deliver
from tests.support.process import approve, propose, through_review
from workflow.flows.grant import GrantFlow
from workflow.grant_services import grant_make_final, interim_proof_submit_and_continue
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.usefixtures("tasks_in_process")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def said(msgid: str, **values) -> str:
    """What a page says in German (the default language), from the catalogue."""
    from django.utils import translation

    with translation.override("de"):
        text = translation.gettext(msgid)
    return text % values if values else text


def text_of(response) -> str:
    body = response.content.decode().replace("<bdi>", "").replace("</bdi>", "")
    return " ".join(html.unescape(body).replace("\u2068", "").replace("\u2069", "").split())


@pytest.fixture
def grant(
    alice, bob, organisation, call, clerk, approver, programme_admin, reviewer, django_capture_on_commit_callbacks
):
    """Approved, delivered and final: the proof of use may be written."""
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, costs=False)
    CostLine.objects.create(
        application=application, category=CostCategory.STAFF, description="Honorare", quantity=1, unit_price=2000
    )
    CostLine.objects.create(
        application=application, category=CostCategory.RENT, description="Raummiete", quantity=1, unit_price=1000
    )
    application_submit_and_start(application=application, by=alice, delivery_consent=True)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, by=approver)
    grant = Grant.objects.get(application=application)
    letter = deliver(grant, alice)
    assert grant_make_final(grant=grant, today=final_from(letter.delivered_at))
    grant.refresh_from_db()
    return grant


def lines(proof):
    """The proof's plan lines by description."""
    return {line.plan_line.description: line.plan_line for line in proof.lines.select_related("plan_line")}


def url(name, proof, *args):
    return reverse(f"portal:{name}", args=[proof.grant.application_id, proof.pk, *args])


def complete(proof, by):
    """A proof that is complete: report, figures 2,000 + 1,000 EUR, receipts adding up to them."""
    plan = lines(proof)
    proof_update(
        proof=proof,
        by=by,
        report="Zwölf Treffen des Sprachcafés mit 15 Eltern.",
        purpose_achieved=True,
        actual_own_funds=Decimal("500.00"),
        actual_third_party_funds=Decimal("0"),
        actuals={plan["Honorare"].pk: Decimal("2000.00"), plan["Raummiete"].pk: Decimal("1000.00")},
    )
    today = timezone.localdate()
    receipt_add(
        proof=proof,
        by=by,
        date=today,
        payee="Ayşe Demir",
        purpose="Honorar",
        amount="2000.00",
        plan_line=plan["Honorare"],
    )
    receipt_add(
        proof=proof,
        by=by,
        date=today,
        payee="Bürgerhaus",
        purpose="Miete",
        amount="1000.00",
        plan_line=plan["Raummiete"],
    )
    proof.refresh_from_db()


# ----- due dates -------------------------------------------------------------------------------------------------


def test_the_final_proof_is_due_six_months_after_the_period_and_interim_proofs_four_months_after_each_year():
    grant = SimpleNamespace(period_start=date(2026, 9, 1), period_end=date(2028, 8, 31))
    assert proof_due_on(grant) == date(2029, 2, 28)  # 31 August + 6 months: the last day of February
    assert interim_proofs_due(grant) == [date(2027, 4, 30), date(2028, 4, 30)]  # for 2026 and 2027
    within_a_year = SimpleNamespace(period_start=date(2027, 1, 1), period_end=date(2027, 12, 31))
    assert interim_proofs_due(within_a_year) == []
    assert proof_due_on(within_a_year) == date(2028, 6, 30)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    days=st.integers(min_value=0, max_value=1500),
)
def test_there_is_one_interim_proof_per_year_end_within_the_period_due_on_30_april(start, days):
    end = start + timedelta(days=days)
    due = interim_proofs_due(SimpleNamespace(period_start=start, period_end=end))
    assert due == [date(year + 1, 4, 30) for year in range(start.year, end.year)]
    final = proof_due_on(SimpleNamespace(period_start=start, period_end=end))
    assert 181 <= (final - end).days <= 184 and (final.year * 12 + final.month) - (end.year * 12 + end.month) == 6


# ----- the draft and its figures ---------------------------------------------------------------------------------


def test_the_draft_has_one_line_per_plan_line_at_zero_and_is_opened_once(grant):
    proof = proof_open(grant=grant)
    assert proof_open(grant=grant) == proof
    assert proof.due_on == proof_due_on(grant)
    assert sorted((line.plan_line.description, line.actual) for line in proof.lines.select_related("plan_line")) == [
        ("Honorare", Decimal("0.00")),
        ("Raummiete", Decimal("0.00")),
    ]
    assert grant.application.events.filter(kind=EventKind.PROOF_STARTED).count() == 1


def test_a_totals_mismatch_names_the_line_and_the_difference(grant, bob):
    proof = proof_open(grant=grant)
    complete(proof, bob)  # any member may work on the draft
    assert proof_submission_problems(proof) == []
    plan = lines(proof)
    proof_update(proof=proof, by=bob, actuals={plan["Raummiete"].pk: Decimal("1050.00")})
    with translation.override("en"):
        problems = proof_submission_problems(proof)
    assert problems == [
        "For line 2 “Raummiete” the actual costs are 1,050.00 EUR, but the receipts add up to 1,000.00 EUR: "
        "50.00 EUR of receipts are missing."
    ]
    receipt_add(
        proof=proof,
        by=bob,
        date=timezone.localdate(),
        payee="Bürgerhaus",
        purpose="Nebenkosten",
        amount="80.00",
        plan_line=plan["Raummiete"],
    )
    with translation.override("en"):
        assert "30.00 EUR more than the actual costs" in proof_submission_problems(proof)[0]


def test_an_empty_draft_lists_everything_missing(grant):
    proof = proof_open(grant=grant)
    with translation.override("en"):
        problems = " | ".join(proof_submission_problems(proof, declaration=False))
    for missing in (
        "narrative report",
        "purpose",
        "actual costs",
        "own funds",
        "third-party",
        "receipts",
        "declaration",
    ):
        assert missing in problems


def test_interim_proofs_are_opened_once_per_year_end(client, bob, grant):
    from grants.errors import ApplicationError

    Grant.objects.filter(pk=grant.pk).update(period_start=date(2026, 3, 1), period_end=date(2028, 2, 29))
    grant.refresh_from_db()
    first = proof_open(grant=grant, kind=ProofKind.INTERIM)
    assert first.due_on == date(2027, 4, 30)
    assert proof_open(grant=grant, kind=ProofKind.INTERIM, due_on=date(2027, 4, 30)) == first
    second = proof_open(grant=grant, kind=ProofKind.INTERIM, due_on=date(2028, 4, 30))
    assert second != first and second.lines.count() == 2
    with pytest.raises(ApplicationError):
        proof_open(grant=grant, kind=ProofKind.INTERIM, due_on=date(2028, 5, 1))
    client.force_login(bob)
    page = text_of(client.get(reverse("portal:application_detail", args=[grant.application_id])))
    assert said("Write the interim proof of use for %(year)s (due %(date)s)", year=2026, date="30.04.2027") in page
    response = client.get(reverse("portal:interim_proof_start", args=[grant.application_id, 2027]))
    assert response.url == url("proof_step", second, "report")
    assert client.get(reverse("portal:interim_proof_start", args=[grant.application_id, 2029])).status_code == 404


# ----- the pages -------------------------------------------------------------------------------------------------


def test_the_grant_section_links_to_the_proof_with_its_due_date(client, alice, grant):
    client.force_login(alice)
    page = text_of(client.get(reverse("portal:application_detail", args=[grant.application_id])))
    assert said("Write the proof of use (due %(date)s)", date=proof_due_on(grant).strftime("%d.%m.%Y")) in page
    response = client.get(reverse("portal:proof_start", args=[grant.application_id]))
    proof = grant.proofs.get(kind=ProofKind.FINAL)
    assert response.status_code == 302 and response.url == url("proof_step", proof, "report")


def test_report_and_figures_are_saved_and_bad_figures_are_shown_back_with_a_message(client, bob, grant):
    proof = proof_open(grant=grant)
    plan = lines(proof)
    client.force_login(bob)
    response = client.post(
        url("proof_step", proof, "report"),
        {"report": "Zwölf Treffen.", "purpose_achieved": "yes", "spending_note": "", "next": ""},
    )
    assert response.status_code == 302 and response.url == url("proof_step", proof, "figures")
    proof.refresh_from_db()
    assert (proof.report, proof.purpose_achieved) == ("Zwölf Treffen.", True)

    honorare, miete = f"actual_{plan['Honorare'].pk}", f"actual_{plan['Raummiete'].pk}"
    typed = {honorare: "1.980,50", miete: "zwölfhundert", "actual_own_funds": "500", "actual_third_party_funds": "0"}
    response = client.post(url("proof_step", proof, "figures"), {**typed, "save": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="zwölfhundert"' in body and 'value="1.980,50"' in body  # nothing typed is lost
    assert f'id="id_{miete}-error"' in body
    assert proof.lines.get(plan_line=plan["Honorare"]).actual == Decimal("0.00")  # nothing saved

    response = client.post(url("proof_step", proof, "figures"), {**typed, miete: "1.000", "save": ""})
    assert response.status_code == 302
    assert proof.lines.get(plan_line=plan["Honorare"]).actual == Decimal("1980.50")
    assert proof.lines.get(plan_line=plan["Raummiete"]).actual == Decimal("1000.00")
    page = text_of(client.get(url("proof_step", proof, "figures")))
    assert "-19,50" in page  # 1,980.50 actual − 2,000.00 planned


def test_receipts_are_added_changed_and_removed_in_the_table(client, bob, grant):
    proof = proof_open(grant=grant)
    plan = lines(proof)
    client.force_login(bob)
    today = timezone.localdate().isoformat()
    row = {"receipt": "new", "date": today, "payee": "Ayşe Demir", "purpose": "Honorar März"}
    response = client.post(
        url("proof_step", proof, "receipts"), {**row, "amount": "12,5,0", "plan_line": plan["Honorare"].pk}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_amount-error"' in body and 'value="Ayşe Demir"' in body and 'value="12,5,0"' in body
    assert not proof.receipts.exists()

    client.post(url("proof_step", proof, "receipts"), {**row, "amount": "650,00", "plan_line": plan["Honorare"].pk})
    client.post(
        url("proof_step", proof, "receipts"),
        {**row, "payee": "Bürgerhaus", "amount": "400", "plan_line": plan["Raummiete"].pk},
    )
    first, second = proof.receipts.order_by("position")
    assert (first.position, first.amount, second.position, second.payee) == (1, Decimal("650.00"), 2, "Bürgerhaus")

    response = client.post(
        url("proof_step", proof, "receipts"),
        {**row, "receipt": first.pk, "amount": "700,00", "plan_line": plan["Honorare"].pk, "file": _pdf()},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.amount == Decimal("700.00") and first.file

    download = client.get(url("receipt_file", proof, first.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF

    client.post(url("proof_step", proof, "receipts"), {"remove": first.pk})
    assert [(r.position, r.payee) for r in proof.receipts.all()] == [(1, "Bürgerhaus")]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("beleg.pdf", PDF, content_type="application/pdf")


def test_a_receipt_file_that_is_no_pdf_or_image_is_refused_next_to_the_field_and_the_row_kept(client, bob, grant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    proof = proof_open(grant=grant)
    client.force_login(bob)
    response = client.post(
        url("proof_step", proof, "receipts"),
        {
            "receipt": "new",
            "date": timezone.localdate().isoformat(),
            "payee": "Druckerei Nord",
            "purpose": "Flyer",
            "amount": "149,90",
            "plan_line": lines(proof)["Honorare"].pk,
            "file": SimpleUploadedFile("beleg.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_file-error"' in body and 'value="Druckerei Nord"' in body and 'value="149,90"' in body
    assert not proof.receipts.exists()


def _filled_template(client, proof, rows) -> bytes:
    response = client.get(url("receipt_template", proof, "xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Belegliste"]
    assert [cell.value for cell in sheet[2]][:5] == [
        "Datum",
        "Zahlungsempfänger",
        "Zweck",
        "Betrag (EUR)",
        "Planposition",
    ]
    for number, row in enumerate(rows, start=4):  # row 3 is the example, which the import skips
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name="belegliste.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_receipts_are_imported_from_the_downloaded_template_and_replace_the_list(client, bob, grant):
    proof = proof_open(grant=grant)
    plan = lines(proof)
    client.force_login(bob)
    day = timezone.localdate() - timedelta(days=3)
    receipt_add(proof=proof, by=bob, date=day, payee="Alt", purpose="Alt", amount="1", plan_line=plan["Honorare"])

    bad = _filled_template(
        client,
        proof,
        [(day, "Ayşe Demir", "Honorar", 2000, "Honorare"), (day, "Bürgerhaus", "Miete", "viel", "Raummiete")],
    )
    response = client.post(url("proof_step", proof, "receipts"), {"import": "", "file": _upload(bad)})
    assert response.status_code == 400
    page = text_of(response)
    assert "Row 5, amount: 'viel' is not an amount." in page or "Zeile 5" in page
    assert 'id="id_import_file-error"' in response.content.decode()
    assert [r.payee for r in proof.receipts.all()] == ["Alt"]  # all or nothing

    good = _filled_template(
        client,
        proof,
        [(day, "Ayşe Demir", "Honorar", 2000, "Honorare"), (day, "Bürgerhaus", "Miete", 999.5, "2")],
    )
    response = client.post(url("proof_step", proof, "receipts"), {"import": "", "file": _upload(good)})
    assert response.status_code == 302
    assert [(r.position, r.payee, r.amount, r.plan_line.description) for r in proof.receipts.all()] == [
        (1, "Ayşe Demir", Decimal("2000.00"), "Honorare"),
        (2, "Bürgerhaus", Decimal("999.50"), "Raummiete"),
    ]


def test_the_csv_template_lists_the_plan_lines(client, bob, grant):
    proof = proof_open(grant=grant)
    client.force_login(bob)
    response = client.get(url("receipt_template", proof, "csv"))
    content = response.content.decode("utf-8-sig")
    assert "Datum;Zahlungsempfänger;Zweck;Betrag (EUR);Planposition" in content
    assert "Honorare" in content and "Raummiete" in content


def test_another_organisation_gets_404_everywhere(client, charlie, grant, alice):
    proof = proof_open(grant=grant)
    complete(proof, alice)
    receipt = proof.receipts.first()
    client.force_login(charlie)
    for address in (
        reverse("portal:proof_start", args=[grant.application_id]),
        url("proof_step", proof, "report"),
        url("proof_step", proof, "receipts"),
        url("proof_submit", proof),
        url("receipt_template", proof, "xlsx"),
        url("receipt_file", proof, receipt.pk),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("proof_step", proof, "report"), {"report": "fremd"}).status_code == 404
    proof.refresh_from_db()
    assert proof.report != "fremd"


# ----- submitting ------------------------------------------------------------------------------------------------


def test_only_a_representative_submits_with_the_declaration_and_the_check_comes_next(client, alice, bob, grant):
    proof = proof_open(grant=grant)
    complete(proof, bob)
    client.force_login(bob)
    page = text_of(client.get(url("proof_submit", proof)))
    assert (
        said(
            "The proof of use is complete. Only a representative of your organisation may submit it: please ask one of "
            "them to log in and submit."
        )
        in page
    )
    assert client.post(url("proof_submit", proof), {"declaration": "on"}).status_code == 403
    proof.refresh_from_db()
    assert proof.status == ProofStatus.DRAFT

    client.force_login(alice)
    response = client.post(url("proof_submit", proof), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_declaration-error"' in body
    assert "Ich versichere, dass die Ausgaben notwendig waren" in text_of(response)
    proof.refresh_from_db()
    assert proof.status == ProofStatus.DRAFT

    response = client.post(url("proof_submit", proof), {"declaration": "on"})
    assert response.status_code == 302
    proof.refresh_from_db()
    assert (proof.status, proof.submitted_by) == (ProofStatus.SUBMITTED, alice)
    assert grant.application.events.filter(kind=EventKind.PROOF_SUBMITTED, actor=alice).exists()
    assert Task.objects.filter(
        process__grantprocess__grant=grant, flow_task=GrantFlow.check_proof, status=STATUS.NEW
    ).exists()
    detail = text_of(client.get(reverse("portal:application_detail", args=[grant.application_id])))
    assert said("Proof of use: submitted on %(date)s.", date=timezone.localdate().strftime("%d.%m.%Y")) in detail
    shown = client.get(url("proof_submit", proof))
    submitted_on = said("Submitted on %(date)s by %(name)s. Status: %(status)s.").split("%(date)s")[0]
    assert shown.status_code == 200 and submitted_on.strip() in text_of(shown)
    assert 'name="declaration"' not in shown.content.decode()
    # submitted: fixed for the office's check
    client.force_login(bob)
    assert client.get(url("proof_step", proof, "report")).url == url("proof_submit", proof)
    with pytest.raises(ApplicationError, match=said("The proof of use was submitted and can no longer be changed.")):
        proof_update(proof=proof, by=bob, report="später geändert")


def test_an_interim_proof_is_reviewed_by_a_clerk_after_missing_items_were_added(client, alice, bob, clerk, grant):
    """The project runs past the year's end: the interim proof goes to a clerk, who asks for a missing item; the
    organisation adds it and submits again; the clerk records the review and the organisation is told."""
    from workflow.flows.grant import InterimProofFlow

    Grant.objects.filter(pk=grant.pk).update(period_start=date(2026, 3, 1), period_end=date(2027, 6, 30))
    grant.refresh_from_db()
    proof = proof_open(grant=grant, kind=ProofKind.INTERIM)
    complete(proof, bob)
    client.force_login(alice)
    assert client.post(url("proof_submit", proof), {"declaration": "on"}).status_code == 302
    review = Task.objects.get(process__interimproofprocess__proof=proof, flow_task=InterimProofFlow.review)

    client.force_login(clerk)
    page = text_of(client.get(reverse("workflow:task", args=[review.pk])))
    assert "Ayşe Demir" in page and "2.000,00" in page  # the receipts and the figures so far
    response = client.post(reverse("workflow:task", args=[review.pk]), {"action": "request_items", "message": ""})
    assert response.status_code == 400
    assert 'id="id_message-error"' in response.content.decode()
    missing = "Bitte den Mietvertrag für den Raum im Bürgerhaus nachreichen."
    response = client.post(reverse("workflow:task", args=[review.pk]), {"action": "request_items", "message": missing})
    assert response.status_code == 302
    proof.refresh_from_db()
    assert proof.status == ProofStatus.ITEMS_REQUESTED
    told = Notification.objects.get(recipient=alice, event="proof_items_requested")
    assert missing in notification_render(told).body
    from portal.next_step import next_step

    assert next_step(grant.application)["what"] == said(
        "Add the missing items the office asked for to your proof of use and submit it again."
    )

    # The organisation adds the item and submits again; the review comes back to the office.
    proof_update(proof=proof, by=bob, report=proof.report + " Mietvertrag liegt bei.")
    client.force_login(alice)
    assert client.post(url("proof_submit", proof), {"declaration": "on"}).status_code == 302
    again = Task.objects.get(
        process__interimproofprocess__proof=proof, flow_task=InterimProofFlow.review, status=STATUS.NEW
    )
    client.force_login(clerk)
    response = client.post(reverse("workflow:task", args=[again.pk]), {"action": "reviewed", "memo": "  "})
    assert response.status_code == 400 and 'id="id_memo-error"' in response.content.decode()
    memo = "Sachbericht und Zahlen plausibel; Honorare liegen im Plan. Im Verwendungsnachweis Miete prüfen."
    response = client.post(reverse("workflow:task", args=[again.pk]), {"action": "reviewed", "memo": memo})
    assert response.status_code == 302
    proof.refresh_from_db()
    assert (proof.status, proof.reviewed_by, proof.review_memo) == (ProofStatus.CHECKED, clerk, memo)
    assert grant.application.events.filter(kind=EventKind.PROOF_CHECKED, actor=clerk).exists()
    client.force_login(alice)
    detail = text_of(client.get(reverse("portal:application_detail", args=[grant.application_id])))
    assert said("The office reviewed it; nothing more is needed.") in detail
    reviewed = Notification.objects.get(recipient=alice, event="interim_proof_reviewed")
    with translation.override("de"):
        assert "2026" in notification_render(reviewed).body
    # The grant's own process is untouched: the final proof is still to come.
    assert Task.objects.filter(
        process__grantprocess__grant=grant, flow_task=GrantFlow.submit_proof, status=STATUS.NEW
    ).exists()


def test_a_member_without_the_clerks_permission_cannot_review_an_interim_proof(client, alice, bob, grant):
    from workflow.flows.grant import InterimProofFlow

    Grant.objects.filter(pk=grant.pk).update(period_start=date(2026, 3, 1), period_end=date(2027, 6, 30))
    proof = proof_open(grant=Grant.objects.get(pk=grant.pk), kind=ProofKind.INTERIM)
    complete(proof, bob)
    interim_proof_submit_and_continue(proof=proof, by=alice, declaration=True)
    review = Task.objects.get(process__interimproofprocess__proof=proof, flow_task=InterimProofFlow.review)
    client.force_login(alice)
    response = client.post(reverse("workflow:task", args=[review.pk]), {"action": "reviewed", "memo": "gut"})
    assert response.status_code in (403, 404)
    with pytest.raises(NotAllowed):
        interim_proof_review(proof=proof, by=alice, memo="gut")
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SUBMITTED


def test_an_incomplete_proof_cannot_be_submitted(client, alice, grant):
    proof = proof_open(grant=grant)
    client.force_login(alice)
    response = client.post(url("proof_submit", proof), {"declaration": "on"})
    assert response.status_code == 400
    proof.refresh_from_db()
    assert proof.status == ProofStatus.DRAFT and proof.submitted_at is None


# ----- reminders ---------------------------------------------------------------------------------------------------


def _sent(event, kind=ProofKind.FINAL):
    rows = Notification.objects.filter(event=event, context__kind=kind)
    return sorted(rows.values_list("recipient__email", flat=True))


def run_on(day: date) -> None:
    """The daily job, at 6:30 in Bremen on `day`."""
    with time_machine.travel(datetime.combine(day, time(6, 30), tzinfo=ZoneInfo("Europe/Berlin")), tick=False):
        remind_proofs_due()


def test_members_are_reminded_7_and_2_days_before_once_each_and_the_clerk_told_the_day_after(
    grant, alice, bob, clerk, approver
):
    due = proof_due_on(grant)
    run_on(due - timedelta(days=8))
    assert _sent("proof_reminder") == []
    run_on(due - timedelta(days=7))
    run_on(due - timedelta(days=7))
    run_on(due - timedelta(days=5))
    assert _sent("proof_reminder") == ["alice@example.org", "bob@example.org"]
    run_on(due - timedelta(days=2))
    run_on(due - timedelta(days=1))
    run_on(due)
    assert _sent("proof_reminder") == ["alice@example.org"] * 2 + ["bob@example.org"] * 2
    assert _sent("proof_overdue") == []
    run_on(due + timedelta(days=1))
    run_on(due + timedelta(days=2))
    assert _sent("proof_overdue") == ["clara@example.org"]  # the clerk, not the approver
    assert grant.application.events.filter(kind=EventKind.PROOF_OVERDUE, note__startswith="final").count() == 1

    reminder = Notification.objects.filter(event="proof_reminder", recipient=alice).first()
    message = notification_render(reminder)
    assert due.strftime("%d.%m.%Y") in message.subject


def test_no_reminder_once_the_proof_is_submitted(grant, alice, bob):
    proof = proof_open(grant=grant)
    complete(proof, bob)
    from workflow.grant_services import proof_submit_and_continue

    proof_submit_and_continue(proof=proof, by=alice, declaration=True)
    due = proof_due_on(grant)
    run_on(due - timedelta(days=2))
    run_on(due + timedelta(days=1))
    assert _sent("proof_reminder") == [] and _sent("proof_overdue") == []
    assert Receipt.objects.filter(proof=proof).count() == 2


def test_an_imported_purpose_longer_than_the_list_keeps_is_refused_not_cut(grant, bob):
    from grants.proofs import receipts_import

    proof = proof_open(grant=grant)
    day = (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y")
    csv = f"Datum;Zahlungsempfänger;Zweck;Betrag (EUR);Planposition\n{day};Bürgerhaus;{'x' * 301};100,00;2\n"
    with translation.override("en"):
        count, errors = receipts_import(proof=proof, by=bob, file=csv.encode("utf-8"))
    assert count == 0 and [str(e) for e in errors] == ["Row 2, purpose: the text is longer than 300 characters."]
    assert not proof.receipts.exists()
