"""Sign-in pages beside allauth's: the admin's login goes through the rate-limited accounts login, and staff can
ask to stay logged in (organisations/middleware.py, StaffIdleTimeoutMiddleware)."""

import time

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from organisations.middleware import LAST_SEEN_KEY, session_is_staff


def _safe_next(request, default: str) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def admin_login(request):
    """The admin's own login form has no rate limit: everybody logs in through the accounts login instead."""
    target = _safe_next(request, reverse("admin:index"))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    return redirect_to_login(target, settings.LOGIN_URL)


@require_POST
def keep_alive(request):
    """A staff member chose "Stay logged in": their idle time starts again."""
    if not request.user.is_authenticated:
        return redirect_to_login(_safe_next(request, reverse("portal:home")), settings.LOGIN_URL)
    if session_is_staff(request):
        request.session[LAST_SEEN_KEY] = time.time()
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"idle_seconds": settings.STAFF_SESSION_IDLE_MINUTES * 60})
    return redirect(_safe_next(request, reverse("portal:home")))
