"""A grant's whole life after the decision, in English, in a real browser: money requested → certified → released by
a second person → paid from the SEPA file → a longer period reported → amendment decision by two people → proof of use
with receipts imported from the filled-in template → check with a sample, approved by a second person → hearing →
answer → revocation by two people → repayments with interest until settled → the grant is closed.

The grant (fixture `running`): 2,500 EUR by shortfall financing on one plan line "Honorare" of 3,000 EUR with 500 EUR
own funds, final, with the organisation's bank account. The project cost only 2,000 EUR, so the grant on the actual
figures is 2,000 − 500 = 1,500 EUR and 2,500 − 1,500 = 1,000 EUR are to be repaid.
"""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.models import BaseRate, ClaimStatus, GrantStatus, PaymentStatus
from tests.e2e.test_full_journey import open_task, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]

AUTHORITY_IBAN = "DE02120300000000202051"
ORGANISATION_IBAN = "DE89370400440532013000"


def main_text(page) -> str:
    """The page's main content as a reader sees it (without the bidi isolation marks)."""
    return " ".join(page.locator("main").inner_text().replace("\u2068", "").replace("\u2069", "").split())


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split())


def test_a_grant_is_paid_amended_proven_partly_reclaimed_repaid_and_closed(
    new_page, running, alice, clerk, approver, payment_officer, tmp_path
):
    grant, application = running, running.application
    # An administrator entered the Bundesbank's base rates of 2026 (needed for the interest on the repayment).
    BaseRate.objects.create(valid_from=date(2026, 1, 1), rate=Decimal("1.27"))
    BaseRate.objects.create(valid_from=date(2026, 7, 1), rate=Decimal("1.27"))
    # The authority's own account, the debtor of the payment file, as entered in the administration.
    authority = grant.programme.authority
    authority.account_holder, authority.iban = "Landeshauptkasse Bremen", AUTHORITY_IBAN
    authority.full_clean()
    authority.save()
    for person in (alice, clerk, approver, payment_officer):
        person.language = "en"
        person.save()
    today = timezone.localdate()
    application_url = f"/applications/{application.pk}/"

    member = new_page(locale="en-GB")
    sign_in(member, alice.email)
    office = new_page(locale="en-GB")
    sign_in(office, clerk.email)
    boss = new_page(locale="en-GB")
    sign_in(boss, approver.email)
    cashier = new_page(locale="en-GB")
    sign_in(cashier, payment_officer.email)

    # 1. The representative requests the whole grant.
    member.goto(application_url)
    assert "Grant of 2,500.00 EUR" in main_text(member)
    member.get_by_role("link", name="Request money").click()
    member.get_by_label("Amount (EUR)").fill("2,500.00")
    member.get_by_label("What is the money for?").fill("Fees for the trainers of the language café")
    member.get_by_label("When will you spend it?").fill(grant.period_start.isoformat())
    member.get_by_role("button", name="Send the request").click()
    member.get_by_text("Your payment request was sent").wait_for()
    assert "Requested, waiting for the office 2,500.00 EUR" in main_text(member)

    # 2. The clerk certifies it as factually correct; 3. the payment officer, a second person, releases it.
    open_task(office, "Certify the payment as factually correct")
    assert "2,500.00" in main_text(office)
    office.get_by_label("Certify as correct").check()
    office.get_by_role("button", name="Save").click()
    office.get_by_text("Your decision on the payment was recorded.").wait_for()
    open_task(cashier, "Certify arithmetically and release the payment")
    cashier.get_by_label("Certify as correct").check()
    cashier.get_by_role("button", name="Save").click()
    cashier.get_by_text("Your decision on the payment was recorded.").wait_for()

    # 4. The payment officer downloads the SEPA file and records the payment as paid.
    cashier.goto("/staff/payments/")
    assert ORGANISATION_IBAN in main_text(cashier) and "2,500.00 EUR" in main_text(cashier)
    with cashier.expect_download() as download_info:
        cashier.get_by_role("link", name="SEPA file (pain.001)").click()
    sepa = open(download_info.value.path(), encoding="utf-8").read()
    assert "pain.001" in sepa and "2500.00" in sepa
    assert ORGANISATION_IBAN in sepa and AUTHORITY_IBAN in sepa
    cashier.locator("input[name=payments]").check()
    cashier.get_by_label("Paid on").fill(today.isoformat())
    cashier.get_by_role("button", name="Record as paid").click()
    cashier.get_by_text("1 payments were recorded as paid.").wait_for()
    assert "No released payments are waiting." in main_text(cashier)
    member.goto(application_url)
    page = main_text(member)
    assert "Paid out 2,500.00 EUR" in page and "Left to request 0.00 EUR" in page
    assert "Request money" not in page

    # 5. The project takes two months longer: beyond the tolerance, so an amendment decision by two people.
    new_end = grant.period_end + timedelta(days=61)
    member.get_by_role("link", name="Report a change to the project").click()
    member.get_by_label("the project takes longer (period extended)").check()
    member.get_by_label("What changes, and why?").fill("The hall is closed for renovation; the last meetings move.")
    member.get_by_label("New end of the project (only if it takes longer)").fill(new_end.isoformat())
    member.get_by_role("button", name="Send the report").click()
    member.get_by_text("Your report was sent.").wait_for()

    open_task(office, "Assess the reported change")
    page = main_text(office)
    assert "Beyond the tolerance of ANBest-P Nr. 1.2" in page and "The period changes." in page
    office.get_by_label("Beyond the tolerance: propose an amendment decision").check()
    office.get_by_label("Amended grant (EUR)").fill("2,500.00")
    office.get_by_role("button", name="Save").click()
    office.get_by_text("Your assessment was recorded.").wait_for()
    open_task(boss, "Approve the amendment decision")
    boss.get_by_label("Approve and issue the amendment decision").check()
    boss.get_by_role("button", name="Save").click()
    boss.get_by_text("Your decision was recorded.").wait_for()

    member.goto(application_url)
    amendment_link = member.get_by_role("link", name=re.compile("^amendment decision"))
    amendment_link.wait_for()
    with member.expect_download() as download_info:
        amendment_link.click()
    assert "Änderungsbescheid" in pdf_text(download_info.value.path())
    member.goto(application_url)
    page = main_text(member)
    assert f"to {new_end:%m/%d/%Y}." in page  # the amended approval period (English short dates: m/d/Y)
    assert "amendment decision (Änderungsbescheid)" in page

    # 6. The proof of use: report, actual figures, receipts imported from the downloaded XLSX template.
    member.get_by_role("link", name=re.compile("^Write the proof of use")).click()
    member.get_by_label("Narrative report").fill("Twelve meetings with 20 parents; the trainers' fees were lower.")
    member.locator("input[name=purpose_achieved][value=yes]").check()
    member.get_by_role("button", name="Save and continue").click()
    member.get_by_label(re.compile("^Line 1: .* actual costs")).fill("2,000.00")
    member.get_by_label("Own funds actually used (EUR)").fill("500.00")
    member.get_by_label("Third-party funds actually received (EUR)").fill("0")
    member.get_by_role("button", name="Save and continue").click()
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Template as Excel workbook (XLSX)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    sheet = workbook["Belegliste"]
    plan_line_label = workbook["Planpositionen"]["A2"].value
    day = today - timedelta(days=5)
    for number, (payee, amount) in enumerate(
        (("Trainerin Ayşe", 500), ("Trainerin Maria", 500), ("Trainer Ali", 600), ("Bürgerhaus", 400)), start=4
    ):  # row 3 is the example row, which the import skips
        for column, value in enumerate((day, payee, "Honorar", amount, plan_line_label), start=1):
            sheet.cell(row=number, column=column, value=value)
    filled = tmp_path / "belegliste.xlsx"
    workbook.save(filled)
    member.get_by_label("Filled-in receipt list (XLSX or CSV)").set_input_files(str(filled))
    member.get_by_role("button", name="Import the list").click()
    member.get_by_text("4 receipts were imported.").wait_for()
    assert "Bürgerhaus" in main_text(member)
    member.get_by_role("button", name="Continue").click()
    assert "2,000.00" in main_text(member)
    member.locator("input[name=declaration]").check()
    member.get_by_role("button", name="Submit the proof of use").click()
    member.get_by_text("Your proof of use was submitted.").wait_for()
    assert "Proof of use: submitted on" in main_text(member)

    # 7. The clerk records the check (a sample is drawn); a second person approves the result: 1,000 EUR too much.
    open_task(office, "Check the proof of use")
    page = main_text(office)
    assert "3,000.00" in page and "2,000.00" in page and "1,000.00" in page
    office.get_by_label("Record the check and send the result for approval").check()
    for box in office.locator("input[type=checkbox][name^=check_]").all():
        box.check()
    office.get_by_label("Check memo (Prüfvermerk)").fill("Receipts match the list; fees lower than planned.")
    office.get_by_role("button", name="Save").click()
    office.get_by_text("The check was recorded.").wait_for()
    open_task(boss, "Approve the result of the check")
    page = main_text(boss)
    assert "1,000.00" in page
    assert any(name in page for name in ("Trainerin Ayşe", "Trainerin Maria", "Trainer Ali", "Bürgerhaus"))
    boss.get_by_label("Approve and issue the letter").check()
    boss.get_by_role("button", name="Save").click()
    boss.get_by_text("Your decision was recorded.").wait_for()

    # 8. The hearing; the representative answers in the portal.
    open_task(office, "Hear the organisation before reclaiming")
    assert office.get_by_label("Amount to reclaim (EUR)").input_value() in ("1,000.00", "1000.00", "1000,00")
    office.get_by_label("What the office intends, and why").fill(
        "Die Ausgaben lagen 1.000 EUR unter dem Plan; nach ANBest-P Nr. 2 ermäßigt sich die Zuwendung."
    )
    office.get_by_role("button", name="Send the hearing").click()
    office.get_by_text("The hearing was sent to the organisation.").wait_for()
    member.goto(application_url)
    assert "The office intends to reclaim 1,000.00 EUR." in main_text(member)
    member.get_by_role("link", name="Answer the hearing").click()
    member.get_by_label("Your answer").fill("We spent carefully and will pay the money back.")
    member.get_by_role("button", name="Send the answer").click()
    member.get_by_text("Your answer was sent.").wait_for()

    # 9. The revocation: proposed by the clerk, approved by a second person.
    open_task(office, "Propose the revocation, or drop the claim")
    assert "We spent carefully" in main_text(office)
    office.get_by_label("Propose the revocation").check()
    assert office.get_by_label("Grant revoked (EUR)").input_value() in ("1,000.00", "1000.00", "1000,00")
    office.get_by_label("Repay by").fill((today + timedelta(days=30)).isoformat())
    office.get_by_label("Reasons").fill("Die zuwendungsfähigen Ausgaben betrugen 2.000 EUR; die Anhörung ergab nichts.")
    office.get_by_label("Weighing of discretion").fill("Intendiertes Ermessen: keine besonderen Umstände erkennbar.")
    office.get_by_role("button", name="Save").click()
    office.get_by_text("Your proposal was recorded.").wait_for()
    open_task(boss, "Approve the revocation")
    boss.get_by_label("Approve and issue the letter").check()
    boss.get_by_role("button", name="Save").click()
    boss.get_by_text("Your decision was recorded.").wait_for()

    member.goto(application_url)
    assert "1,000.00 EUR plus interest are to be repaid" in main_text(member)
    revocation_link = member.get_by_role("link", name=re.compile("^revocation and repayment decision"))
    with member.expect_download() as download_info:
        revocation_link.click()
    letter = pdf_text(download_info.value.path())
    assert "Widerrufs" in letter
    assert "Der zu erstattende Betrag wird auf 1.000,00 EUR festgesetzt" in letter
    assert "Basiszinssatz jährlich zu verzinsen" in letter

    # 10. The payment officer records the repayments until principal and interest are settled.
    open_task(cashier, "Record the repayments until the claim is settled")
    assert "Principal still owed 1,000.00 EUR" in main_text(cashier)
    cashier.get_by_label("Received on").fill(today.isoformat())
    cashier.get_by_label("Amount received (EUR)").fill("400.00")
    cashier.get_by_role("button", name="Record the repayment").click()
    cashier.get_by_text("the claim is not yet settled").wait_for()
    page = main_text(cashier)
    assert "Repaid so far 400.00 EUR" in page
    # Revoked with effect from the day of payment, repaid the same day: no interest has accrued.
    assert "Principal still owed 600.00 EUR" in page and re.search(r"a year, § 49a\(3\) VwVfG\)? 0\.00 EUR", page)
    cashier.get_by_label("Received on").fill(today.isoformat())
    cashier.get_by_label("Amount received (EUR)").fill("600.00")
    cashier.get_by_role("button", name="Record the repayment").click()
    cashier.get_by_text("the claim is settled and the grant closed").wait_for()

    # 11. The applicant's page: the grant is closed, with the closing notice.
    closing_link = member.get_by_role("link", name=re.compile("^closing notice"))
    for _ in range(20):
        member.goto(application_url)
        if closing_link.count():
            break
        member.wait_for_timeout(250)
    page = main_text(member)
    assert "The grant was closed on" in page and "The repayment was settled on" in page
    with member.expect_download() as download_info:
        closing_link.click()
    assert "Abschlussmitteilung" in pdf_text(download_info.value.path())

    grant.refresh_from_db()
    assert grant.status == GrantStatus.CLOSED
    assert grant.payment_requests.get().status == PaymentStatus.PAID
    assert grant.claims.get().status == ClaimStatus.SETTLED
