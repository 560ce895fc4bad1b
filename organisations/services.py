import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications import mail
from notifications.services import MESSAGE_ID_DOMAIN, notify, retry_delay
from organisations.banking import bank_details, compact, masked
from organisations.errors import MembershipError
from organisations.models import (
    INVITATION_VALIDITY_DAYS,
    BankAccount,
    Invitation,
    InvitationMail,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationEvent,
    OrganisationEventKind,
)
from organisations.selectors import (
    ACTING_ORGANISATION_SESSION_KEY,
    bank_account_current,
    email_belongs_to,
    invitation_path,
    is_representative,
    organisations_for_user,
    representatives_of,
)
from usertext.text import isolated


@transaction.atomic
def organisation_create(*, founder, **fields) -> Organisation:
    """Create an organisation; whoever creates it becomes its first representative."""
    topics = fields.pop("topics", None)
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if topics:
        organisation.topics.set(topics)
    Membership.objects.create(user=founder, organisation=organisation, role=MembershipRole.REPRESENTATIVE)
    return organisation


def membership_add(*, organisation: Organisation, user, role: str = MembershipRole.MEMBER) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def acting_organisation_choose(*, request, organisation_id: int) -> Organisation | None:
    """Remember which of the user's organisations they act for; returns None for one they do not belong to."""
    organisation = organisations_for_user(request.user).filter(pk=organisation_id).first()
    if organisation is not None:
        request.session[ACTING_ORGANISATION_SESSION_KEY] = organisation.pk
    return organisation


def user_language_set(*, user, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def organisation_profile_update(*, organisation: Organisation, by, listed: bool, **fields) -> Organisation:
    """A representative edits the profile and gives or revokes the consent to the public listing."""
    if not is_representative(by, organisation):
        raise PermissionDenied
    topics = fields.pop("topics", None)
    for name, value in fields.items():
        setattr(organisation, name, value)
    if listed and organisation.listed_since is None:
        organisation.listed_since = timezone.now()
    if not listed:
        organisation.listed_since = None
    organisation.full_clean()
    organisation.save()
    if topics is not None:
        organisation.topics.set(topics)
    return organisation


# Members and invitations. Every change locks the organisation's row first, so two representatives acting at
# once cannot, for example, demote each other and leave the organisation without one.

INVITATIONS_PER_HOUR = 30


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_representative(user, organisation: Organisation) -> None:
    if not is_representative(user, organisation):
        raise PermissionDenied(_("Only a representative of the organisation may manage its members."))


def person(user) -> str:
    """How a person appears in the history and in messages: name and address, or the address alone."""
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


def _record(organisation: Organisation, kind: str, *, by, subject: str, role: str = "") -> OrganisationEvent:
    return OrganisationEvent.objects.create(
        organisation=organisation,
        kind=kind,
        actor=by,
        actor_name=person(by) if by else "",
        subject_name=subject,
        role=role,
    )


def _representative_count(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=MembershipRole.REPRESENTATIVE).count()


def _is_member_by_email(organisation: Organisation, email: str) -> bool:
    return (
        Membership.objects.filter(organisation=organisation)
        .filter(
            Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True)
        )
        .exists()
    )


@transaction.atomic
def invitation_send(*, organisation: Organisation, by, email: str, role: str, language: str) -> Invitation:
    """Invite someone by e-mail, or renew the open invitation to the same address with a new link."""
    organisation = _locked(organisation)
    _require_representative(by, organisation)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MembershipError(_("Enter an e-mail address in the form name@example.org."), field="email") from None
    if role not in MembershipRole.values:
        raise MembershipError(_("Choose a role."), field="role")
    if _is_member_by_email(organisation, email):
        raise MembershipError(
            _("%(email)s is already a member of this organisation.") % {"email": isolated(email)},
            field="email",
            code="already_member",
        )
    now = timezone.now()
    recent = OrganisationEvent.objects.filter(
        organisation=organisation, kind=OrganisationEventKind.INVITED, created__gte=now - timedelta(hours=1)
    ).count()
    if recent >= INVITATIONS_PER_HOUR:
        raise MembershipError(_("You have sent many invitations in the last hour. Please try again later."))

    account = get_user_model().objects.filter(email__iexact=email).first()
    invitation = Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).first() or Invitation(organisation=organisation, email=email)
    invitation.role = role
    invitation.language = account.language if account and account.language else language
    if invitation.language not in dict(settings.LANGUAGES):
        invitation.language = settings.LANGUAGE_CODE
    invitation.invited_by = by
    invitation.secret = secrets.token_urlsafe(32)  # a new link; the old one stops working
    invitation.created = now
    invitation.expires = now + timedelta(days=INVITATION_VALIDITY_DAYS)
    invitation.mail_status = InvitationMail.PENDING
    invitation.mail_attempts = 0
    invitation.mail_claimed_at = invitation.mail_sent_at = None
    invitation.mail_next_attempt_at = invitation.mail_retry_until = invitation.mail_alerted_at = None
    invitation.save()
    _record(organisation, OrganisationEventKind.INVITED, by=by, subject=email, role=role)
    _dispatch_invitation_mail(invitation.pk)
    return invitation


