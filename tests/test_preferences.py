"""Each person chooses how they get e-mails: at once, a daily summary, or only in the portal; messages with
legal effect always go out at once."""

import pytest

from notifications.models import Notification, NotificationPreference, NotificationStatus
from notifications.services import LegallyRequired, notification_preferences_set, notify
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


# Choices per kind of message: a kind without a choice follows the general setting.

OVERDUE = {**CONTEXT, "task_title": "Antrag prüfen", "days": 9, "owner": ""}


def test_a_reviewer_who_wants_reviews_in_the_summary_gets_everything_else_at_once(
    client, reviewer, background_worker, mailbox
):
    client.force_login(reviewer)
    response = client.post(
        "/messages/settings/", {"notification_frequency": "immediate", "event_review_assigned": "daily"}
    )
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=reviewer).values_list("event", "frequency")) == {
        "review_assigned": "daily"
    }

    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="application_withdrawn", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="task_reminder", context=OVERDUE, link="/staff/")
    assert mailbox.wait_for(1, subject="Antrag zurückgezogen")
    assert mailbox.wait_for(1, subject="TH-2026-00001", timeout=5) and len(mailbox.wait_for(2)) == 2
    assert not mailbox.matching("Bitte begutachten")

    assert send_daily_digests() == 1
    summary = mailbox.wait_for(1, subject="Ihre Zusammenfassung")[0]
    body = summary.get_body(("plain",)).get_content()
    assert "Bitte begutachten: TH-2026-00001" in body
    assert "Antrag zurückgezogen" not in body
    assert len(mailbox.wait_for(4, timeout=2)) == 3


def test_a_kind_chosen_for_at_once_goes_out_while_the_rest_waits_for_the_summary(
    client, reviewer, background_worker, mailbox
):
    client.force_login(reviewer)
    client.post("/messages/settings/", {"notification_frequency": "daily", "event_application_withdrawn": "immediate"})
    reviewer.refresh_from_db()

    notify(recipient=reviewer, event="application_withdrawn", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    assert mailbox.wait_for(1, subject="Antrag zurückgezogen")
    assert Notification.objects.get(event="review_assigned").status == NotificationStatus.DIGEST


def test_a_forged_post_cannot_switch_off_a_legally_required_message(client, alice, background_worker, mailbox):
    client.force_login(alice)
    response = client.post(
        "/messages/settings/",
        {"notification_frequency": "off", "event_decision_available": "off", "event_items_requested": "daily"},
    )
    assert response.status_code == 302  # the general choice is saved; the forged fields are not read
    alice.refresh_from_db()
    assert alice.notification_frequency == "off"
    assert not NotificationPreference.objects.filter(user=alice).exists()
    with pytest.raises(LegallyRequired):
        notification_preferences_set(user=alice, frequency="off", per_event={"decision_available": "off"})

    notify(recipient=alice, event="decision_available", context=CONTEXT, link="/")
    notify(recipient=alice, event="application_submitted", context=CONTEXT, link="/")
    assert [m["To"] for m in mailbox.wait_for(1, subject="Bescheid liegt vor")] == [alice.email]
    assert Notification.objects.get(event="application_submitted").status == NotificationStatus.IN_APP


def test_a_stored_choice_for_a_legally_required_message_is_ignored(alice, background_worker, mailbox):
    NotificationPreference.objects.create(user=alice, event="items_requested", frequency="off")
    notify(recipient=alice, event="items_requested", context={**CONTEXT, "message": "x", "deadline": "2027-01-01"})
    assert mailbox.wait_for(1, subject="fehlende Unterlagen")


def test_messages_waiting_for_the_summary_go_out_when_their_kind_is_set_to_at_once(
    client, reviewer, background_worker, mailbox
):
    reviewer.notification_frequency = "daily"
    reviewer.save()
    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    notify(recipient=reviewer, event="application_withdrawn", context=CONTEXT, link="/staff/")
    client.force_login(reviewer)
    client.post("/messages/settings/", {"notification_frequency": "daily", "event_review_assigned": "immediate"})
    assert mailbox.wait_for(1, subject="Bitte begutachten")
    assert Notification.objects.get(event="application_withdrawn").status == NotificationStatus.DIGEST


def test_the_page_offers_a_choice_per_kind_and_shows_legally_required_kinds_as_fixed(client, reviewer):
    reviewer.language = "en"
    reviewer.save()
    NotificationPreference.objects.create(user=reviewer, event="review_assigned", frequency="off")
    client.force_login(reviewer)
    page = client.get("/messages/settings/").content.decode()

    assert 'name="event_review_assigned"' in page and 'name="event_task_reminder"' in page
    assert '<option value="off" selected>' in page  # the saved choice for reviews
    assert "as in my general setting" in page
    assert "Always sent by e-mail at once" in page
    assert "Your decision letter is ready" in page
    assert "the period for an appeal starts when you receive the decision" in page
    for fixed in ("decision_available", "items_requested", "items_reminder", "early_start_decided"):
        assert f'name="event_{fixed}"' not in page


def test_members_of_organisations_are_not_offered_staff_messages(client, alice):
    client.force_login(alice)
    page = client.get("/messages/settings/").content.decode()
    assert 'name="event_application_submitted"' in page
    assert 'name="event_review_assigned"' not in page


def test_a_bad_choice_for_a_kind_is_refused_next_to_it_and_nothing_is_saved(client, reviewer):
    reviewer.language = "en"
    reviewer.save()
    client.force_login(reviewer)
    response = client.post(
        "/messages/settings/", {"notification_frequency": "daily", "event_review_assigned": "hourly"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_event_review_assigned-error"' in page
    assert '<input class="kern-form-check__radio" type="radio" name="notification_frequency" value="daily"' in page
    reviewer.refresh_from_db()
    assert reviewer.notification_frequency == "immediate"
    assert not NotificationPreference.objects.exists()


def test_going_back_to_the_general_setting_removes_the_choice_for_a_kind(client, reviewer):
    NotificationPreference.objects.create(user=reviewer, event="review_assigned", frequency="off")
    client.force_login(reviewer)
    client.post("/messages/settings/", {"notification_frequency": "daily", "event_review_assigned": "general"})
    assert not NotificationPreference.objects.filter(user=reviewer).exists()
    reviewer.refresh_from_db()
    notify(recipient=reviewer, event="review_assigned", context=CONTEXT, link="/staff/")
    assert Notification.objects.get(event="review_assigned").status == NotificationStatus.DIGEST
