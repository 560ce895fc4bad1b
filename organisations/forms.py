from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.banking import bank_details
from organisations.models import INVITATION_VALIDITY_DAYS, MembershipRole
from usertext.forms import UserTextFormMixin


class InvitationForm(UserTextFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address of the person you want to invite."),
            "invalid": _("Enter an e-mail address in the form name@example.org."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("Representatives may sign and submit applications and manage the members."),
        error_messages={"required": _("Choose a role."), "invalid_choice": _("Choose a role.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=settings.LANGUAGES,
        help_text=_("Someone who already has an account gets the e-mail in the language of their account."),
        error_messages={"required": _("Choose a language."), "invalid_choice": _("Choose a language.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = gettext(
            "The person gets an e-mail with a link to join. The link is valid for %(days)s days."
        ) % {"days": INVITATION_VALIDITY_DAYS}


class RoleForm(UserTextFormMixin, forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)


class BankAccountForm(UserTextFormMixin, forms.Form):
    """The account grants are paid into. The checks are the service's (organisations.banking), so the page shows
    each message next to its field and keeps what was typed."""

    holder = forms.CharField(
        label=_("Account holder"),
        max_length=70,
        help_text=_("The name the bank has for the account, usually the name of the organisation."),
        error_messages={
            "required": _("Enter the name of the account holder."),
            "max_length": _("A bank transfer carries at most 70 characters of the name. Please shorten it."),
        },
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        help_text=_("As on your bank card or statement, for example DE89 3704 0044 0532 0130 00. Spaces are fine."),
        error_messages={
            "required": _("Enter the IBAN of the account."),
            "max_length": _("An IBAN has at most 34 letters and digits."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=20,
        required=False,
        help_text=_("For most banks we find it from the IBAN."),
        error_messages={"max_length": _("A BIC has 8 or 11 letters and digits, for example COBADEFFXXX.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean(self):
        data = super().clean()
        if "iban" in data:
            try:
                bank_details(data["iban"], data.get("bic", ""))
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return data
