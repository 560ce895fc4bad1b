import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.events import is_staff_member


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, unless they chose another one just now."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = request.user
        has_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user.is_authenticated and not has_cookie and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user.is_authenticated and not has_cookie and user.language in self.languages:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
            )
        return response


class StaffIdleTimeoutMiddleware:
    """Staff are logged out after STAFF_SESSION_IDLE_MINUTES without a request; applicants keep the normal session.

    Staff see other organisations' data, so a browser left open in an office must not stay signed in. The time of
    the last request is kept in the session, written at most once a minute to spare the session store. Requests that
    a page makes by itself (the dashboard's refresh, the letter's status) send X-Background-Request and do not count
    as activity. Pages show staff a notice a few minutes before (static/js/idle-warning.js).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and session_is_staff(request):
            limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out because there was no activity for %(minutes)d minutes. Please log in again.")
                    % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            background = request.headers.get("X-Background-Request") == "1"
            if not background and (last_seen is None or now - last_seen >= 60):
                request.session[LAST_SEEN_KEY] = now
            request.staff_idle_seconds = limit
            request.staff_idle_warning_minutes = settings.STAFF_SESSION_WARNING_MINUTES
            request.staff_idle_warning_seconds = settings.STAFF_SESSION_WARNING_MINUTES * 60
        return self.get_response(request)


LAST_SEEN_KEY = "staff_last_seen"
IS_STAFF_KEY = "staff_idle_timeout"


def note_login(sender, request, user, **kwargs) -> None:
    """At login: whether the idle timeout applies, and the first activity (saves queries on the next request)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[IS_STAFF_KEY] = bool(user.is_staff or is_staff_member(user))
    request.session[LAST_SEEN_KEY] = time.time()


def session_is_staff(request) -> bool:
    """Whether this session's user is staff, noted at login (roles rarely change mid-session)."""
    if IS_STAFF_KEY not in request.session:
        user = request.user
        request.session[IS_STAFF_KEY] = bool(user.is_staff or is_staff_member(user))
    return request.session[IS_STAFF_KEY]
