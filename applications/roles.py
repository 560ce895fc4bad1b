"""Staff roles are Django groups, each with the permissions its work needs."""

from django.contrib.auth.models import Group, Permission

CLERK = "clerk"
REVIEWER = "reviewer"
APPROVER = "approver"
PROGRAMME_ADMINISTRATOR = "programme administrator"

ROLE_PERMISSIONS = {
    CLERK: ["view_application", "check_application"],
    REVIEWER: ["view_application", "review_application"],
    APPROVER: ["view_application", "approve_decision"],
    PROGRAMME_ADMINISTRATOR: [
        "view_application",
        "cancel_application",
        "assign_reviewers",
        "add_programme",
        "change_programme",
        "view_programme",
        "add_call",
        "change_call",
        "view_call",
        "add_offer",
        "change_offer",
        "view_offer",
    ],
}
APP_LABELS = ("applications", "catalogue")


def ensure_staff_groups(**kwargs) -> None:
    """Create the staff groups and give them their permissions (runs after every migrate)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(content_type__app_label__in=APP_LABELS, codename__in=codenames)
        group.permissions.add(*permissions)
