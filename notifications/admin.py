from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "recipient", "status", "language", "created", "sent_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in Notification._meta.fields]
