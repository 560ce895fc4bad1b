"""The thin funding process in a real browser: apply, propose, approve, download the decision letter."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application
from tests.factories import PASSWORD
from tests.support.process import through_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_member_applies_clerk_proposes_approver_approves_member_downloads_the_letter(
    new_page, alice, organisation, call, clerk, approver, programme_admin, reviewer, background_worker, mailbox
):
    start = timezone.localdate() + timedelta(days=30)
    end = start + timedelta(days=120)

    # Alice applies for the open call and submits.
    member = new_page()
    log_in(member, alice.email)
    member.get_by_role("link", name=re.compile(r"^Antrag stellen")).click()
    member.get_by_label("Projekttitel").fill("Hausaufgabenhilfe im Stadtteil")
    member.get_by_label("Kurzbeschreibung").fill("Ehrenamtliche helfen Kindern zweimal pro Woche bei den Hausaufgaben.")
    member.get_by_label("Projektbeginn").fill(start.isoformat())
    member.get_by_label("Projektende").fill(end.isoformat())
    member.get_by_role("button", name="Speichern und weiter").click()

    # Cost plan: 20 hours of fees at 150 EUR and material.
    member.locator("#id_costs-0-description").fill("Honorare Lernbegleitung")
    member.locator("#id_costs-0-quantity").fill("20")
    member.locator("#id_costs-0-unit_price").fill("150,00")
    member.locator("#id_costs-1-category").select_option("material")
    member.locator("#id_costs-1-description").fill("Lernmaterial")
    member.locator("#id_costs-1-quantity").fill("1")
    member.locator("#id_costs-1-unit_price").fill("500")
    member.get_by_role("button", name="Speichern und weiter").click()

    # Financing plan: own funds, and the grant the shortfall method allows is shown before submission.
    member.get_by_label("Eigenmittel (EUR)").fill("300,00")
    member.get_by_label("Beantragte Förderung (EUR)").fill("3.200,00")
    member.get_by_role("button", name="Entwurf speichern").click()
    member.get_by_text("3.200,00 EUR").first.wait_for()
    member.get_by_role("button", name="Speichern und weiter").click()
    member.get_by_role("heading", name="Dokument hochladen").wait_for()
    member.get_by_role("button", name="Speichern und weiter").click()
    member.get_by_label(re.compile("^Wir willigen ein, dass uns der Bescheid elektronisch")).check()
    member.get_by_label("Ich bestätige").check()
    member.get_by_role("button", name="Antrag einreichen").click()
    member.get_by_text("Ihr Antrag wurde eingereicht").wait_for()
    application_url = member.url
    # The completeness check and the review have their own tests; here they run through the services.
    through_review(Application.objects.get(), clerk=clerk, admin=programme_admin, reviewer=reviewer)

    # Clara, a clerk, proposes to approve 3,150 EUR of the 3,200 requested: a partial grant, with its reasons, on
    # eligible costs lowered so that the plan stays fully financed, and the review memo's checks.
    staff = new_page()
    log_in(staff, clerk.email)
    staff.goto("/staff/")  # "My tasks" is empty and links to the tasks waiting to be taken
    staff.get_by_role("link", name=re.compile("Aufgabe wartet darauf, übernommen zu werden")).click()
    staff.get_by_role("link", name=re.compile("Hausaufgabenhilfe im Stadtteil")).click()
    staff.get_by_label("Zuwendung bewilligen").check()
    staff.get_by_label("Zu bewilligender Betrag (EUR)").fill("3.150,00")
    for check in staff.locator("input[type=checkbox][name^=check_]").all():  # the review memo's checks
        check.check()
    staff.get_by_role("button", name="Zur Freigabe senden").click()
    staff.get_by_text("lassen 50,00 EUR der zuwendungsfähigen Ausgaben ungedeckt").first.wait_for()
    assert staff.get_by_label("Zu bewilligender Betrag (EUR)").input_value() == "3.150,00"  # nothing typed is lost
    assert staff.locator("input[type=checkbox][name^=check_]:checked").count() == 7
    staff.get_by_label("Zuwendungsfähige Ausgaben (EUR)").fill("3.450,00")
    staff.get_by_role("button", name="Zur Freigabe senden").click()
    staff.get_by_text("Die Zuwendung liegt unter dem beantragten Betrag").first.wait_for()
    staff.get_by_label("die Haushaltsmittel des Förderaufrufs reichen nicht aus").check()
    staff.get_by_label("Begründung: Sachverhalt").fill(
        "Der Aufruf ist fast ausgeschöpft; das Lernmaterial wird gekürzt."
    )
    staff.get_by_label("Begründung: Ermessenserwägungen").fill("Alle Anträge werden gleichmäßig gekürzt.")
    staff.get_by_role("button", name="Zur Freigabe senden").click()
    staff.get_by_text("Ihr Vorschlag wurde zur Freigabe gesendet").wait_for()

    # Anke, a second person with the approver role, approves.
    boss = new_page()
    log_in(boss, approver.email)
    boss.goto("/staff/queue/")
    boss.get_by_role("link", name=re.compile("Hausaufgabenhilfe im Stadtteil")).click()
    boss.get_by_text("3.150,00 EUR").wait_for()
    boss.get_by_label("Freigeben und Bescheid erlassen").check()
    boss.get_by_role("button", name="Meine Entscheidung speichern").click()
    boss.get_by_text("Ihre Entscheidung wurde gespeichert").wait_for()

    # Alice sees the letter once the worker has rendered it, and downloads it.
    download_link = member.get_by_role("link", name="Bescheid herunterladen (PDF)")
    for _ in range(60):
        member.goto(application_url)
        if download_link.count():
            break
        member.wait_for_timeout(500)
    with member.expect_download() as download_info:
        download_link.click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)

    assert "Zuwendungsbescheid" in text
    assert organisation.name in text
    assert "3.150,00 EUR" in text
