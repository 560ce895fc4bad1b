from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import MoneyField
from catalogue.models import OfferKind
from catalogue.selectors import CLOSING_SOON, FUNDING, OPEN_NOW, Filters
from organisations.models import LegalForm, Topic
from usertext.forms import UserTextFormMixin


class CatalogueFilterForm(UserTextFormMixin, forms.Form):
    """The catalogue's search and filters, sent by GET so that results can be bookmarked and shared."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, help_text=_("Words from the title or the description")
    )
    kind = forms.ChoiceField(
        label=_("Kind of support"),
        required=False,
        choices=[("", _("all kinds")), (FUNDING, _("funding (money)"))] + OfferKind.choices,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("all topics")
    )
    legal_form = forms.ChoiceField(
        label=_("Who may apply"),
        required=False,
        choices=[("", _("every kind of group"))] + LegalForm.choices,
        help_text=_("Shows the programmes your kind of group may apply to. Offers are open to every group."),
    )
    amount = MoneyField(
        label=_("Grant of at least (EUR)"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("For example 1.000. Shows only funding programmes."),
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("any deadline")),
            (OPEN_NOW, _("open now")),
            (CLOSING_SOON, _("closing within 30 days")),  # SOON_DAYS
        ],
    )

    def filters(self) -> Filters:
        """The filters from the fields that are valid; an invalid field filters nothing and shows its message."""
        data = getattr(self, "cleaned_data", {})
        topic = data.get("topic")
        return Filters(
            query=data.get("q") or "",
            kind=data.get("kind") or "",
            topic=topic.pk if topic else None,
            legal_form=data.get("legal_form") or "",
            min_grant=data.get("amount") or None,
            deadline=data.get("deadline") or "",
        )
