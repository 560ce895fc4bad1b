"""Between the approval and the stored letter (rendered in the background) the applicant's page says that the
letter is being prepared, not "download your letter" without one, and tells the page when it is ready."""

from decimal import Decimal

from applications.services import decision_letter_create
from tests.support.process import approve, propose


def approved_without_letter(in_decision, clerk, approver):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    approve(application, by=approver)  # the letter step is queued after the commit; this test never commits
    return application


def test_the_page_says_the_letter_is_being_prepared_until_it_is_stored(client, alice, in_decision, clerk, approver):
    application = approved_without_letter(in_decision, clerk, approver)
    client.force_login(alice)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Ihr Bescheid wird vorbereitet." in page
    assert "Laden Sie Ihren Bescheid herunter." not in page
    assert f'data-status-url="/applications/{application.pk}/letter-status/"' in page
    assert client.get(f"/applications/{application.pk}/letter-status/").json() == {"ready": False}

    decision_letter_create(decision=application.current_decision)

    assert client.get(f"/applications/{application.pk}/letter-status/").json() == {"ready": True}
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Laden Sie Ihren Bescheid herunter." in page
    assert "letter-wait" not in page


def test_another_organisation_cannot_ask_about_the_letter(client, charlie, in_decision, clerk, approver):
    application = approved_without_letter(in_decision, clerk, approver)
    client.force_login(charlie)
    assert client.get(f"/applications/{application.pk}/letter-status/").status_code == 404
