"""A growing delay per account after failed logins, instead of a lock.

A hard lock after N failures lets anybody who knows an address shut its owner out (the approver, say, on the day
of a deadline). Here the first LOGIN_FREE_FAILURES attempts are free; after that each further attempt for the same
address must wait 2, 4, 8, … seconds after the previous one, at most LOGIN_MAX_DELAY_SECONDS. An attempt made too
early is refused without checking the password and does not make the delay longer, so the owner who waits gets in
with the right password, and an attacker gets a handful of guesses an hour. A successful login or a password reset
clears the account's count; it also runs out LOGIN_MAX_DELAY_SECONDS plus an hour after the last failure.

The counts live in the cache (Redis in production, the process's memory on the embedded default); while Redis is
unreachable they count nothing, as the other rate limits (config/cache.py).
"""

import hashlib
import math
import time

from allauth.core.internal.ratelimit import cache_lock
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext


def _cache_key(login: str) -> str:
    return "login-delay:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()


def delay_after(failures: int) -> int:
    """Seconds the next attempt must wait after this many failed attempts in a row."""
    free = settings.LOGIN_FREE_FAILURES
    if failures < free:
        return 0
    return min(2 ** (failures - free + 1), settings.LOGIN_MAX_DELAY_SECONDS)


def begin_attempt(login: str) -> int:
    """Seconds to wait before this account may try again, or 0 when it may try now.

    An attempt that may go ahead is counted as failed right away (and cleared by `forget` if the password was
    right), so that attempts sent at the same moment cannot all slip through before the first one is counted.
    """
    key = _cache_key(login)
    with cache_lock(key) as locked:
        if not locked:
            return 1
        failures, last = cache.get(key) or (0, 0.0)
        now = time.time()
        wait = math.ceil(last + delay_after(failures) - now)
        if wait > 0:
            return wait
        cache.set(key, (failures + 1, now), timeout=settings.LOGIN_MAX_DELAY_SECONDS + 3600)
        return 0


def forget(login: str) -> None:
    """The account got in (or set a new password): its next failures start from nothing."""
    cache.delete(_cache_key(login))


def wait_message(seconds: int) -> str:
    """What the person is told, in the page's language: how long to wait, and that a password reset still works."""
    if seconds < 60:
        duration = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        duration = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return gettext(
        "There were too many failed logins for this account. Please wait %(duration)s before you try again. "
        "If you have forgotten your password, choose “Forgot your password?”: you can set a new one by e-mail "
        "at any time."
    ) % {"duration": duration}
