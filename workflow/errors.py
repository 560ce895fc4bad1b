from django.utils.translation import gettext_lazy

from applications.errors import ApplicationError


class TaskUnavailable(ApplicationError):
    """The task was completed or taken by someone else in the meantime."""

    def __init__(self, message=None):
        super().__init__(message or gettext_lazy("Someone else has already completed or taken this task."))


class ProcessBusy(TaskUnavailable):
    """Another request holds the application's process lock: nothing was changed, the same step may be tried again.

    The page shows the message and keeps what the user typed; it is answered with 409 Conflict.
    """

    def __init__(self):
        super().__init__(
            gettext_lazy("Someone is working on this application right now. Please try again in a moment.")
        )

