from django.contrib import admin

from portal.models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created", "page", "email", "message"]
    readonly_fields = ["message", "page", "name", "email", "language", "created"]
