"""Delivery of the letters after the decision (§ 41(2a), (2) VwVfG), by the same rules as the decision letter: provided
for retrieval once rendered, delivered the day after an authorised retrieval within ten days, otherwise posted by the
office and delivered on the fourth day after posting; without consent posted at once. The hearing's time to answer
runs from the delivery of its letter, by whichever way it came.

Alice represents the organisation; Bob is a plain member; the clerk posts letters; the approver and the payment
officer work on the application but may not record postings.
"""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext

from applications.delivery_rules import provision_last_day
from applications.models import EventKind
from grants.claims import answer_period_end, claim_answer, claim_drop, claim_hearing
from grants.errors import ApplicationError
from grants.letters import grant_letter_issue
from grants.models import Claim, ClaimStatus, Grant, GrantLetter, GrantLetterKind, PaymentRequest, PaymentStatus
from grants.tasks import unrendered_letters_sweep
from notifications.models import Notification
from tests.support.process import approve, propose
from workflow.grant_services import claim_answer_and_continue
from workflow.tasks import letter_provisions_end

pytestmark = pytest.mark.usefixtures("tasks_in_process")  # letters are rendered and announced in-process

HEARING = {
    "scope": "partial",
    "grant_amount": Decimal("2500.00"),
    "revoked_amount": Decimal("1000.00"),
    "amount": Decimal("1000.00"),
    "facts": "Die Ausgaben lagen 1.000 EUR unter dem Plan.",
    "answer_by": date(2027, 3, 15),
    "signed_by": "Anke Vogel",
}
CLOSING = {
    "grant_amount": Decimal("2500.00"),
    "final_amount": Decimal("2500.00"),
    "paid": Decimal("2500.00"),
    "result": "confirmed",
    "retain_until": date(2032, 12, 31),
    "signed_by": "Anke Vogel",
}


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


def read(markup: str) -> str:
    """Text as read: without tags and the direction isolation of typed names."""
    markup = strip_tags(markup)
    return " ".join(html.unescape(markup).replace("\u2068", "").replace("\u2069", "").split())


def text_of(response) -> str:
    return read(response.content.decode())


def german_date(day) -> str:
    return day.strftime("%d.%m.%Y")


def kind_name(kind: str) -> str:
    with translation.override("de"):
        return str(capfirst(GrantLetterKind(kind).label))


@pytest.fixture
def grant_of(in_decision, clerk, approver, django_capture_on_commit_callbacks):
    """A grant of 2,500 EUR whose decision letter is out; with or without consent to electronic delivery."""

    def make(*, consent: bool) -> Grant:
        application = in_decision()
        if consent:
            application.delivery_consent_at = timezone.now()
            application.save(update_fields=["delivery_consent_at"])
        propose(application, by=clerk, amount=Decimal("2500.00"))
        with django_capture_on_commit_callbacks(execute=True):
            approve(application, by=approver)
        return Grant.objects.get(application=application)

    return make


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Issue a letter after the decision; it is rendered and the organisation told once the issue commits."""

    def make(grant, kind, context) -> GrantLetter:
        with django_capture_on_commit_callbacks(execute=True):
            letter = grant_letter_issue(grant=grant, kind=kind, context=context)
        letter.refresh_from_db()
        assert letter.rendered_at is not None
        return letter

    return make


def provided_days_ago(letter, days: int) -> GrantLetter:
    """Time travel: the organisation was told about the letter `days` days ago."""
    GrantLetter.objects.filter(pk=letter.pk).update(provided_at=timezone.now() - timedelta(days=days))
    letter.refresh_from_db()
    return letter


def download(client, user, letter) -> GrantLetter:
    client.force_login(user)
    response = client.get(f"/grants/letters/{letter.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    letter.refresh_from_db()
    return letter


def posting_url(letter) -> str:
    return f"/staff/applications/{letter.grant.application_id}/grant-letters/{letter.pk}/posted/"


def applicant_delivery(client, user, letter) -> str:
    """What the organisation's grant section says about the letter's delivery."""
    client.force_login(user)
    page = client.get(f"/applications/{letter.grant.application_id}/").content.decode()
    found = re.search(rf'<p class="kern-body" id="grant-delivery-{letter.pk}">(.*?)</p>', page, re.S)
    assert found, "the letter's delivery is shown"
    return read(found.group(1))


def letters_to_post(client, user) -> str:
    """The work list's section of letters to post ("" when there is none)."""
    client.force_login(user)
    page = client.get("/staff/").content.decode()
    found = re.search(r'<section aria-labelledby="to-post-heading">(.*?)</section>', page, re.S)
    return read(found.group(1)) if found else ""


