from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from notifications.services import notify
from portal.models import AccessibilityFeedback


@transaction.atomic
def accessibility_feedback_send(*, message: str, page: str, name: str, email: str, language: str):
    """Store the report and tell every programme administrator (in the portal and by e-mail)."""
    feedback = AccessibilityFeedback.objects.create(
        message=message, page=page, name=name, email=email, language=language
    )
    administrators = (
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="assign_reviewers") | Q(user_permissions__codename="assign_reviewers"),
            is_active=True,
        )
        .distinct()
    )
    link = reverse("admin:portal_accessibilityfeedback_change", args=[feedback.pk])
    for administrator in administrators:
        notify(
            recipient=administrator,
            event="accessibility_feedback",
            context={"message": message, "page": page, "email": email, "name": name},
            link=link,
        )
    return feedback
