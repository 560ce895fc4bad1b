"""Grants in their states, for the tests of the life after the decision.

`granted`: an approved application (2,500 EUR) whose letter is rendered but not delivered; `running`: the same
after delivery and the end of the appeal period. Petra is a payment officer; Klaus is clerk and payment officer.
"""

from decimal import Decimal

import pytest

from applications import roles
from applications.delivery import letter_download_record
from applications.models import DecisionLetter
from grants.finality import final_from
from grants.models import Grant
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import approve, propose, through_review
from workflow.grant_services import grant_make_final
from workflow.services import application_submit_and_start

IBAN = "DE89370400440532013000"


@pytest.fixture
def payment_officer(db):
    return UserFactory(email="petra@example.org", first_name="Petra", roles=[roles.PAYMENT_OFFICER])


@pytest.fixture
def clerk_and_payment_officer(db):
    return UserFactory(email="klaus@example.org", first_name="Klaus", roles=[roles.CLERK, roles.PAYMENT_OFFICER])


@pytest.fixture
def granted(alice, organisation, call, clerk, approver, programme_admin, reviewer, django_capture_on_commit_callbacks):
    """An approved application (2,500 EUR) whose letter is rendered; the letter is not yet delivered."""
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    application_submit_and_start(application=application, by=alice, delivery_consent=True)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with django_capture_on_commit_callbacks(execute=True):
        approve(application, by=approver)
    return Grant.objects.get(application=application)


def deliver(grant, user):
    letter = DecisionLetter.objects.get(decision=grant.decision)
    letter_download_record(letter=letter, by=user)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def running(granted, alice):
    """The grant after the letter was delivered and the appeal period ran out; the organisation gave its account."""
    from organisations.services import bank_account_set

    bank_account_set(organisation=granted.organisation, by=alice, holder="Elternverein Bremen e.V.", iban=IBAN)
    letter = deliver(granted, alice)
    assert grant_make_final(grant=granted, today=final_from(letter.delivered_at))
    granted.refresh_from_db()
    return granted
