from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from catalogue.models import OFFER_LANGUAGES, Offer
from usertext.forms import UserTextFormMixin


class OfferForm(UserTextFormMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages offered"),
        choices=OFFER_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages people can use in the offer."),
    )

    class Meta:
        model = Offer
        fields = "__all__"  # noqa: DJ007 (the admin lays out the fields)
        widgets = {"topics": forms.CheckboxSelectMultiple}


@admin.register(Offer)
class OfferAdmin(TranslationAdmin):
    form = OfferForm
    list_display = ["title", "kind", "starts_on", "ends_on", "registration_deadline", "published"]
    list_filter = ["published", "kind", "topics"]
    search_fields = ["title", "description"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "description", "audience", "topics", "languages"]}),
        (_("Dates and place"), {"fields": ["starts_on", "ends_on", "schedule", "registration_deadline", "place"]}),
        (_("Costs"), {"fields": ["free_of_charge", "cost_note"]}),
        (_("Contact person"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
        (None, {"fields": ["published"]}),
    ]

    @admin.action(description=_("Publish the selected offers"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(published=True)
        self.message_user(
            request, ngettext("%(count)d offer published.", "%(count)d offers published.", count) % {"count": count}
        )

    @admin.action(description=_("Take the selected offers out of the catalogue"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(published=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d offer taken out of the catalogue.", "%(count)d offers taken out of the catalogue.", count
            )
            % {"count": count},
        )
