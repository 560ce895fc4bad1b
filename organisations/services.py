from django.core.exceptions import PermissionDenied
from django.db import transaction

from organisations.models import Membership, MembershipRole, Organisation
from organisations.selectors import ACTING_ORGANISATION_SESSION_KEY, organisations_for_user


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
    membership, _ = Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": role})
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
    from django.utils import timezone

    from organisations.selectors import is_representative

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
