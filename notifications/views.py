from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from notifications.events import event_kinds_for
from notifications.models import Frequency
from notifications.selectors import notifications_for_user
from notifications.services import (
    notification_preferences_of,
    notification_preferences_set,
    notification_subject,
    notifications_mark_read,
)


@login_required
def notification_list(request):
    """The user's messages, newest first, in the language they were written for."""
    rows = [
        {"notification": n, "subject": notification_subject(n)}
        for n in notifications_for_user(request.user).select_related("recipient")[:100]
    ]
    return render(request, "notifications/list.html", {"rows": rows})


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    """The general setting, and a choice per kind of message the user can receive that is not legally required.

    Legally required kinds get no field at all, so a forged value for one is never read.
    """

    EVENT_PREFIX = "event_"
    FOLLOW_GENERAL = ("general", gettext_lazy("as in my general setting"))

    notification_frequency = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = get_user_model()._meta.get_field("notification_frequency")
        self.fields["notification_frequency"].choices = field.choices
        self.fields["notification_frequency"].label = field.verbose_name
        self.fields["notification_frequency"].help_text = field.help_text
        self.fields["notification_frequency"].initial = user.notification_frequency
        kinds = event_kinds_for(user)
        self.fixed_kinds = [kind for kind in kinds if kind.legally_required]
        chosen = notification_preferences_of(user)
        for kind in kinds:
            if kind.legally_required:
                continue
            self.fields[self.EVENT_PREFIX + kind.name] = forms.ChoiceField(
                label=kind.label,
                choices=[self.FOLLOW_GENERAL, *Frequency.choices],
                initial=chosen.get(kind.name, self.FOLLOW_GENERAL[0]),
                required=False,  # left out of a POST (an older page): the choice stays as it is
            )

    @property
    def general_field(self):
        return self["notification_frequency"]

    @property
    def event_fields(self) -> list[dict]:
        """Each choice per kind with its select, marked up for KERN (the select sits in KERN's wrapper)."""
        rows = []
        for name in self.fields:
            if not name.startswith(self.EVENT_PREFIX):
                continue
            field = self[name]
            attrs = {"class": "kern-form-input__select" + (" kern-form-input__select--error" if field.errors else "")}
            if field.errors:
                attrs |= {"aria-describedby": f"{field.auto_id}-error", "aria-invalid": "true"}
            rows.append({"field": field, "widget_html": field.as_widget(attrs=attrs)})
        return rows

    def per_event(self) -> dict[str, str | None]:
        return {
            name.removeprefix(self.EVENT_PREFIX): None if value == self.FOLLOW_GENERAL[0] else value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.EVENT_PREFIX) and value
        }


@login_required
def preferences(request):
    form = PreferenceForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(
            user=request.user, frequency=form.cleaned_data["notification_frequency"], per_event=form.per_event()
        )
        messages.success(request, _("Your choice was saved."))
        return redirect("notifications:list")
    return render(request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200)
