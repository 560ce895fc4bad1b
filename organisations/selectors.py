"""Reads scoped to what a user may see: an applicant only ever sees their own organisations."""

from django.db.models import QuerySet

from organisations.models import Membership, MembershipRole, Organisation

ACTING_ORGANISATION_SESSION_KEY = "acting_organisation_id"


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
