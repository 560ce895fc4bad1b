from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.translation import gettext_lazy as _

from organisations import login_delay


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The per-address limit (ACCOUNT_RATE_LIMITS["login_failed"]) counts five minutes back.
        "too_many_login_attempts": _(
            "Too many failed logins from your network. Please try again in a few minutes. If you have forgotten "
            "your password, choose “Forgot your password?”: you can set a new one by e-mail at any time."
        ),
    }

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language its owner registered in, for pages, e-mails and notifications."""
        language = getattr(request, "LANGUAGE_CODE", None)
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def get_client_ip(self, request):
        """The address rate limits count by: see TRUSTED_PROXY_COUNT in config/settings.py.

        allauth refuses a request whose X-Forwarded-For has fewer entries than there are trusted proxies (a
        server error). Such a request reached an inner proxy directly, and the first entry is the one that proxy
        wrote, so it is used instead.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            ip = clean_client_ip(request.headers["x-forwarded-for"].split(",")[0])
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip

    def pre_authenticate(self, request, **credentials):
        """The per-address limit (allauth's), then the per-account delay (organisations/login_delay.py)."""
        super().pre_authenticate(request, **credentials)
        wait = login_delay.begin_attempt(_login_of(credentials))
        if wait:
            # The password was not checked: this attempt does not use up the address's allowance.
            self._rollback_login_failed_rl_usage()
            raise forms.ValidationError(login_delay.wait_message(wait), code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_delay.forget(_login_of(credentials))
        return user

    def _delete_login_attempts_cached_email(self, request, **credentials):
        """After a password reset, the account's delay ends too."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        login_delay.forget(_login_of(credentials))


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""