# The ten days and the post -------------------------------------------------------------------------------------------


def test_a_hearing_letter_not_retrieved_within_ten_days_is_posted_and_delivered_four_days_after_posting(
    client, grant_of, issue, alice, clerk, programme_admin, settings
):
    grant = grant_of(consent=True)
    letter = issue(grant, "hearing", HEARING)
    assert letter.provided_at is not None  # the organisation was told: the ten days run
    assert said_block(
        "Not delivered yet. The letter counts as delivered on the day after a representative, or a member "
        "authorised to receive letters, downloads it by {{ date }}. Otherwise the office sends it by post.",
        date=german_date(provision_last_day(letter.provided_at)),
    ) in applicant_delivery(client, alice, letter)

    tenth_day = letter.provided_at + timedelta(days=10)
    assert letter_provisions_end(now=tenth_day) == 0  # a retrieval on the tenth day still delivers
    assert letters_to_post(client, clerk) == ""

    letter = provided_days_ago(letter, 11)
    assert letter_provisions_end() == 1
    assert letter_provisions_end() == 0  # a repeated run changes nothing
    letter.refresh_from_db()
    assert letter.provision_ended_at is not None and letter.delivered_at is None
    told = Notification.objects.filter(event="letter_to_post", key__startswith=f"grant-letter-to-post:{letter.pk}:")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted([clerk.email, programme_admin.email])
    assert grant.application.events.filter(kind=EventKind.GRANT_LETTER_TO_POST).count() == 1

    page = letters_to_post(client, clerk)
    assert said("Letters to send by post") in page
    since = german_date(timezone.localdate(letter.provision_ended_at))
    assert (
        f"{grant.application.reference} – {kind_name('hearing')}: {grant.application.title}" in page
        and said_block("not retrieved, since {{ at }}", at=since) in page
    )

    posted = timezone.localdate()
    response = client.post(posting_url(letter), {"posted_on": posted.isoformat()})

    assert response.status_code == 302
    letter.refresh_from_db()
    assert settings.POSTAL_DELIVERY_DAYS == 4
    assert (letter.posted_on, letter.posted_by, letter.delivered_at) == (posted, clerk, posted + timedelta(days=4))
    assert grant.application.events.filter(kind=EventKind.GRANT_LETTER_POSTED, actor=clerk).exists()
    assert letters_to_post(client, clerk) == ""
    assert said_block(
        "Posted on {{ posted }} (recorded by {{ by }}); counts as delivered on {{ date }}.",
        posted=german_date(posted),
        by=str(clerk),
        date=german_date(posted + timedelta(days=4)),
    ) in text_of(client.get(f"/staff/applications/{grant.application_id}/"))
    assert said_block(
        "The office sent the letter by post on {{ posted }}; it counts as delivered on {{ date }}.",
        posted=german_date(posted),
        date=german_date(posted + timedelta(days=4)),
    ) in applicant_delivery(client, alice, letter)
    history = text_of(client.get(f"/applications/{grant.application_id}/"))
    today = german_date(timezone.localdate())
    assert said("On %(date)s a letter about your grant went to the office to be sent by post.", date=today) in history
    assert (
        said("On %(date)s the office recorded that it sent a letter about your grant by post.", date=today) in history
    )


