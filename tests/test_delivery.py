"""Delivery of decision letters (§ 41(2a) VwVfG): consent at submission, retrieval by a person authorised to
receive letters, the end of the provision after ten days, and the letter sent by post instead.

Alice represents the organisation; Bob is a member, not authorised to receive letters until Alice authorises him.
"""

import html
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications.delivery_rules import delivered_after_posting, delivered_after_retrieval, provision_last_day
from applications.models import ApplicationEvent, DecisionLetter, EventKind
from notifications.models import Notification
from organisations.models import OrganisationEvent
from organisations.services import person
from tests.factories import ApplicationFactory
from tests.support.process import approve, propose, through_review
from workflow.services import application_submit_and_start
from workflow.tasks import letter_provisions_end

pytestmark = pytest.mark.usefixtures("tasks_in_process")  # the letter is rendered and announced in-process


def said(msgid: str, **values) -> str:
    """What a page says in German, from the catalogue."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


def said_block(msgid: str, **values) -> str:
    """A {% blocktranslate %} sentence in German, with its placeholders filled in."""
    with translation.override("de"):
        text = gettext(msgid.replace("{{ ", "%(").replace(" }}", ")s"))
    return text % values


def page_of(response) -> str:
    """The page as read: without line-break hints and the direction isolation of typed names."""
    assert response.status_code == 200, response.status_code
    text = response.content.decode().replace("<wbr>", "").replace("<bdi>", "").replace("</bdi>", "")
    return " ".join(html.unescape(text).replace("\u2068", "").replace("\u2069", "").split())


def german_date(day) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def decided(alice, organisation, call, clerk, approver, programme_admin, reviewer, django_capture_on_commit_callbacks):
    """An approved application whose letter has been rendered and announced to the organisation."""

    def make(*, consent: bool) -> DecisionLetter:
        application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
        application_submit_and_start(application=application, by=alice, delivery_consent=consent)
        through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
        propose(application, by=clerk, amount=Decimal("2500.00"))
        with django_capture_on_commit_callbacks(execute=True):
            approve(application, by=approver)
        return DecisionLetter.objects.get(decision__application=application)

    return make


def download(client, user, letter):
    client.force_login(user)
    response = client.get(f"/letters/{letter.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # reading it to the end closes the file
    letter.refresh_from_db()
    return letter


def applicant_page(client, user, letter) -> str:
    client.force_login(user)
    return page_of(client.get(f"/applications/{letter.decision.application_id}/"))


def test_the_representative_consents_to_electronic_delivery_when_submitting(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)

    form = page_of(client.get(f"/applications/{draft.pk}/submit/"))
    assert "Wir willigen ein, dass uns der Bescheid elektronisch bekannt gegeben wird" in form
    assert said("Deliver the decision to us electronically: we will download it in this portal.") in form

    client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on", "delivery_consent": "on"})

    draft.refresh_from_db()
    assert draft.delivery_consent_by == alice and draft.delivery_consent_at == draft.submitted_at
    assert draft.events.filter(kind=EventKind.DELIVERY_CONSENTED, actor=alice).exists()
    date = timezone.localdate(draft.submitted_at)
    assert said(
        "On %(date)s you consented to receiving the decision electronically, by download in the portal.",
        date=german_date(date),
    ) in page_of(client.get(f"/applications/{draft.pk}/"))


def test_consent_is_optional(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)

    client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"})

    draft.refresh_from_db()
    assert draft.submitted_at is not None
    assert draft.delivery_consent_at is None and draft.delivery_consent_by is None
    assert not draft.events.filter(kind=EventKind.DELIVERY_CONSENTED).exists()


def test_a_download_by_a_member_not_authorised_does_not_deliver_the_letter(client, decided, bob):
    letter = decided(consent=True)
    assert letter.provided_at is not None  # set when the organisation was told the letter is ready

    letter = download(client, bob, letter)

    assert letter.first_downloaded_by == bob and letter.first_downloaded_at is not None
    assert letter.delivered_at is None and letter.retrieved_by is None
    assert ApplicationEvent.objects.filter(
        application=letter.decision.application, kind=EventKind.LETTER_READ_UNAUTHORISED, actor=bob
    ).exists()
    page = applicant_page(client, bob, letter)
    assert "Ihr Herunterladen gibt ihn nicht bekannt: Sie sind nicht empfangsberechtigt." in page
    assert (
        said(
            "You may read the letter, but your download does not deliver it: you are not authorised to receive "
            "letters. A representative can authorise you on the members page."
        )
        in page
    )


def test_a_download_by_the_representative_delivers_the_letter_on_the_next_day(client, decided, alice, bob):
    letter = decided(consent=True)
    download(client, bob, letter)

    letter = download(client, alice, letter)

    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (letter.retrieved_by, letter.delivered_at) == (alice, tomorrow)
    assert letter.first_downloaded_by == bob  # the first download by anyone stays recorded
    page = applicant_page(client, bob, letter)
    assert f"Bekannt gegeben: Der Bescheid gilt am {german_date(tomorrow)} als bekannt gegeben." in page

    download(client, alice, letter)  # a second download changes nothing
    letter.refresh_from_db()
    assert letter.delivered_at == tomorrow
    assert letter.decision.application.events.filter(kind=EventKind.LETTER_DELIVERED).count() == 1


def test_the_day_after_the_retrieval_is_the_day_in_berlin():
    late_evening_utc = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # already 10 March in Berlin
    assert delivered_after_retrieval(late_evening_utc).isoformat() == "2026-03-11"


def test_once_authorised_a_member_s_download_delivers_the_letter(client, decided, alice, bob, organisation):
    letter = decided(consent=True)
    membership = bob.memberships.get(organisation=organisation)
    client.force_login(alice)

    response = client.post(f"/organisation/members/{membership.pk}/letters/", {"may_receive_letters": "yes"})

    assert response.status_code == 302
    members = page_of(client.get("/organisation/members/"))
    assert (
        said_block(
            "{{ actor }} authorised {{ subject }} to receive decision letters.",
            actor=person(alice),
            subject=person(bob),
        )
        in members
    )
    assert said("yes, authorised by the representatives") in members
    assert OrganisationEvent.objects.filter(organisation=organisation, kind="letters_authorised").exists()

    letter = download(client, bob, letter)

    assert letter.retrieved_by == bob
    assert letter.delivered_at == timezone.localdate() + timedelta(days=1)


def test_only_a_representative_authorises_members(client, bob, alice, organisation):
    membership = bob.memberships.get(organisation=organisation)
    client.force_login(bob)

    response = client.post(f"/organisation/members/{membership.pk}/letters/", {"may_receive_letters": "yes"})

    assert response.status_code == 403
    membership.refresh_from_db()
    assert not membership.may_receive_letters


def test_a_letter_not_retrieved_within_ten_days_goes_to_the_office_and_a_later_retrieval_does_not_deliver(
    client, decided, alice, clerk, programme_admin
):
    letter = decided(consent=True)
    ten_days_ago = timezone.now() - timedelta(days=10)
    DecisionLetter.objects.filter(pk=letter.pk).update(provided_at=ten_days_ago)
    assert letter_provisions_end() == 0  # the tenth day after the notification is today: still running

    DecisionLetter.objects.filter(pk=letter.pk).update(provided_at=ten_days_ago - timedelta(days=1))
    assert letter_provisions_end() == 1
    assert letter_provisions_end() == 0  # a repeated run changes nothing

    letter.refresh_from_db()
    assert letter.provision_ended_at is not None
    told = Notification.objects.filter(event="letter_to_post").values_list("recipient__email", flat=True)
    assert sorted(told) == sorted([clerk.email, programme_admin.email])

    letter = download(client, alice, letter)
    assert letter.delivered_at is None and letter.retrieved_by is None
    assert said(
        "Nobody authorised to receive letters downloaded it within ten days, so the office sends the letter by "
        "post. The copy here is for your information: downloading it no longer delivers the letter."
    ) in applicant_page(client, alice, letter)

    client.force_login(clerk)
    staff_page = page_of(client.get(f"/staff/applications/{letter.decision.application_id}/"))
    assert "per Post zu versenden" in staff_page
    assert said("Record the posting") in staff_page


def test_the_ten_days_end_with_the_tenth_day_after_the_notification_in_berlin():
    notified = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already 3 March in Berlin
    assert provision_last_day(notified).isoformat() == "2026-03-13"


def test_recording_the_posting_delivers_the_letter_four_days_later(client, decided, alice, clerk, settings):
    assert settings.POSTAL_DELIVERY_DAYS == 4
    letter = decided(consent=False)
    posted = timezone.localdate()
    client.force_login(clerk)

    response = client.post(
        f"/staff/applications/{letter.decision.application_id}/letters/{letter.pk}/posted/",
        {"posted_on": posted.isoformat()},
    )

    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.posted_on, letter.posted_by) == (posted, clerk)
    assert letter.delivered_at == posted + timedelta(days=4) == delivered_after_posting(posted)
    assert said_block(
        "The office sent the letter by post on {{ posted }}; it counts as delivered on {{ date }}.",
        posted=german_date(posted),
        date=german_date(posted + timedelta(days=4)),
    ) in applicant_page(client, alice, letter)
    assert not DecisionLetter.objects.filter(pk=letter.pk, retrieved_at__isnull=False).exists()


def test_a_reviewer_cannot_record_a_posting(client, decided, reviewer):
    letter = decided(consent=False)
    client.force_login(reviewer)

    response = client.post(
        f"/staff/applications/{letter.decision.application_id}/letters/{letter.pk}/posted/",
        {"posted_on": timezone.localdate().isoformat()},
    )

    assert response.status_code in (403, 404)
    letter.refresh_from_db()
    assert letter.posted_on is None


def test_without_consent_the_letter_is_to_be_posted_at_once(client, decided, alice, clerk, programme_admin):
    letter = decided(consent=False)

    assert letter.provided_at is None
    told = Notification.objects.filter(event="letter_to_post").values_list("recipient__email", flat=True)
    assert sorted(told) == sorted([clerk.email, programme_admin.email])
    assert letter.decision.application.events.filter(kind=EventKind.LETTER_TO_POST).exists()

    letter = download(client, alice, letter)
    assert letter.delivered_at is None  # without consent a download never delivers
    assert said(
        "You did not consent to electronic delivery, so the office sends the letter by post. The copy here is for "
        "your information."
    ) in applicant_page(client, alice, letter)

    client.force_login(clerk)
    work_list = page_of(client.get("/staff/"))
    assert said("Letters to send by post") in work_list
    assert letter.decision.application.reference in work_list
