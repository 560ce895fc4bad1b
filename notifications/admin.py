from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, NotificationPreference
from notifications.services import notifications_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "recipient", "status", "attempts", "next_attempt_at", "created", "sent_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["resend"]

    @admin.action(description=_("Resend the selected failed e-mails"), permissions=["change"])
    def resend(self, request, queryset):
        count = notifications_resend(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)s e-mail is being sent again.", "%(count)s e-mails are being sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Read only: people set their choices themselves, and legally required kinds are never a choice."""

    list_display = ["user", "event", "frequency"]
    list_filter = ["event", "frequency"]
    readonly_fields = ["user", "event", "frequency"]

    def has_add_permission(self, request):
        return False
