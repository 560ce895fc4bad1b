class ApplicationError(Exception):
    """A rule of the procedure stops a state change; the message is shown to the user as it is."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ApplicationError):
    """The user may not take this step (for example, approve their own proposal)."""
