from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for_user
from notifications.services import notification_subject, notifications_mark_read


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
