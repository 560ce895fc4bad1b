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
