"""Every step is recorded: staff see the whole timeline, the organisation a plain-language version."""

from decimal import Decimal

import pytest

from applications.models import DecisionLetter
from tests.factories import ApplicationFactory
from tests.support.process import approve, propose, through_review
from tests.support.worker import wait_until
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_see_every_step_and_the_organisation_sees_its_own(
    client, alice, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("1000.00"))
    approve(application, by=approver)
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    client.force_login(alice)
    client.get(f"/letters/{letter.pk}/download/")

    client.force_login(clerk)
    staff_page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    for step in ["Antrag eingereicht", "Entscheidung vorgeschlagen", "Entscheidung freigegeben", "Bescheid erlassen",
                 "Bescheid heruntergeladen"]:  # fmt: skip
        assert step in staff_page, step
    assert "Clara Kramer" in staff_page and "Anke Vogel" in staff_page
    assert "zuerst heruntergeladen am" in staff_page

    client.force_login(alice)
    own_page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Ihr Antrag ist am" in own_page or "eingegangen" in own_page
    assert "vorgeschlagen" not in own_page
    assert "Clara" not in own_page


def test_applicants_get_403_on_the_staff_application_page(client, alice, organisation):
    application = ApplicationFactory(organisation=organisation, created_by=alice)
    client.force_login(alice)
    assert client.get(f"/staff/applications/{application.pk}/").status_code == 403
