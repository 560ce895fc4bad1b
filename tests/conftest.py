"""Personas and shared fixtures.

Alice represents the organisation "Elternverein"; Bob is a plain member of it; Charlie belongs to another
organisation. Clara is a clerk, Anke an approver, Klaus holds both roles (to test four eyes).
"""

import pytest

from applications import roles
from organisations.models import MembershipRole
from tests.factories import CallFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.support.mailbox import Mailbox
from tests.support.worker import background_worker_for

pytest_plugins = ["tests.support.fixtures", "tests.support.grant_fixtures"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and other cached state never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Deutsch-Türkischer Elternverein Bremen e.V.")


@pytest.fixture
def alice(organisation):
    user = UserFactory(email="alice@example.org", first_name="Alice", last_name="Aydın")
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.REPRESENTATIVE)
    return user


@pytest.fixture
def bob(organisation):
    user = UserFactory(email="bob@example.org", first_name="Bob")
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def charlie(db):
    user = UserFactory(email="charlie@example.org", first_name="Charlie")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Anderer Verein"), role=MembershipRole.REPRESENTATIVE
    )
    return user


@pytest.fixture
def clerk(db):
    return UserFactory(email="clara@example.org", first_name="Clara", last_name="Kramer", roles=[roles.CLERK])


@pytest.fixture
def approver(db):
    return UserFactory(email="anke@example.org", first_name="Anke", last_name="Vogel", roles=[roles.APPROVER])


@pytest.fixture
def clerk_and_approver(db):
    return UserFactory(email="klaus@example.org", first_name="Klaus", roles=[roles.CLERK, roles.APPROVER])


@pytest.fixture
def programme_admin(db):
    return UserFactory(
        email="paul@example.org", first_name="Paul", last_name="Neumann", roles=[roles.PROGRAMME_ADMINISTRATOR]
    )


@pytest.fixture
def reviewer(db):
    return UserFactory(email="ruediger@example.org", first_name="Rüdiger", last_name="Berg", roles=[roles.REVIEWER])


@pytest.fixture
def second_reviewer(db):
    return UserFactory(email="rosa@example.org", first_name="Rosa", last_name="Lehmann", roles=[roles.REVIEWER])


@pytest.fixture
def call(db):
    return CallFactory()


@pytest.fixture
def in_decision(alice, organisation, call, clerk, programme_admin, reviewer):
    """An application that passed the completeness check and one review: the clerk now proposes a decision."""

    def make(**fields):
        from tests.factories import ApplicationFactory
        from tests.support.process import through_review
        from workflow.services import application_submit_and_start

        application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, **fields)
        application_submit_and_start(application=application, by=alice)
        through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
        return application

    return make


@pytest.fixture
def mailbox(settings, smtp_server) -> Mailbox:
    """E-mail goes through a real SMTP server on 127.0.0.1; the test reads what arrived."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def background_worker(request, mailbox):
    """In-process tasks on the embedded default; a real Celery worker on Redis when a broker is configured."""
    return background_worker_for(request)
