from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from applications.models import (
    AnbestVersion,
    Application,
    ApplicationStatus,
    Authority,
    Call,
    ChecklistItem,
    Decision,
    DecisionLetter,
    Programme,
    RequiredDocument,
    ReviewCriterion,
)
from organisations.banking import compact
from organisations.models import LegalForm
from usertext.forms import UserTextFormMixin


class ProgrammeForm(UserTextFormMixin, forms.ModelForm):
    allowed_legal_forms = forms.MultipleChoiceField(
        label=_("legal forms that may apply"),
        choices=LegalForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to let every legal form apply, informal initiatives included."),
    )

    class Meta:
        model = Programme
        fields = "__all__"  # noqa: DJ007 (the admin lays out the fields)
        widgets = {"topics": forms.CheckboxSelectMultiple}


class RequiredDocumentForm(forms.ModelForm):
    legal_form = forms.ChoiceField(
        label=_("only for legal form"), choices=[("", _("every applicant"))] + LegalForm.choices, required=False
    )

    class Meta:
        model = RequiredDocument
        fields = ["kind", "legal_form"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    form = RequiredDocumentForm
    extra = 0


class CallInline(admin.TabularInline):
    model = Call
    extra = 0


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


def https_urls(field, **kwargs):
    """Web addresses typed without a scheme are read as https (Django 6's default, asked for explicitly)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AuthorityForm(forms.ModelForm):
    # Longer than the stored 34 characters: an IBAN may be typed or pasted in groups of four.
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        required=False,
        help_text=_("The account payments are made from. Spaces are allowed."),
    )

    class Meta:
        model = Authority
        fields = "__all__"  # noqa: DJ007 (the admin lays out the fields)
        formfield_callback = https_urls

    def clean_iban(self):
        return compact(self.cleaned_data["iban"])

    def clean_bic(self):
        return compact(self.cleaned_data["bic"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "read"):
            head = logo.read(8)
            logo.seek(0)
            if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
                raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo


class AnbestVersionInline(admin.StackedInline):
    model = AnbestVersion
    extra = 0


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    form = AuthorityForm
    list_display = ["name", "remedy_kind", "remedy_body", "payment_period"]
    inlines = [AnbestVersionInline]
    fieldsets = [
        (None, {"fields": ["name", "unit", "street", "postcode", "city"]}),
        (_("Contact block of letters"), {"fields": ["phone", "email", "office_hours", "website"]}),
        (_("Letterhead"), {"fields": ["letterhead", "logo"]}),
        (_("Legal remedy (Rechtsbehelfsbelehrung)"), {"fields": ["remedy_kind", "remedy_body", "remedy_address"]}),
        (_("Payments"), {"fields": ["payment_period"]}),
        (_("Account payments are made from"), {"fields": ["account_holder", "iban", "bic"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin):
    form = ProgrammeForm
    list_display = ["title", "financing_method", "min_amount", "max_amount", "seat_scope"]
    inlines = [RequiredDocumentInline, ChecklistInline, CriterionInline, CallInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "opens_at", "last_day", "budget"]
    list_filter = ["programme"]

    def get_readonly_fields(self, request, obj=None):
        # Applications and their processes belong to the programme of their call; it cannot move under them.
        if obj is not None and obj.applications.exists():
            return ["programme"]
        return []


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "call", "status", "submitted_at"]
    list_filter = ["status", "call__programme"]
    search_fields = ["title", "organisation__name"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # Once submitted, the call and the organisation are fixed: the procedure runs for them.
        if obj is not None and obj.status != ApplicationStatus.DRAFT:
            return [*self.readonly_fields, "call", "organisation"]
        return self.readonly_fields


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "version", "outcome", "amount", "status", "proposed_by", "approved_by"]
    readonly_fields = [f.name for f in Decision._meta.fields]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(admin.ModelAdmin):
    list_display = ["decision", "created", "first_downloaded_at", "provided_at", "delivered_at", "posted_on"]
    readonly_fields = [f.name for f in DecisionLetter._meta.fields]
