"""Send e-mail over one SMTP connection per process (per thread), kept open from one message to the next.

Opening a connection costs a TCP handshake, the server's greeting, EHLO (with STARTTLS and login where set) and
QUIT: more round trips than the message itself. A worker that sends many notifications reuses its connection.
One left idle longer than IDLE_SECONDS is closed first, since servers drop idle clients; one the server dropped
anyway is replaced once, and any other error closes it, so the next message starts on a fresh connection.
"""

import os
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

IDLE_SECONDS = 30.0
DROPPED = (smtplib.SMTPServerDisconnected, ConnectionError)


class _Held(threading.local):
    backend = None
    config: tuple | None = None
    last_used = 0.0


_held = _Held()


def _forget_inherited_connection() -> None:
    # A forked child must not talk over its parent's socket; the parent still owns (and closes) it.
    _held.backend = None


os.register_at_fork(after_in_child=_forget_inherited_connection)


def _config() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        getattr(settings, "EMAIL_USE_SSL", False),
    )


def close() -> None:
    backend, _held.backend = _held.backend, None
    if backend is not None:
        try:
            backend.close()
        except Exception:  # noqa: S110 (the server is gone already: nothing left to tidy up)
            pass


def send(message: EmailMessage) -> None:
    """Send one message over the held connection, opening it when there is none."""
    if _held.backend is not None and (_held.config != _config() or time.monotonic() - _held.last_used > IDLE_SECONDS):
        close()
    reused = _held.backend is not None
    if not reused:
        backend = get_connection()
        backend.open()
        _held.backend, _held.config = backend, _config()
    message.connection = _held.backend
    try:
        message.send()
    except DROPPED:
        close()
        if not reused:
            raise
        send(message)  # the server dropped the connection while it was idle: once more on a new one
        return
    except Exception:
        close()  # after any other error the state of the conversation is unknown
        raise
    _held.last_used = time.monotonic()
