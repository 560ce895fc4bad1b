from django.utils.translation import gettext_lazy as _

from applications.errors import ApplicationError


class TaskUnavailable(ApplicationError):
    """The task was completed or taken by someone else in the meantime."""

    def __init__(self, message=None):
        super().__init__(message or _("Someone else has already completed or taken this task."))
