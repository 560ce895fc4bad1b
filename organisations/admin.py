from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations.models import BankAccount, Invitation, Membership, Organisation, OrganisationEvent, Topic, User
from organisations.services import invitation_mails_resend


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class BankAccountInline(admin.TabularInline):
    """The current account first, then the ones it replaced. Representatives change it in the portal, where the
    change is checked against the IBAN rules and recorded in the organisation's history."""

    model = BankAccount
    extra = 0
    fields = ["changed_at", "holder", "iban_grouped", "bic", "bank_name", "changed_by_name"]
    readonly_fields = fields
    verbose_name_plural = _("bank accounts (newest is current)")

    @admin.display(description=_("IBAN"))
    def iban_grouped(self, obj):
        return obj.iban_grouped

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "seat"]
    list_filter = ["legal_form", "seat"]
    search_fields = ["name"]
    inlines = [MembershipInline, BankAccountInline]


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    """Every account an organisation gave, newest first, for staff: read only."""

    list_display = ["organisation", "holder", "iban_grouped", "bic", "bank_name", "changed_by_name", "changed_at"]
    search_fields = ["organisation__name", "holder", "iban"]
    list_select_related = ["organisation"]
    date_hierarchy = "changed_at"

    @admin.display(description=_("IBAN"), ordering="iban")
    def iban_grouped(self, obj):
        return obj.iban_grouped

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Topic)


@admin.register(OrganisationEvent)
class OrganisationEventAdmin(admin.ModelAdmin):
    """The history of membership changes, for staff: read only."""

    list_display = ["created", "organisation", "kind", "actor_name", "subject_name", "role"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "actor_name", "subject_name"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email", "organisation", "role", "created", "expires", "accepted_at", "revoked_at", "mail_status",
        "mail_attempts", "mail_next_attempt_at",
    ]  # fmt: skip
    list_filter = ["role", "mail_status"]
    actions = ["resend_mail"]
    search_fields = ["email", "organisation__name"]
    # The secret of the link stays out of sight, even for staff.
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name not in ("id", "secret")]
    exclude = ["secret"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Resend the selected failed invitation e-mails"), permissions=["change"])
    def resend_mail(self, request, queryset):
        count = invitation_mails_resend(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)s invitation e-mail is being sent again.",
                "%(count)s invitation e-mails are being sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
