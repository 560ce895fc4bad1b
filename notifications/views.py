from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for_user
from notifications.services import notification_preference_set, notification_subject, notifications_mark_read


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
    notification_frequency = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = get_user_model()._meta.get_field("notification_frequency")
        self.fields["notification_frequency"].choices = field.choices
        self.fields["notification_frequency"].label = field.verbose_name
        self.fields["notification_frequency"].help_text = field.help_text
        self.fields["notification_frequency"].initial = user.notification_frequency


@login_required
def preferences(request):
    form = PreferenceForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notification_preference_set(user=request.user, frequency=form.cleaned_data["notification_frequency"])
        messages.success(request, _("Your choice was saved."))
        return redirect("notifications:list")
    return render(request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200)