def _dispatch_invitation_mail(invitation_id: int) -> None:
    from organisations.tasks import deliver_invitation

    # robust: a broker that is down must not break the invitation; the sweep hands the row over later.
    transaction.on_commit(lambda: deliver_invitation.delay(invitation_id=invitation_id), robust=True)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    _locked(invitation.organisation)
    _require_representative(by, invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation has already been accepted."), code="used")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        _record(invitation.organisation, OrganisationEventKind.INVITATION_REVOKED, by=by, subject=invitation.email)
    return invitation


def invitation_refusal(*, invitation: Invitation, user) -> MembershipError | None:
    """Why this user cannot accept this invitation now, or None when they can."""
    if invitation.accepted_at is not None:
        return MembershipError(
            _("This invitation has already been used. Each invitation link works only once."), code="used"
        )
    if invitation.revoked_at is not None:
        return MembershipError(
            _("The organisation has withdrawn this invitation. Please ask its representative for a new one."),
            code="revoked",
        )
    if invitation.is_expired:
        return MembershipError(
            _("This invitation expired on %(date)s. Please ask the organisation's representative to send a new one.")
            % {"date": formats.date_format(timezone.localtime(invitation.expires), "SHORT_DATE_FORMAT")},
            code="expired",
        )
    if not email_belongs_to(user, invitation.email):
        return MembershipError(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(email)s. "
                "Log out and sign in with the address the invitation was sent to."
            )
            % {"invited": isolated(invitation.email), "email": isolated(user.email)},
            code="wrong_account",
        )
    if Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
        return MembershipError(_("You are already a member of this organisation."), code="already_member")
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by) -> Membership:
    """The owner of the invited address joins with the invited role; the representatives are told."""
    organisation = _locked(invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = invitation_refusal(invitation=invitation, user=by)
    if refusal is not None:
        raise refusal
    membership = Membership.objects.create(user=by, organisation=organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _record(organisation, OrganisationEventKind.JOINED, by=by, subject=person(by), role=invitation.role)
    link = reverse("organisations:members")
    context = {"organisation": organisation.name, "member": person(by), "role": invitation.role}
    for representative in representatives_of(organisation).exclude(pk=by.pk):
        notify(recipient=representative, event="member_joined", context=context, link=link)
    return membership


def _last_representative_error(membership: Membership) -> MembershipError | None:
    if membership.role == MembershipRole.REPRESENTATIVE and _representative_count(membership.organisation) <= 1:
        return MembershipError(
            _(
                "%(name)s is the only representative of the organisation. "
                "Make another member a representative first: an organisation always needs one."
            )
            % {"name": isolated(person(membership.user))},
            code="last_representative",
        )
    return None


def _locked_membership(membership: Membership) -> Membership:
    found = Membership.objects.select_for_update().select_related("user", "organisation").filter(pk=membership.pk)
    if not found.exists():
        raise MembershipError(_("This person is no longer a member."), code="gone")
    return found.get()


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, by) -> Membership:
    """A representative makes a member a representative, or a representative a member."""
    _locked(membership.organisation)
    _require_representative(by, membership.organisation)
    membership = _locked_membership(membership)
    if role not in MembershipRole.values:
        raise MembershipError(_("Choose a role."), field="role")
    if membership.role == role:
        return membership
    refusal = _last_representative_error(membership)
    if refusal is not None:
        raise refusal
    membership.role = role
    membership.save(update_fields=["role"])
    _record(
        membership.organisation, OrganisationEventKind.ROLE_CHANGED, by=by, subject=person(membership.user), role=role
    )
    return membership


@transaction.atomic
def membership_letters_authorise(*, membership: Membership, may_receive: bool, by) -> Membership:
    """A representative authorises a member to receive decision letters (Empfangsvollmacht), or takes it back:
    the member's download of a letter then counts as its delivery. Representatives always receive letters."""
    _locked(membership.organisation)
    _require_representative(by, membership.organisation)
    membership = _locked_membership(membership)
    if membership.may_receive_letters == may_receive:
        return membership
    membership.may_receive_letters = may_receive
    membership.save(update_fields=["may_receive_letters"])
    kind = OrganisationEventKind.LETTERS_AUTHORISED if may_receive else OrganisationEventKind.LETTERS_REVOKED
    _record(membership.organisation, kind, by=by, subject=person(membership.user))
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """A representative removes someone else; to go oneself, one leaves."""
    _locked(membership.organisation)
    _require_representative(by, membership.organisation)
    membership = _locked_membership(membership)
    if membership.user_id == by.pk:
        raise MembershipError(_("To leave the organisation yourself, use “Leave the organisation”."), code="self")
    refusal = _last_representative_error(membership)
    if refusal is not None:
        raise refusal
    membership.delete()
    _record(membership.organisation, OrganisationEventKind.REMOVED, by=by, subject=person(membership.user))


@transaction.atomic
def membership_leave(*, organisation: Organisation, by) -> None:
    """Any member leaves; the last representative must first make someone else a representative."""
    organisation = _locked(organisation)
    membership = Membership.objects.filter(user=by, organisation=organisation).select_related("user").first()
    if membership is None:
        raise MembershipError(_("You are not a member of this organisation."), code="gone")
    if membership.role == MembershipRole.REPRESENTATIVE and _representative_count(organisation) <= 1:
        raise MembershipError(
            _(
                "You are the only representative of %(organisation)s, so you cannot leave it yet. "
                "First make another member a representative, or invite one."
            )
            % {"organisation": isolated(organisation.name)},
            code="last_representative",
        )
    membership.delete()
    _record(organisation, OrganisationEventKind.LEFT, by=by, subject=person(by))


@transaction.atomic
def bank_account_set(*, organisation: Organisation, by, holder: str, iban: str, bic: str = "") -> BankAccount:
    """A representative gives the account grants are paid into. Adds a row (the old ones stay as the history) and
    records the change in the organisation's history; giving the current account again changes nothing.

    Raises ValidationError with a message per field (`holder`, `iban`, `bic`) for details that cannot be right.
    """
    organisation = _locked(organisation)
    if not is_representative(by, organisation):
        raise PermissionDenied(_("Only a representative of the organisation may change its bank account."))
    holder = " ".join(holder.split())
    details = bank_details(compact(iban), compact(bic))
    current = bank_account_current(organisation)
    if current is not None and (current.holder, current.iban, current.bic) == (holder, details.iban, details.bic):
        return current
    account = BankAccount(
        organisation=organisation,
        holder=holder,
        iban=details.iban,
        bic=details.bic,
        bank_name=details.bank_name,
        changed_by=by,
        changed_by_name=person(by),
        changed_at=timezone.now(),
    )
    account.full_clean()
    account.save()
    # The history names the account only by its last digits; the full IBAN is on the bank account page.
    _record(organisation, OrganisationEventKind.BANK_ACCOUNT_CHANGED, by=by, subject=masked(account.iban))
    return account


# The invitation's e-mail: the invitation row is its own outbox (the address may have no account yet, so the
# notifications outbox, which writes to a user, cannot hold it). Same rules: claim with a conditional UPDATE, a
# failed attempt records the next one on the row (1, 2, 4, … minutes, at most an hour apart, for
# NOTIFICATION_RETRY_WINDOW_HOURS), a sweep hands due rows over again, and the operators hear of a failure.

logger = logging.getLogger(__name__)


def _mail_due(now) -> Q:
    return Q(mail_next_attempt_at__isnull=True) | Q(mail_next_attempt_at__lte=now)


def invitation_mail_claim(*, invitation_id: int) -> Invitation | None:
    """Claim a pending invitation e-mail that is due; None when it is not (sent, being sent, or waiting for its
    next attempt), so a repeated task sends nothing twice and an early copy does not shorten the backoff."""
    now = timezone.now()
    claimed = Invitation.objects.filter(_mail_due(now), pk=invitation_id, mail_status=InvitationMail.PENDING).update(
        mail_status=InvitationMail.SENDING, mail_claimed_at=now
    )
    if not claimed:
        return None
    return Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)


