"""The members pages in a real browser: no axe violations, nothing scrolls sideways on a phone, and an invitation
travels from a representative's form through the e-mail to the invited person's account."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from organisations.models import Membership, MembershipRole
from organisations.selectors import invitation_path
from organisations.services import invitation_send
from tests.e2e.test_accessibility import check, violations
from tests.e2e.test_thin_process import log_in
from tests.factories import UserFactory
from usertext.text import isolated

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]

MEMBERS = "/organisation/members/"
LONG_ADDRESS = "someone.with.a.rather.long.address@example-organisation.org"
PAGE_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def said(msgid: str, **values) -> str:
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture
def dana(db):
    return UserFactory(email="dana.yilmaz@example.org", first_name="Dana", last_name="Yılmaz")


def test_members_and_invitation_pages_have_no_violations_and_fit_a_phone(
    new_page, alice, bob, charlie, organisation, dana
):
    invitation = invitation_send(
        organisation=organisation, by=alice, email=dana.email, role=MembershipRole.MEMBER, language="de"
    )
    link = invitation_path(invitation)
    long_address = invitation_send(
        organisation=organisation, by=alice, email=LONG_ADDRESS, role=MembershipRole.MEMBER, language="de"
    )
    bob_membership = Membership.objects.get(user=bob)

    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, alice.email)
    for url in [MEMBERS, f"{MEMBERS}{bob_membership.pk}/remove/", f"{MEMBERS}leave/"]:
        check(page, url)
        assert page.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, url

    def bad_address(p):
        p.get_by_label(said("E-mail address"), exact=True).fill("dana-at-example")
        p.get_by_role("button", name=said("Send invitation")).click()
        p.locator(".error-summary").wait_for()

    check(page, MEMBERS, post=bad_address)

    def last_representative_leaves(p):
        p.locator("main form button[type=submit]").last.click()
        p.locator("#refusal").wait_for()

    check(page, f"{MEMBERS}leave/", post=last_representative_leaves)

    anonymous = new_page()
    anonymous.set_viewport_size({"width": 360, "height": 740})
    check(anonymous, link)
    assert anonymous.evaluate(PAGE_SCROLLS_SIDEWAYS) is False
    check(anonymous, MEMBERS + "join/made-up/")

    check(anonymous, invitation_path(long_address))
    assert anonymous.evaluate(PAGE_SCROLLS_SIDEWAYS) is False

    for user in (dana, charlie):  # the invited account, and a wrong one
        other = new_page()
        other.set_viewport_size({"width": 360, "height": 740})
        log_in(other, user.email)
        for url in (link, invitation_path(long_address)):
            check(other, url)
            assert other.evaluate(PAGE_SCROLLS_SIDEWAYS) is False, (user, url)

    plain_member = new_page()
    log_in(plain_member, bob.email)
    check(plain_member, MEMBERS)


def test_a_representative_invites_and_the_invited_person_joins(new_page, alice, organisation, dana):
    representative = new_page()
    log_in(representative, alice.email)
    representative.get_by_role("link", name=said("Members"), exact=True).first.click()
    representative.get_by_label(said("E-mail address"), exact=True).fill("Dana.Yilmaz@example.org")
    representative.get_by_label(said("representative (may sign applications)")).check()
    representative.get_by_role("button", name=said("Send invitation")).click()
    representative.get_by_text(said("An invitation was sent to %(email)s.", email=isolated(dana.email))).wait_for()

    [message] = mail.outbox
    link = re.search(r"/organisation/members/join/\S+/", message.body).group(0)

    invited = new_page()
    invited.goto(link)  # not signed in yet: log in first, then back here
    invited.get_by_role("link", name=said("Log in"), exact=True).last.click()
    invited.get_by_label("E-Mail").fill(dana.email)
    invited.get_by_label("Passwort").fill("correct horse battery staple")
    invited.locator("main form button[type=submit]").click()
    invited.wait_for_url(re.compile(re.escape(link) + "$"))
    invited.get_by_role("button", name=said("Join %(organisation)s", organisation=organisation.name)).click()
    invited.wait_for_url(re.compile(MEMBERS + "$"))
    assert "Alice Aydın" in invited.locator(".member-list").inner_text()
    assert violations(invited) == []

    assert Membership.objects.get(user=dana, organisation=organisation).role == MembershipRole.REPRESENTATIVE
    representative.reload()
    assert "Dana Yılmaz" in representative.locator(".member-list").inner_text()
