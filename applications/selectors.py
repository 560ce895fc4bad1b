"""Reads, and above all the querysets scoped to what a user may see."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from applications.models import Application, ApplicationStatus, Call, DecisionLetter, Document, Programme
from organisations.selectors import organisations_for_user


def applications_for_member(user) -> QuerySet[Application]:
    """Applications of the organisations the user belongs to; nothing else, ever."""
    return Application.objects.filter(organisation__in=organisations_for_user(user)).select_related(
        "organisation", "call__programme"
    )


def application_for_member(user, pk: int) -> Application:
    """One application of the user's organisations; Application.DoesNotExist for any other."""
    return applications_for_member(user).get(pk=pk)


def letters_for_member(user) -> QuerySet[DecisionLetter]:
    return DecisionLetter.objects.filter(decision__application__in=applications_for_member(user)).select_related(
        "decision__application"
    )


def open_calls(at=None) -> QuerySet[Call]:
    at = at or timezone.now()
    return Call.objects.filter(opens_at__lte=at, closes_at__gt=at).select_related("programme")


OFFICE_PERMISSIONS = (
    "applications.check_application",
    "applications.approve_decision",
    "applications.assign_reviewers",
    "applications.cancel_application",
    "grants.release_payment",
)


def programme_scope(user) -> QuerySet[Programme] | None:
    """The programmes a staff member works on: those of their programme teams, or None for office-wide staff
    (in no team), who work on every programme."""
    teams = Programme.objects.filter(staff=user)
    limited = getattr(user, "_in_programme_team", None)
    if limited is None:  # asked once per request (the user object lives as long as the request)
        limited = user._in_programme_team = teams.exists()
    return teams if limited else None


def programmes_for_staff(user) -> QuerySet[Programme]:
    """The programmes of the user's programme teams; every programme for staff who are in no team (one query).

    Only the team rule: callers check first that the user is staff at all (a role permission).
    """
    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    teams = Programme.staff.through.objects.filter(user_id=user.pk)
    return Programme.objects.filter(Q(pk__in=teams.values("programme_id")) | ~Exists(teams))


def staff_working_on(programme_id: int, users: QuerySet | None = None) -> QuerySet:
    """Users who work on this programme: those in its team, and those in no team at all."""
    from django.contrib.auth import get_user_model

    users = users if users is not None else get_user_model().objects.all()
    in_some_team = Programme.staff.through.objects.filter(user_id=OuterRef("pk"))
    return users.filter(Q(staffed_programmes=programme_id) | ~Exists(in_some_team)).distinct()


# Who posts letters and records the posting: the clerks and the programme administrators.
POSTING_PERMISSIONS = ("applications.check_application", "applications.assign_reviewers")


def may_record_posting(user) -> bool:
    return any(user.has_perm(permission) for permission in POSTING_PERMISSIONS)


def letter_posters(programme_id: int) -> QuerySet:
    """The active staff of the programme who post its letters, the first in line for a letter to post."""
    from django.contrib.auth import get_user_model

    held = Q()
    for permission in POSTING_PERMISSIONS:
        app_label, codename = permission.split(".", 1)
        held |= Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        held |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return staff_working_on(programme_id, get_user_model().objects.filter(held, is_active=True)).order_by("pk")


def applications_for_staff(user) -> QuerySet[Application]:
    """Submitted applications for the office, within the staff member's programmes. Reviewers see only those
    they review, and only after declaring that they have no conflict of interest. Drafts are the organisation's
    own."""
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related(
        "organisation", "call__programme"
    )
    scope = programme_scope(user)
    if scope is not None:
        submitted = submitted.filter(call__programme__in=scope)
    if any(user.has_perm(permission) for permission in OFFICE_PERMISSIONS):
        return submitted
    if user.has_perm("applications.review_application"):
        return submitted.filter(
            review_assignments__reviewer=user,
            review_assignments__active=True,
            review_assignments__review__conflict_of_interest=False,
        ).distinct()
    return Application.objects.none()


def is_office(user) -> bool:
    """Clerks, approvers and programme administrators; reviewers alone are not the office."""
    return any(user.has_perm(permission) for permission in OFFICE_PERMISSIONS)


def documents_for_member(user) -> QuerySet[Document]:
    return Document.objects.filter(application__in=applications_for_member(user))


def documents_for_staff(user) -> QuerySet[Document]:
    return Document.objects.filter(application__in=applications_for_staff(user))