def test_a_retrieval_on_the_tenth_day_still_delivers_the_letter_the_next_day(client, grant_of, issue, alice, bob):
    grant = grant_of(consent=True)
    letter = provided_days_ago(issue(grant, "hearing", HEARING), 10)
    assert provision_last_day(letter.provided_at) == timezone.localdate()
    assert letter_provisions_end() == 0

    letter = download(client, bob, letter)  # a plain member may read; that delivers nothing
    assert letter.delivered_at is None
    letter = download(client, alice, letter)

    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (letter.retrieved_by, letter.delivered_at) == (alice, tomorrow)
    assert letter_provisions_end(now=timezone.now() + timedelta(days=5)) == 0  # delivered: nothing left to end
    assert grant.application.events.filter(kind=EventKind.GRANT_LETTER_DELIVERED, actor=alice).count() == 1
    assert said_block(
        "Delivered: the letter counts as delivered on {{ date }}.", date=german_date(tomorrow)
    ) in applicant_delivery(client, alice, letter)


def test_a_retrieval_after_the_provision_ended_does_not_deliver_the_letter(client, grant_of, issue, alice, clerk):
    grant = grant_of(consent=True)
    letter = provided_days_ago(issue(grant, "revocation", revocation_context()), 11)
    assert letter_provisions_end() == 1

    letter = download(client, alice, letter)

    assert (letter.retrieved_at, letter.retrieved_by, letter.delivered_at) == (None, None, None)
    assert not grant.application.events.filter(kind=EventKind.GRANT_LETTER_DELIVERED).exists()
    assert said(
        "Nobody authorised to receive letters downloaded it within ten days, so the office sends the letter by "
        "post. The copy here is for your information: downloading it no longer delivers the letter."
    ) in applicant_delivery(client, alice, letter)
    client.force_login(clerk)
    staff_page = text_of(client.get(f"/staff/applications/{grant.application_id}/"))
    assert said("to be sent by post") in staff_page and said("Record the posting") in staff_page


def test_without_consent_a_letter_is_to_be_posted_at_once(client, grant_of, issue, alice, clerk, programme_admin):
    grant = grant_of(consent=False)
    letter = issue(grant, "closing", CLOSING)

    assert letter.provided_at is None
    told = Notification.objects.filter(event="letter_to_post", key__startswith=f"grant-letter-to-post:{letter.pk}:")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted([clerk.email, programme_admin.email])
    assert all(n.context["letter_kind"] == "closing" and not n.context["not_retrieved"] for n in told)
    assert Notification.objects.get(event="grant_letter_available", recipient=alice).context["by_post"] is True
    assert grant.application.events.filter(kind=EventKind.GRANT_LETTER_TO_POST).count() == 1

    page = letters_to_post(client, clerk)
    assert f"{grant.application.reference} – {kind_name('closing')}: {grant.application.title}" in page
    assert said_block("no consent, since {{ at }}", at=german_date(timezone.localdate(letter.created))) in page
    assert letter_provisions_end(now=timezone.now() + timedelta(days=30)) == 0  # nothing was provided

    letter = download(client, alice, letter)
    assert letter.delivered_at is None  # without consent a download never delivers
    assert said(
        "You did not consent to electronic delivery, so the office sends the letter by post. The copy here is for "
        "your information."
    ) in applicant_delivery(client, alice, letter)


def test_a_letter_rendered_but_never_announced_is_provided_by_the_sweep(client, grant_of, issue, alice):
    grant = grant_of(consent=True)
    letter = issue(grant, "hearing", HEARING)
    GrantLetter.objects.filter(pk=letter.pk).update(provided_at=None)  # the task stopped after rendering
    Notification.objects.filter(event="grant_letter_available").delete()

    assert unrendered_letters_sweep(grace=timedelta(0)) == 1

    letter.refresh_from_db()
    assert letter.provided_at is not None
    assert Notification.objects.filter(event="grant_letter_available", recipient=alice).count() == 1
    assert unrendered_letters_sweep(grace=timedelta(0)) == 0


