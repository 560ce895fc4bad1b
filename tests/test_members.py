"""Members of an organisation: representatives invite by e-mail, the owner of the address joins through the link,
roles change, people leave or are removed; the last representative stays; other organisations see nothing."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import Notification
from organisations.models import Invitation, InvitationMail, Membership, MembershipRole, OrganisationEvent
from organisations.services import invitation_mail_sweep, person
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("tasks_in_process")  # they read what the tasks did

MEMBERS = "/organisation/members/"
LINK = re.compile(r"https?://[^/\s]+(/organisation/members/join/[^\s\"<]+/)")


def said(msgid: str, **values) -> str:
    """What the page says, in German: the test follows the catalogue, whether a string is translated yet or not."""
    with translation.override("de"):
        text = gettext(msgid)
    return text % values if values else text


def page_of(response) -> str:
    """The page as read: without line-break hints and without the isolation of names (tests/test_bidi_isolation.py)."""
    text = response.content.decode().replace("<wbr>", "").replace("<bdi>", "").replace("</bdi>", "")
    return html.unescape(text).replace("\u2068", "").replace("\u2069", "")


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Alice (or whoever is logged in) invites someone; the e-mail goes out after the commit, as in production."""

    def send(email, role="member", language="de"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(MEMBERS + "invite/", {"email": email, "role": role, "language": language})
        if response.status_code == 302:
            client.get(response["Location"])  # reads the confirmation, so it shows to no one else
        return response

    return send


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def dana(db):
    """Invited by Alice, who types her address in other letter cases than the account has."""
    return UserFactory(email="dana.yilmaz@example.org", first_name="Dana", last_name="Yılmaz")


def test_an_invited_person_joins_through_the_link_and_the_representatives_are_told(
    client, alice, bob, organisation, dana, invite, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    assert invite("Dana.Yilmaz@Example.org").status_code == 302
    [message] = mail.outbox
    assert message.to == ["dana.yilmaz@example.org"]
    assert organisation.name in message.subject
    assert "Alice Aydın" in message.body
    link = link_in(message)
    assert LINK.search(message.alternatives[0][0]).group(1) == link
    assert "dana.yilmaz@example.org" in page_of(client.get(MEMBERS))  # listed as open for Alice
    mail.outbox.clear()

    client.force_login(dana)
    invitation_page = client.get(link)
    assert invitation_page.status_code == 200 and organisation.name in page_of(invitation_page)
    with django_capture_on_commit_callbacks(execute=True):
        joined = client.post(link)
    assert joined.status_code == 302 and joined["Location"] == MEMBERS
    assert Membership.objects.get(user=dana, organisation=organisation).role == MembershipRole.MEMBER

    members = page_of(client.get(MEMBERS))
    assert "Dana Yılmaz" in members and "Alice Aydın" in members and organisation.name in members

    notice = Notification.objects.get(event="member_joined")
    assert notice.recipient == alice  # the representative; not Bob, a plain member, nor Dana herself
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "Dana Yılmaz" in mail.outbox[0].subject
    client.force_login(alice)
    assert "Dana Yılmaz" in page_of(client.get("/messages/"))

    # Opening the link again, once a member, just shows the members.
    client.force_login(dana)
    assert client.get(link)["Location"] == MEMBERS
    assert Membership.objects.filter(user=dana).count() == 1


def test_the_invited_role_is_the_role_on_joining(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org", role="representative")
    client.force_login(dana)
    client.post(link_in(mail.outbox[0]))
    assert Membership.objects.get(user=dana, organisation=organisation).role == MembershipRole.REPRESENTATIVE


def test_a_verified_second_address_of_the_account_matches(client, alice, organisation, dana, invite):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=dana, email="dana@verein.example", verified=True)
    client.force_login(alice)
    invite("DANA@verein.example")
    client.force_login(dana)
    assert client.post(link_in(mail.outbox[0])).status_code == 302
    assert Membership.objects.filter(user=dana, organisation=organisation).exists()


def test_someone_not_signed_in_logs_in_and_comes_back_to_the_link(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    link = link_in(mail.outbox[0])
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert "dana.yilmaz@example.org" in page_of(page)  # which address to log in with
    login_url = re.search(r'href="(/accounts/login/\?next=[^"]+)"', page.content.decode()).group(1)
    response = client.post(html.unescape(login_url), {"login": dana.email, "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == link
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=dana, organisation=organisation).exists()


def test_a_newcomer_signs_up_confirms_the_address_and_comes_back_to_the_link(client, alice, organisation, invite):
    client.force_login(alice)
    invite("neu@example.org")
    link = link_in(mail.outbox[0])
    client.logout()
    mail.outbox.clear()

    page = client.get(link).content.decode()
    signup_url = html.unescape(re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page).group(1))
    password = "ein langes Passwort 2026"
    client.post(signup_url, {"email": "neu@example.org", "password1": password, "password2": password})
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    response = client.post(confirm)
    assert response.status_code == 302 and response["Location"] == link
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user__email="neu@example.org", organisation=organisation).exists()


def test_another_account_is_refused_clearly(client, alice, organisation, dana, charlie, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    link = link_in(mail.outbox[0])

    client.force_login(charlie)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        text = page_of(response)
        assert (
            said(
                "This invitation was sent to %(invited)s, but you are signed in as %(email)s. "
                "Log out and sign in with the address the invitation was sent to.",
                invited="dana.yilmaz@example.org",
                email=charlie.email,
            )
            in text
        )
    assert not Membership.objects.filter(user=charlie, organisation=organisation).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_expired_link_is_refused_clearly(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    link = link_in(mail.outbox[0])
    Invitation.objects.update(expires=timezone.now() - timedelta(minutes=1))

    client.force_login(dana)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert 'data-problem="expired"' in response.content.decode()
    assert not Membership.objects.filter(user=dana).exists()
    client.logout()
    assert client.get(link).status_code == 410


def test_an_invitation_is_valid_for_fourteen_days(client, alice, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    invitation = Invitation.objects.get()
    assert invitation.expires - invitation.created == timedelta(days=14)


def test_a_withdrawn_invitation_is_refused_clearly(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert client.post(f"{MEMBERS}invitations/{invitation.pk}/withdraw/").status_code == 302
    open_invitations = page_of(client.get(MEMBERS)).split('id="invitations"')[1].split('id="history"')[0]
    assert "dana.yilmaz@example.org" not in open_invitations

    client.force_login(dana)
    response = client.post(link)
    assert response.status_code == 410
    assert said("The organisation has withdrawn this invitation. Please ask its representative for a new one.") in (
        page_of(response)
    )
    assert not Membership.objects.filter(user=dana).exists()


def test_a_used_link_does_not_work_again(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    link = link_in(mail.outbox[0])
    client.force_login(dana)
    client.post(link)
    client.post(MEMBERS + "leave/")
    assert not Membership.objects.filter(user=dana).exists()

    response = client.post(link)
    assert response.status_code == 410
    assert said("This invitation has already been used. Each invitation link works only once.") in page_of(response)
    assert not Membership.objects.filter(user=dana).exists()


def test_a_made_up_or_replaced_link_is_refused_clearly(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    old = link_in(mail.outbox[0])
    invite("dana.yilmaz@example.org")  # sent again: a new link replaces the old one
    new = link_in(mail.outbox[1])
    assert old != new and Invitation.objects.count() == 1

    client.force_login(dana)
    for link in (old, old[:-6] + "XXXXX/", MEMBERS + "join/nothing-here/"):
        response = client.post(link)
        assert response.status_code == 404
        assert 'data-problem="invalid"' in response.content.decode()
    assert not Membership.objects.filter(user=dana).exists()
    assert client.post(new).status_code == 302


def test_inviting_again_renews_the_open_invitation(client, alice, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org")
    first = Invitation.objects.get()
    Invitation.objects.update(expires=timezone.now() - timedelta(days=1), created=timezone.now() - timedelta(days=15))
    invite("Dana.Yilmaz@example.org", role="representative")
    renewed = Invitation.objects.get()
    assert renewed.pk == first.pk and renewed.role == MembershipRole.REPRESENTATIVE
    assert renewed.expires > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 2


def test_an_existing_member_cannot_be_invited_and_the_message_stands_next_to_the_field(client, alice, bob, invite):
    client.force_login(alice)
    response = invite("BOB@example.org")
    assert response.status_code == 400
    text = page_of(response)
    error = re.search(r'<p class="kern-error" id="id_email-error">(.*?)</p>', text, re.S).group(1)
    assert said("%(email)s is already a member of this organisation.", email="bob@example.org") in error
    assert 'value="BOB@example.org"' in text
    assert not Invitation.objects.exists() and not mail.outbox


def test_an_invalid_address_is_explained_next_to_the_field_and_kept(client, alice, invite):
    client.force_login(alice)
    response = invite("alice-at-example", role="representative", language="tr")
    assert response.status_code == 400
    text = page_of(response)
    error = re.search(r'<p class="kern-error" id="id_email-error">(.*?)</p>', text, re.S).group(1)
    assert said("Enter an e-mail address in the form name@example.org.") in error
    assert 'value="alice-at-example"' in text
    assert re.search(r'value="representative"[^>]*checked', text)
    assert re.search(r'value="tr"[^>]*selected', text)
    assert 'aria-invalid="true"' in text and 'href="#id_email"' in text
    assert not Invitation.objects.exists() and not mail.outbox


def test_only_representatives_invite_change_roles_remove_and_withdraw(client, alice, bob, organisation, invite):
    client.force_login(alice)
    invite("dana@example.org")
    invitation = Invitation.objects.get()
    alice_membership = Membership.objects.get(user=alice)

    client.force_login(bob)
    page = page_of(client.get(MEMBERS))
    assert "Alice Aydın" in page and 'action="/organisation/members/invite/"' not in page
    assert "dana@example.org" not in page  # open invitations and the history are for representatives
    assert invite("eve@example.org").status_code == 403
    assert client.post(f"{MEMBERS}{alice_membership.pk}/role/", {"role": "member"}).status_code == 403
    assert client.get(f"{MEMBERS}{alice_membership.pk}/remove/").status_code == 403
    assert client.post(f"{MEMBERS}{alice_membership.pk}/remove/").status_code == 403
    assert client.post(f"{MEMBERS}invitations/{invitation.pk}/withdraw/").status_code == 403
    bob_membership = Membership.objects.get(user=bob)
    assert client.post(f"{MEMBERS}{bob_membership.pk}/role/", {"role": "representative"}).status_code == 403

    assert Invitation.objects.count() == 1 and Invitation.objects.get().revoked_at is None
    assert Membership.objects.get(user=alice).role == MembershipRole.REPRESENTATIVE
    assert Membership.objects.get(user=bob).role == MembershipRole.MEMBER
    assert len(mail.outbox) == 1


def test_a_representative_changes_roles_and_removes_a_member_and_the_history_shows_it(client, alice, bob):
    client.force_login(alice)
    bob_membership = Membership.objects.get(user=bob)
    client.post(f"{MEMBERS}{bob_membership.pk}/role/", {"role": "representative"})
    assert Membership.objects.get(user=bob).role == MembershipRole.REPRESENTATIVE
    client.post(f"{MEMBERS}{bob_membership.pk}/role/", {"role": "member"})
    assert Membership.objects.get(user=bob).role == MembershipRole.MEMBER

    assert client.get(f"{MEMBERS}{bob_membership.pk}/remove/").status_code == 200
    assert client.post(f"{MEMBERS}{bob_membership.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(user=bob).exists()

    events = list(OrganisationEvent.objects.order_by("created", "pk").values_list("kind", "actor", "subject_name"))
    assert [(kind, actor) for kind, actor, _ in events] == [
        ("role_changed", alice.pk),
        ("role_changed", alice.pk),
        ("removed", alice.pk),
    ]
    assert all("bob@example.org" in subject for _, _, subject in events)
    history = page_of(client.get(MEMBERS)).split('id="history"')[1]
    assert history.count(person(bob)) == 3 and "Alice Aydın" in history

    client.force_login(bob)
    assert client.get("/").status_code == 200
    assert client.get(MEMBERS).status_code == 403  # no longer a member of anything


def test_the_last_representative_can_neither_step_down_nor_leave_nor_be_removed(client, alice, bob, organisation):
    client.force_login(alice)
    alice_membership = Membership.objects.get(user=alice)
    refused = said(
        "%(name)s is the only representative of the organisation. "
        "Make another member a representative first: an organisation always needs one.",
        name="Alice Aydın (alice@example.org)",
    )

    response = client.post(f"{MEMBERS}{alice_membership.pk}/role/", {"role": "member"}, follow=True)
    assert refused in page_of(response)
    response = client.post(f"{MEMBERS}leave/")
    assert response.status_code == 400
    assert said(
        "You are the only representative of %(organisation)s, so you cannot leave it yet. "
        "First make another member a representative, or invite one.",
        organisation=organisation.name,
    ) in page_of(response)
    response = client.post(f"{MEMBERS}{alice_membership.pk}/remove/")
    assert response.status_code == 400
    assert Membership.objects.get(user=alice).role == MembershipRole.REPRESENTATIVE
    assert not OrganisationEvent.objects.exists()

    # With a second representative, Alice may step down, and then leave.
    client.post(f"{MEMBERS}{Membership.objects.get(user=bob).pk}/role/", {"role": "representative"})
    client.post(f"{MEMBERS}{alice_membership.pk}/role/", {"role": "member"})
    assert Membership.objects.get(user=alice).role == MembershipRole.MEMBER
    assert client.post(f"{MEMBERS}leave/")["Location"] == "/"
    assert not Membership.objects.filter(user=alice).exists()

    # Bob, now the only representative, cannot demote himself either.
    client.force_login(bob)
    client.post(f"{MEMBERS}{Membership.objects.get(user=bob).pk}/role/", {"role": "member"})
    assert Membership.objects.get(user=bob).role == MembershipRole.REPRESENTATIVE


def test_a_member_leaves(client, alice, bob, organisation):
    client.force_login(bob)
    assert client.get(f"{MEMBERS}leave/").status_code == 200
    response = client.post(f"{MEMBERS}leave/", follow=True)
    assert said("You have left %(organisation)s.", organisation=organisation.name) in page_of(response)
    assert not Membership.objects.filter(user=bob).exists()
    event = OrganisationEvent.objects.get()
    assert event.kind == "left" and event.actor == bob

    client.force_login(alice)
    assert person(bob) in page_of(client.get(MEMBERS)).split('id="history"')[1]


def test_a_member_of_another_organisation_reaches_nothing(client, alice, bob, charlie, organisation, invite):
    client.force_login(alice)
    invite("dana@example.org")
    invitation = Invitation.objects.get()
    alice_membership, bob_membership = Membership.objects.get(user=alice), Membership.objects.get(user=bob)

    client.force_login(charlie)
    page = page_of(client.get(MEMBERS))
    assert "Anderer Verein" in page
    for secret in (organisation.name, "Alice", "bob@example.org", "dana@example.org"):
        assert secret not in page
    for membership in (alice_membership, bob_membership):
        assert client.post(f"{MEMBERS}{membership.pk}/role/", {"role": "member"}).status_code == 404
        assert client.get(f"{MEMBERS}{membership.pk}/remove/").status_code == 404
        assert client.post(f"{MEMBERS}{membership.pk}/remove/").status_code == 404
    assert client.post(f"{MEMBERS}invitations/{invitation.pk}/withdraw/").status_code == 404
    assert Membership.objects.filter(organisation=organisation).count() == 2
    assert Invitation.objects.get().revoked_at is None


def test_the_members_page_is_never_public(client, alice, organisation):
    response = client.get(MEMBERS)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(email="nobody@example.org"))
    assert client.get(MEMBERS).status_code == 403
    assert organisation.name not in page_of(client.get(MEMBERS))


def test_a_member_of_two_organisations_manages_the_one_they_act_for(client, alice, organisation):
    other = OrganisationFactory(name="Frauencafé Gröpelingen")
    MembershipFactory(user=alice, organisation=other, role=MembershipRole.MEMBER)
    colleague = MembershipFactory(organisation=other, role=MembershipRole.REPRESENTATIVE)
    client.force_login(alice)
    client.post("/organisation/choose/", {"organisation": other.pk})
    page = page_of(client.get(MEMBERS))
    assert "Frauencafé Gröpelingen" in page and colleague.user.email in page
    assert client.post(f"{MEMBERS}{colleague.pk}/role/", {"role": "member"}).status_code == 403


def test_a_lost_invitation_mail_is_sent_by_the_sweep_once(client, alice):
    client.force_login(alice)
    client.post(MEMBERS + "invite/", {"email": "dana@example.org", "role": "member", "language": "de"})
    assert not mail.outbox  # its message never reached a worker
    Invitation.objects.update(created=timezone.now() - timedelta(minutes=5))
    assert invitation_mail_sweep() == 1
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]
    assert Invitation.objects.get().mail_status == InvitationMail.SENT
    assert invitation_mail_sweep() == 0
    assert len(mail.outbox) == 1


def test_someone_who_joined_meanwhile_is_told_so_and_nothing_changes(client, alice, organisation, dana, invite):
    client.force_login(alice)
    invite("dana.yilmaz@example.org", role="representative")
    MembershipFactory(user=dana, organisation=organisation, role=MembershipRole.MEMBER)

    client.force_login(dana)
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert said("You are already a member of this organisation.") in page_of(response)
    assert Membership.objects.get(user=dana, organisation=organisation).role == MembershipRole.MEMBER
    assert Invitation.objects.get().accepted_at is None
