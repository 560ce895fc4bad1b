"""Each person chooses how they get e-mails: at once, a daily summary, or only in the portal; messages with
legal effect always go out at once."""

import pytest

from notifications.models import Notification, NotificationStatus
from notifications.services import notify
from notifications.tasks import send_daily_digests

pytestmark = pytest.mark.django_db(transaction=True)

CONTEXT = {"application_title": "Sprachcafé", "reference": "TH-2026-00001", "organisation": "Verein"}


def test_a_daily_summary_collects_what_is_not_legally_required(client, reviewer, background_worker, mailbox):
    client.force_login(reviewer)
    client.post("/messages/settings/", {"notification_frequency": "daily"})
    reviewer.refresh_from_db()
    assert reviewer.notification_frequency == "daily"

    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="application_withdrawn", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="decision_available", context=CONTEXT, link="/")  # legal effect: at once
    assert mailbox.wait_for(1, subject="Bescheid liegt vor")
    assert not mailbox.matching("Bitte begutachten")

    assert send_daily_digests() == 1
    summary = mailbox.wait_for(1, subject="Ihre Zusammenfassung")[0]
    body = summary.get_body(("plain",)).get_content()
    assert "Bitte begutachten: TH-2026-00001" in body and "Antrag zurückgezogen" in body
    assert send_daily_digests() == 0
    assert len(mailbox.wait_for(2, subject="Ihre Zusammenfassung", timeout=2)) == 1


def test_portal_only_sends_no_mail_but_shows_the_message(client, reviewer, background_worker, mailbox):
    reviewer.notification_frequency = "off"
    reviewer.save()
    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="items_requested", context={**CONTEXT, "message": "x", "deadline": "2027-01-01"})
    assert mailbox.wait_for(1, subject="fehlende Unterlagen")
    assert Notification.objects.get(event="review_assigned").status == NotificationStatus.IN_APP
    assert send_daily_digests() == 0
    assert not mailbox.matching("Bitte begutachten")
    client.force_login(reviewer)
    assert "Bitte begutachten: TH-2026-00001" in client.get("/messages/").content.decode()


def test_a_bad_choice_is_refused_next_to_the_field(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/messages/settings/", {"notification_frequency": "hourly"})
    assert response.status_code == 400
    reviewer.refresh_from_db()
    assert reviewer.notification_frequency == "immediate"