# Recording the posting -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "The date of posting cannot be in the future."),
        (-1, "The letter cannot have been posted before it was issued."),
    ],
)
def test_a_wrong_posting_date_is_refused_next_to_the_field_with_the_input_kept(
    client, grant_of, issue, clerk, days, message
):
    letter = issue(grant_of(consent=False), "closing", CLOSING)
    typed = (timezone.localdate() + timedelta(days=days)).isoformat()
    client.force_login(clerk)

    response = client.post(posting_url(letter), {"posted_on": typed})

    assert response.status_code == 400
    page = response.content.decode()
    field = f"id_grant-letter-{letter.pk}_posted_on"
    error = re.search(rf'<p class="kern-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and said(message) in html.unescape(error.group(1))
    assert re.search(rf'<input[^>]*value="{typed}"[^>]*id="{field}"', page)
    assert f'action="{posting_url(letter)}"' in page
    letter.refresh_from_db()
    assert letter.posted_on is None and letter.delivered_at is None


def test_a_posting_date_that_is_no_date_is_refused_next_to_the_field(client, grant_of, issue, clerk):
    letter = issue(grant_of(consent=False), "closing", CLOSING)
    client.force_login(clerk)

    response = client.post(posting_url(letter), {"posted_on": "31.02.2027"})

    assert response.status_code == 400
    field = f"id_grant-letter-{letter.pk}_posted_on"
    error = re.search(rf'<p class="kern-error" id="{field}-error">(.*?)</p>', response.content.decode(), re.S)
    assert error and said("Enter a date, for example 31.03.2027.") in html.unescape(error.group(1))
    assert 'value="31.02.2027"' in response.content.decode()


@pytest.mark.parametrize("who", ["approver", "payment_officer"])
def test_staff_without_the_permission_cannot_record_a_posting(client, grant_of, issue, who, request):
    letter = issue(grant_of(consent=False), "closing", CLOSING)
    user = request.getfixturevalue(who)
    client.force_login(user)

    page = client.get(f"/staff/applications/{letter.grant.application_id}/")
    assert page.status_code == 200
    assert posting_url(letter) not in page.content.decode()  # no form to record it
    assert letters_to_post(client, user) == ""

    response = client.post(posting_url(letter), {"posted_on": timezone.localdate().isoformat()})

    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.posted_on is None and letter.delivered_at is None


def test_a_letter_of_another_application_cannot_be_posted_through_this_one(client, grant_of, issue, clerk):
    letter = issue(grant_of(consent=False), "closing", CLOSING)
    other = grant_of(consent=False)
    client.force_login(clerk)

    response = client.post(
        f"/staff/applications/{other.application_id}/grant-letters/{letter.pk}/posted/",
        {"posted_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.posted_on is None


# The administrative acts: final one month after delivery, however delivered ----------------------------------------


def revocation_context() -> dict:
    return {
        "scope": "partial",
        "ground": "recalculation",
        "grant_amount": Decimal("2500.00"),
        "revoked_amount": Decimal("1000.00"),
        "effective_on": date(2026, 1, 15),
        "amount": Decimal("1000.00"),
        "repay_by": date(2027, 4, 30),
        "facts": "Die Ausgaben lagen 1.000 EUR unter dem Plan.",
        "weighing": "Intendiertes Ermessen.",
        "known_on": date(2026, 11, 2),
        "signed_by": "Anke Vogel",
    }


def test_a_posted_revocation_becomes_final_one_month_after_its_postal_delivery(client, grant_of, issue, clerk):
    from grants.finality import final_from

    letter = issue(grant_of(consent=False), "revocation", revocation_context())
    posted = timezone.localdate()
    client.force_login(clerk)
    assert client.post(posting_url(letter), {"posted_on": posted.isoformat()}).status_code == 302

    page = text_of(client.get(f"/staff/applications/{letter.grant.application_id}/"))
    assert (
        said_block(
            "Final from {{ date }} unless an appeal is lodged.",
            date=german_date(final_from(posted + timedelta(days=4))),
        )
        in page
    )


# The hearing: the time to answer runs from the delivery of its letter ------------------------------------------------


def test_the_time_to_answer_runs_at_least_two_weeks_from_delivery():
    deadline = date(2027, 3, 15)
    assert answer_period_end(deadline, None) is None  # not delivered: the time has not begun
    assert answer_period_end(deadline, date(2027, 2, 20)) == deadline  # delivered in time: the letter's day
    assert answer_period_end(deadline, date(2027, 3, 10)) == date(2027, 3, 24)  # delivered late: two weeks from then


@pytest.fixture
def heard(running, alice, clerk, django_capture_on_commit_callbacks):
    """A claim whose hearing letter went out today; the grant was paid in full."""
    PaymentRequest.objects.create(
        grant=running,
        number=1,
        amount=running.amount,
        purpose="Honorare",
        needed_on=running.period_start,
        requested_by=alice,
        status=PaymentStatus.PAID,
        paid_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_hearing(
            grant=running,
            by=clerk,
            amount=Decimal("1000.00"),
            known_on=timezone.localdate(),
            text="Die Ausgaben lagen 1.000 EUR unter dem Plan.",
            deadline=timezone.localdate() + timedelta(days=21),
        )
    assert claim.hearing_letter is not None and claim.hearing_letter.provided_at is not None
    return claim


def shift_hearing(claim, *, deadline_days: int, delivered_days: int | None) -> Claim:
    """Time travel: the hearing's deadline and its letter's delivery, in days from today (negative: past)."""
    today = timezone.localdate()
    Claim.objects.filter(pk=claim.pk).update(hearing_deadline=today + timedelta(days=deadline_days))
    delivered = today + timedelta(days=delivered_days) if delivered_days is not None else None
    GrantLetter.objects.filter(pk=claim.hearing_letter.pk).update(delivered_at=delivered)
    return Claim.objects.get(pk=claim.pk)


def test_the_office_cannot_decide_while_the_hearing_letter_is_not_delivered(heard, clerk):
    claim = shift_hearing(heard, deadline_days=-3, delivered_days=None)  # the day in the letter has passed

    with pytest.raises(ApplicationError) as refused:
        claim_drop(claim=claim, by=clerk, reason="Die Antwort hat den Sachverhalt aufgeklärt.")

    assert refused.value.message == gettext(
        "The hearing letter has not been delivered yet: the time to answer runs from its delivery."
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.HEARING


def test_a_hearing_letter_delivered_late_gives_the_organisation_two_weeks_from_its_delivery(
    client, heard, alice, clerk
):
    # The letter said "answer within three weeks", but nobody retrieved it and it was posted: delivered ten days ago.
    claim = shift_hearing(heard, deadline_days=-1, delivered_days=-10)
    until = timezone.localdate() + timedelta(days=4)
    assert claim.answer_until == until

    with pytest.raises(ApplicationError):  # the time to answer still runs
        claim_drop(claim=claim, by=clerk, reason="Keine Antwort.")
    client.force_login(alice)
    page = text_of(client.get(f"/applications/{claim.grant.application_id}/"))
    assert (
        said_block(
            "The office intends to reclaim {{ amount }} EUR. You can answer until and including {{ date }}.",
            amount="1.000,00",
            date=german_date(until),
        )
        in page
    )

    claim_answer_and_continue(claim=claim, by=alice, answer="Wir haben sparsam gewirtschaftet.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.TO_DECIDE and claim.answered_by == alice


def test_once_two_weeks_from_delivery_have_passed_the_hearing_has_ended(heard, alice, clerk):
    claim = shift_hearing(heard, deadline_days=-1, delivered_days=-15)

    with pytest.raises(ApplicationError):
        claim_answer(claim=claim, by=alice, answer="Zu spät.")
    claim_drop(claim=claim, by=clerk, reason="Die Prüfung ergab doch keine Überzahlung.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DROPPED
