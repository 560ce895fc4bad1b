"""Reads, and above all the querysets scoped to what a user may see."""

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Application, Call, DecisionLetter, Document
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


def applications_for_staff(user) -> QuerySet[Application]:
    if not user.has_perm("applications.view_application"):
        return Application.objects.none()
    return Application.objects.select_related("organisation", "call__programme")


def documents_for_member(user) -> QuerySet[Document]:
    return Document.objects.filter(application__in=applications_for_member(user))


def documents_for_staff(user) -> QuerySet[Document]:
    return Document.objects.filter(application__in=applications_for_staff(user))
