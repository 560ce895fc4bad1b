"""A new volunteer's whole journey in English, in a real browser: "can we apply?" → registration → application with
cost plan and documents → missing item requested → answered → two reviews → proposal → approval → download."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications.models import DocumentKind, RequiredDocument
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def open_task(page, title):
    """From "My tasks"; a free task is reached through the link to the tasks waiting to be taken."""
    page.goto("/staff/")
    link = page.get_by_role("link", name=re.compile("^" + re.escape(title)))
    if not link.count():
        page.get_by_role("link", name=re.compile("waiting to be taken")).click()
    link.first.click()


def test_a_new_group_gets_from_can_we_apply_to_a_downloaded_decision(
    new_page, call, clerk, approver, programme_admin, reviewer, second_reviewer, background_worker, mailbox, tmp_path
):
    programme = call.programme
    programme.reviewers_required = 2
    programme.save()
    RequiredDocument.objects.create(programme=programme, kind=DocumentKind.PROJECT_DESCRIPTION)
    for staff in (clerk, approver, programme_admin, reviewer, second_reviewer):
        staff.language = "en"
        staff.save()
    start = timezone.localdate() + timedelta(days=30)

    # "Can we apply?" without an account.
    member = new_page(locale="en-GB")
    member.goto("/calls/")
    member.get_by_role("link", name=re.compile("^Can we apply")).first.click()
    member.get_by_label("registered association (e.V.)").check()
    member.get_by_label("Bremen (city)").check()
    member.get_by_role("button", name="Check").click()
    member.get_by_text("Yes, you can apply.").wait_for()
    member.get_by_text("project description").wait_for()

    # Registration with e-mail verification, then the group.
    member.get_by_role("link", name="Register and apply").click()
    member.get_by_label("Email").fill("leyla@example.org")
    member.get_by_label("Password", exact=True).fill("Sprachcafe-2027!")
    member.get_by_label("Password (again)").fill("Sprachcafe-2027!")
    member.locator("main form button[type=submit]").click()
    confirm_link = re.search(
        r"https?://\S+/accounts/confirm-email/\S+", mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    )
    member.goto(confirm_link.group(0))
    member.locator("main form button[type=submit]").click()
    if "/accounts/login" in member.url:
        sign_in(member, "leyla@example.org", "Sprachcafe-2027!")
    member.goto("/")
    member.get_by_role("link", name="Register your group").click()
    member.get_by_label("Name").fill("Elterninitiative Huchting")
    member.get_by_label("registered association (e.V.)").check()
    member.get_by_label("Bremen (city)").check()
    member.get_by_label("Street and number").fill("Kirchhuchtinger Landstraße 12")  # the letter is addressed there
    member.get_by_label("Postcode").fill("28259")
    member.get_by_label("Town").fill("Bremen")
    member.get_by_role("button", name="Register the group").click()

    # The application, step by step.
    member.get_by_role("link", name=re.compile("^Apply")).first.click()
    member.get_by_label("Project title").fill("Homework club")
    member.get_by_label("Summary").fill("Volunteers help children with their homework twice a week.")
    member.get_by_label("Project start").fill(start.isoformat())
    member.get_by_label("Project end").fill((start + timedelta(days=150)).isoformat())
    member.get_by_role("button", name="Save and continue").click()
    member.locator("#id_costs-0-description").fill("Fees for learning coaches")
    member.locator("#id_costs-0-quantity").fill("20")
    member.locator("#id_costs-0-unit_price").fill("150.00")
    member.get_by_role("button", name="Save and continue").click()
    member.get_by_label("Own funds (EUR)").fill("200")
    member.get_by_label("Requested grant (EUR)").fill("2,800.00")
    member.get_by_role("button", name="Save and continue").click()
    pdf = tmp_path / "project.pdf"
    pdf.write_bytes(PDF)
    member.get_by_label("Which document is it?").select_option("project_description")
    member.get_by_label("File").set_input_files(str(pdf))
    member.get_by_role("button", name="Upload", exact=True).click()
    member.get_by_text("The document was uploaded.").wait_for()
    member.get_by_role("button", name="Save and continue").click()
    member.get_by_label(re.compile("^Deliver the decision to us electronically")).check()
    member.get_by_label(re.compile("^I confirm")).check()
    member.get_by_role("button", name="Submit application").click()
    member.get_by_text("Your application was submitted").wait_for()
    application_url = member.url

    # The clerk asks for a missing item; the group answers; the clerk finds it complete.
    staff = new_page(locale="en-GB")
    sign_in(staff, clerk.email)
    open_task(staff, "Check the application for completeness")
    staff.get_by_label("Ask for missing items").check()
    staff.get_by_label("What is missing").fill("Please add how many children take part.")
    staff.get_by_label("Answer by").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    staff.get_by_role("button", name="Save the result").click()

    member.goto(application_url)
    member.get_by_role("link", name="Send the missing items").click()
    member.get_by_text("Please add how many children take part.").wait_for()
    member.get_by_label("Your answer to the office").fill("About 25 children from two primary schools take part.")
    member.get_by_label(re.compile("^I confirm")).check()
    member.get_by_role("button", name="Send to the office").click()
    member.get_by_text("Your answer was sent to the office").wait_for()

    open_task(staff, "Check the application for completeness")
    staff.get_by_text("About 25 children").wait_for()
    staff.get_by_label(re.compile("^Complete")).check()
    staff.get_by_role("button", name="Save the result").click()

    # Two reviewers, each declaring no conflict of interest first.
    admin = new_page(locale="en-GB")
    sign_in(admin, programme_admin.email)
    open_task(admin, "Assign reviewers")
    admin.get_by_label("Reviewer 1").select_option(label=f"{reviewer.get_full_name()} ({reviewer.email})")
    admin.get_by_label("Reviewer 2").select_option(label=f"{second_reviewer.get_full_name()} ({second_reviewer.email})")
    admin.get_by_role("button", name="Assign").click()
    for person in (reviewer, second_reviewer):
        page = new_page(locale="en-GB")
        sign_in(page, person.email)
        open_task(page, "Review the application")
        page.get_by_label(re.compile("^I have no conflict")).check()
        page.get_by_role("button", name="Declare").click()
        for radio in page.locator("input[type=radio][value='4']").all():
            radio.check()
        page.get_by_label("Review memo (Prüfvermerk)").fill("Well planned; costs are plausible.")
        page.locator("input[name=own_funds_counted][value=yes]").check()
        page.locator("input[name=double_funding][value=no]").check()
        page.get_by_role("button", name="Submit the review").click()
        page.get_by_text("your review was submitted").wait_for()

    # Proposal and approval by a second person.
    open_task(staff, "Propose a decision")
    staff.get_by_text("Well planned").first.wait_for()
    staff.get_by_label("approve the grant").check()
    staff.get_by_label("Amount to grant (EUR)").fill("2,800.00")
    for check in staff.locator("input[type=checkbox][name^=check_]").all():  # the review memo's checks
        check.check()
    staff.get_by_role("button", name="Send for approval").click()
    boss = new_page(locale="en-GB")
    sign_in(boss, approver.email)
    open_task(boss, "Approve the decision")
    boss.get_by_label("Approve and issue the letter").check()
    boss.get_by_role("button", name="Record my decision").click()

    # The group downloads the German, binding decision letter.
    download_link = member.get_by_role("link", name="Download the decision letter (PDF)")
    for _ in range(60):
        member.goto(application_url)
        if download_link.count():
            break
        member.wait_for_timeout(500)
    with member.expect_download() as download_info:
        download_link.click()
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read())).pages
    )
    assert "Zuwendungsbescheid" in text
    assert "Elterninitiative Huchting" in text
    assert "2.800,00 EUR" in text
    member.goto(application_url)  # the representative's download delivered it (§ 41(2a) VwVfG)
    assert "Delivered: the letter counts as delivered on" in member.locator("main").inner_text()