def invitation_mail_render(invitation: Invitation) -> EmailMultiAlternatives:
    context = {
        "organisation": invitation.organisation.name,
        "inviter": person(invitation.invited_by) if invitation.invited_by else "",
        "role": invitation.role,
        "email": invitation.email,
        "expires": invitation.expires,
        "link": settings.SITE_URL + invitation_path(invitation),
    }
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        subject = render_to_string("email/membership_invitation_subject.txt", context)
        text = render_to_string("email/membership_invitation.txt", context)
        html = render_to_string("email/membership_invitation.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[invitation.email],
        headers={
            "Message-ID": f"<invitation-{invitation.pk}-{int(invitation.created.timestamp())}@{MESSAGE_ID_DOMAIN}>"
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def invitation_mail_deliver(*, invitation_id: int) -> bool:
    """Send the invitation's e-mail; True when this call sent it.

    When the mail server refuses or cannot be reached, the row goes back to pending with the time of its next
    attempt, which the sweep keeps; it fails only after the whole retry window, and then the operators are told.
    """
    invitation = invitation_mail_claim(invitation_id=invitation_id)
    if invitation is None:
        return False
    # Only if the invitation was not renewed meanwhile: a renewal's own message sends the new link.
    mine = Invitation.objects.filter(pk=invitation.pk, mail_status=InvitationMail.SENDING, secret=invitation.secret)
    if not invitation.is_open:
        mine.update(mail_status=InvitationMail.CANCELLED)
        return False
    try:
        mail.send(invitation_mail_render(invitation))
    except Exception as error:
        _record_failed_mail_attempt(invitation, mine, error)
        return False
    mine.update(
        mail_status=InvitationMail.SENT, mail_sent_at=timezone.now(), mail_attempts=invitation.mail_attempts + 1
    )
    return True


def _record_failed_mail_attempt(invitation: Invitation, mine, error: Exception) -> None:
    now = timezone.now()
    attempts = invitation.mail_attempts + 1
    retry_until = invitation.mail_retry_until or now + timedelta(hours=settings.NOTIFICATION_RETRY_WINDOW_HOURS)
    next_attempt_at = now + retry_delay(attempts)
    failed = next_attempt_at > retry_until
    mine.update(
        mail_status=InvitationMail.FAILED if failed else InvitationMail.PENDING,
        mail_attempts=attempts,
        mail_retry_until=retry_until,
        mail_next_attempt_at=None if failed else next_attempt_at,
    )
    (logger.error if failed else logger.warning)(
        "Invitation %s: e-mail attempt %s failed (%s: %s); %s",
        invitation.pk,
        attempts,
        type(error).__name__,
        error,
        "no more attempts, the operators are told" if failed else f"next attempt at {next_attempt_at:%Y-%m-%d %H:%M}",
    )


def invitation_mail_sweep(*, grace: timedelta = timedelta(seconds=30), stale: timedelta = timedelta(seconds=45)) -> int:
    """Hand invitations whose e-mail is waiting to the workers again: one never tried after `grace` (its message
    was lost), one that failed before when its next attempt is due. Returns how many."""
    from notifications.services import redispatch
    from organisations.tasks import deliver_invitation

    now = timezone.now()
    return redispatch(
        Invitation.objects.all(),
        status="mail_status",
        claimed_at="mail_claimed_at",
        pending=InvitationMail.PENDING,
        sending=InvitationMail.SENDING,
        send=lambda pk: deliver_invitation.delay(invitation_id=pk),
        grace=grace,
        stale=stale,
        due=Q(mail_next_attempt_at__isnull=True, created__lt=now - grace) | Q(mail_next_attempt_at__lte=now),
    )


def invitation_mails_resend(*, ids) -> int:
    """Give failed invitation e-mails of open invitations a new retry window and hand them to the workers again
    (an administrator's action once the mail server works). Returns how many."""
    rows = Invitation.objects.filter(
        pk__in=list(ids), mail_status=InvitationMail.FAILED, accepted_at__isnull=True, revoked_at__isnull=True
    )
    resent = list(rows.values_list("pk", flat=True))
    rows.update(
        mail_status=InvitationMail.PENDING, mail_next_attempt_at=None, mail_retry_until=None, mail_alerted_at=None
    )
    for pk in resent:
        _dispatch_invitation_mail(pk)
    return len(resent)


def invitation_mail_operators_alert() -> int:
    """Tell the operators (OPERATOR_EMAILS) once about invitation e-mails that failed for good; returns how many."""
    failed = list(
        Invitation.objects.filter(mail_status=InvitationMail.FAILED, mail_alerted_at__isnull=True)
        .select_related("organisation")
        .order_by("created")[:200]
    )
    if not failed or not settings.OPERATOR_EMAILS:
        return 0
    lines = [
        f"- #{i.pk} {i.email} ({i.organisation.name}), {i.mail_attempts} attempts since {i.created:%Y-%m-%d %H:%M}"
        for i in failed
    ]
    mail.send(
        EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{len(failed)} invitation e-mails could not be delivered",
            body=(
                "These invitations could not be e-mailed within the retry window. Resend them in the administration "
                "(Invitations, e-mail 'failed') once the mail server works:\n\n"
                + "\n".join(lines)
                + f"\n\n{settings.SITE_URL}/admin/organisations/invitation/?mail_status__exact=failed\n"
            ),
            to=settings.OPERATOR_EMAILS,
        )
    )
    Invitation.objects.filter(pk__in=[i.pk for i in failed]).update(mail_alerted_at=timezone.now())
    return len(failed)
