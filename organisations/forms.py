from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
