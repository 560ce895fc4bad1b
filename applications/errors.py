from django.utils.translation import gettext_lazy


class ApplicationError(Exception):
    """A rule of the procedure stops a state change; the message is shown to the user as it is."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ApplicationError):
    """The user may not take this step (for example, approve their own proposal)."""


def require_perm(user, permission: str, message: str) -> None:
    """Refuse the step with `message` unless the user holds `permission`: every service checks it, not only views."""
    if not user.has_perm(permission):
        raise NotAllowed(message)


class RecordBusy(ApplicationError):
    """Another request holds the row this step must lock: nothing was changed, the step may simply be tried again."""

    def __init__(self, message=None):
        super().__init__(message or gettext_lazy("Someone is working on this right now. Please try again in a moment."))
