"""Who hears about what happens to an application: the organisation's members, and the staff who worked on it."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.models import Application
from notifications.services import notify


def _context(application: Application, **extra) -> dict:
    return {
        "application_title": application.title,
        "reference": application.reference,
        "organisation": application.organisation.name,
        **extra,
    }


def tell_organisation(application: Application, event: str, key: str | None = None, **extra) -> None:
    """Every member of the applying organisation; with `key`, each of them only once for that key."""
    link = reverse("portal:application_detail", args=[application.pk])
    for membership in application.organisation.memberships.select_related("user"):
        notify(
            recipient=membership.user,
            event=event,
            context=_context(application, **extra),
            link=link,
            key=f"{key}:{membership.user_id}" if key else None,
        )


def tell_reviewer(application: Application, reviewer, task_id: int) -> None:
    notify(
        recipient=reviewer,
        event="review_assigned",
        context=_context(application),
        link=reverse("workflow:task", args=[task_id]),
    )


def tell_staff_involved(application: Application, process, event: str, exclude=None, **extra) -> None:
    """Everyone who held a task of this process or proposed or approved one of its decisions."""
    ids = set(process.task_set.exclude(owner__isnull=True).values_list("owner_id", flat=True))
    for decision in application.decisions.all():
        ids.update(i for i in (decision.proposed_by_id, decision.approved_by_id) if i)
    if exclude is not None:
        ids.discard(exclude.pk)
    link = reverse("workflow:application", args=[application.pk])
    for user in get_user_model().objects.filter(pk__in=ids):
        notify(recipient=user, event=event, context=_context(application, **extra), link=link)
