"""A member of another organisation never sees an application: every page and download is a 404."""

from decimal import Decimal

import pytest

from applications.models import DecisionLetter
from tests.factories import ApplicationFactory
from tests.support.process import approve, propose, through_review
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def decided(alice, organisation, clerk, approver, background_worker, programme_admin, reviewer):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("900.00"))
    approve(application, by=approver)
    from tests.support.worker import wait_until

    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    return application, letter


def test_a_member_of_another_organisation_gets_404_everywhere(client, decided, charlie, organisation, alice):
    application, letter = decided
    draft = ApplicationFactory(organisation=organisation, created_by=alice, title="Unser Entwurf")
    client.force_login(charlie)
    urls = [
        f"/applications/{application.pk}/",
        f"/applications/{application.pk}/edit/",
        f"/applications/{application.pk}/submit/",
        f"/applications/{draft.pk}/",
        f"/applications/{draft.pk}/edit/",
        f"/applications/{draft.pk}/edit/project/",
        f"/applications/{draft.pk}/edit/costs/",
        f"/applications/{draft.pk}/edit/financing/",
        f"/applications/{draft.pk}/submit/",
        f"/applications/{draft.pk}/withdraw/",
        f"/letters/{letter.pk}/download/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/applications/{draft.pk}/edit/project/", {"title": "übernommen"}).status_code == 404
    assert client.post(f"/applications/{draft.pk}/withdraw/", {}).status_code == 404
    assert client.post(f"/applications/{draft.pk}/submit/", {"confirm": "on"}).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Unser Entwurf"
    letter.refresh_from_db()
    assert letter.first_downloaded_at is None


def test_the_dashboard_lists_only_the_own_organisations_applications(client, decided, charlie):
    application, _ = decided
    client.force_login(charlie)
    assert application.title not in client.get("/").content.decode()


def test_members_of_the_organisation_see_and_download(client, decided, bob):
    application, letter = decided
    client.force_login(bob)
    assert client.get(f"/applications/{application.pk}/").status_code == 200
    response = client.get(f"/letters/{letter.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_applicant_gets_403_on_staff_pages(client, alice):
    client.force_login(alice)
    assert client.get("/staff/").status_code == 403
    assert client.get("/staff/tasks/1/").status_code == 403


def test_switching_to_an_organisation_one_does_not_belong_to_is_refused(client, alice, charlie):
    other = charlie.memberships.get().organisation
    client.force_login(alice)
    assert client.post("/organisation/choose/", {"organisation": other.pk}).status_code == 404


def test_a_submitted_application_cannot_move_to_another_call_or_organisation_in_the_admin(client, alice, call):
    from tests.factories import ApplicationFactory, UserFactory
    from workflow.services import application_submit_and_start

    admin_user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    draft = ApplicationFactory(organisation=alice.memberships.get().organisation, call=call, created_by=alice)
    client.force_login(admin_user)
    assert 'name="call"' in client.get(f"/admin/applications/application/{draft.pk}/change/").content.decode()
    application_submit_and_start(application=draft, by=alice)
    page = client.get(f"/admin/applications/application/{draft.pk}/change/").content.decode()
    assert 'name="call"' not in page and 'name="organisation"' not in page
    assert 'name="programme"' not in client.get(f"/admin/applications/call/{call.pk}/change/").content.decode()
