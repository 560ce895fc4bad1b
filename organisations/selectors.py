"""Reads scoped to what a user may see: an applicant only ever sees their own organisations."""

from django.db.models import Q, QuerySet

from organisations.models import (
    BankAccount,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationEvent,
)

ACTING_ORGANISATION_SESSION_KEY = "acting_organisation_id"
INVITATION_SALT = "organisations.invitation"


def organisations_for_user(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def acting_organisation(request) -> Organisation | None:
    """The organisation the user acts for: the one chosen in this session, else their first one."""
    if not request.user.is_authenticated:
        return None
    organisations = organisations_for_user(request.user)
    chosen = request.session.get(ACTING_ORGANISATION_SESSION_KEY)
    if chosen:
        organisation = organisations.filter(pk=chosen).first()
        if organisation:
            return organisation
    return organisations.first()


def is_representative(user, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, role=MembershipRole.REPRESENTATIVE).exists()


def may_receive_letters(user, organisation: Organisation) -> bool:
    """Empfangsberechtigt: whose retrieval of a decision letter delivers it (representatives, authorised members)."""
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .filter(Q(role=MembershipRole.REPRESENTATIVE) | Q(may_receive_letters=True))
        .exists()
    )


def directory(*, query: str = "", topic: int | None = None, seat: str = "") -> QuerySet[Organisation]:
    """The public directory: only organisations whose representatives consented; never their members."""
    from django.db.models import Q

    listed = Organisation.objects.filter(listed_since__isnull=False).prefetch_related("topics").order_by("name")
    if query:
        listed = listed.filter(
            Q(name__icontains=query)
            | Q(description__icontains=query)
            | Q(languages__icontains=query)
            | Q(district__icontains=query)
        )
    if topic:
        listed = listed.filter(topics=topic)
    if seat:
        listed = listed.filter(seat=seat)
    return listed.distinct()


def organisation_for_representative(user, pk: int) -> Organisation | None:
    return Organisation.objects.filter(
        pk=pk, memberships__user=user, memberships__role=MembershipRole.REPRESENTATIVE
    ).first()


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def members_of(organisation: Organisation, *, viewer) -> QuerySet[Membership]:
    """The organisation's members with their roles: only for its own members, never for anyone else."""
    if membership_of(viewer, organisation) is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def memberships_in_organisations_of(user) -> QuerySet[Membership]:
    """Memberships of every organisation the user belongs to: what a member may address by id at all."""
    return Membership.objects.filter(organisation__in=organisations_for_user(user)).select_related(
        "user", "organisation"
    )


def invitations_in_organisations_of(user) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation__in=organisations_for_user(user)).select_related("organisation")


def open_invitations(organisation: Organisation, *, viewer) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked (expired ones too, so they can be sent again): representatives only."""
    if not is_representative(viewer, organisation):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("email")
    )


def organisation_history(organisation: Organisation, *, viewer, limit: int = 50) -> list[OrganisationEvent]:
    """Who changed the members and when, newest first: representatives only."""
    if not is_representative(viewer, organisation):
        return []
    return list(OrganisationEvent.objects.filter(organisation=organisation)[:limit])


def representatives_of(organisation: Organisation) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__organisation=organisation, memberships__role=MembershipRole.REPRESENTATIVE, is_active=True
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to; None for a link that was made up, mistyped or replaced by a newer one."""
    from django.core import signing
    from django.utils.crypto import constant_time_compare

    try:
        pk, secret = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
    if invitation is None or not constant_time_compare(invitation.secret, str(secret)):
        return None
    return invitation


def email_belongs_to(user, email: str) -> bool:
    """The account's own address, or another address its owner has verified, matches (any letter case)."""
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return False
    if user.email.casefold() == email.casefold():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_token(invitation: Invitation) -> str:
    from django.core import signing

    return signing.Signer(salt=INVITATION_SALT).sign_object([invitation.pk, invitation.secret])


def invitation_path(invitation: Invitation) -> str:
    from django.urls import reverse

    return reverse("organisations:invitation", args=[invitation_token(invitation)])


def bank_account_current(organisation: Organisation) -> BankAccount | None:
    """The account grants are paid into now: the newest one given; None before any was given."""
    return BankAccount.objects.filter(organisation=organisation).order_by("-changed_at", "-pk").first()


def bank_account_history(organisation: Organisation, *, viewer, limit: int = 50) -> list[BankAccount]:
    """Every account given, newest (the current one) first, with who gave it and when: representatives only."""
    if not is_representative(viewer, organisation):
        return []
    accounts = BankAccount.objects.filter(organisation=organisation).order_by("-changed_at", "-pk")
    return list(accounts[:limit])


def undelivered_invitation_count() -> int:
    """Open invitations whose e-mail failed for good (the whole retry window); administrators resend them."""
    from organisations.models import Invitation, InvitationMail

    return Invitation.objects.filter(
        mail_status=InvitationMail.FAILED, accepted_at__isnull=True, revoked_at__isnull=True
    ).count()
