class MembershipError(Exception):
    """A membership rule stops a change; the message is shown to the user as it is.

    `field` names the form field the message belongs next to; `code` tells pages which case it is.
    """

    def __init__(self, message, *, field: str | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
