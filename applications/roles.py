"""Staff roles are Django groups, each with the permissions its work needs."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CLERK = "clerk"
REVIEWER = "reviewer"
APPROVER = "approver"
PROGRAMME_ADMINISTRATOR = "programme administrator"
PAYMENT_OFFICER = "payment officer"

ROLE_PERMISSIONS = {
    CLERK: ["view_application", "check_application", "grants.certify_payment", "grants.record_appeal"],
    REVIEWER: ["view_application", "review_application"],
    APPROVER: ["view_application", "approve_decision"],
    # Certifies payments as arithmetically correct and releases them (Anordnung): never the one who certified
    # them as factually correct.
    PAYMENT_OFFICER: ["view_application", "grants.release_payment"],
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
        "reporting.view_dashboard",
        "grants.view_baserate",
        "grants.add_baserate",
        "grants.change_baserate",
    ],
}
APP_LABELS = ("applications", "catalogue")


def ensure_staff_groups(**kwargs) -> None:
    """Create the staff groups and give them their permissions (runs after every migrate)."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for name in names:  # "codename" of this app, or "app_label.codename"
            app_label, _dot, codename = name.rpartition(".")
            wanted |= Q(content_type__app_label__in=[app_label] if app_label else APP_LABELS, codename=codename)
        group.permissions.add(*Permission.objects.filter(wanted))
