from django.contrib import admin

from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "recipient", "status", "language", "created", "sent_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Read only: people set their choices themselves, and legally required kinds are never a choice."""

    list_display = ["user", "event", "frequency"]
    list_filter = ["event", "frequency"]
    readonly_fields = ["user", "event", "frequency"]

    def has_add_permission(self, request):
        return False
