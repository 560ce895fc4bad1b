from django.utils.translation import gettext as _
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


# What a user is told when someone else moved the procedure on while their page was open. Staff read the name of
# the colleague; the organisation reads "the office" for anything the office did.


def _when(at) -> dict:
    from django.utils import timezone
    from django.utils.formats import date_format

    at = timezone.localtime(at)
    return {"date": date_format(at, "SHORT_DATE_FORMAT"), "time": date_format(at, "TIME_FORMAT")}


def _ending_event(application):
    from applications.models import EventKind

    return application.events.filter(kind__in=[EventKind.WITHDRAWN, EventKind.CANCELLED]).select_related("actor").last()


def procedure_ended_for_staff(application) -> str | None:
    """Who ended the procedure and when, for the office; None while it runs."""
    from applications.models import ApplicationStatus

    event = _ending_event(application)
    if event is None:
        return None
    if application.status == ApplicationStatus.WITHDRAWN:
        return _("The organisation withdrew the application on %(date)s at %(time)s.") % _when(event.at)
    return _("%(name)s cancelled the procedure on %(date)s at %(time)s.") % {"name": event.actor, **_when(event.at)}


def task_ended_for_staff(task, application, user) -> str:
    """Why a staff task the user had open is no longer theirs to complete: who finished or took it, and when."""
    from viewflow.workflow.status import STATUS

    if task.status == STATUS.DONE and task.owner_id == user.pk:
        return _("You completed this task on %(date)s at %(time)s, perhaps in another window.") % _when(task.finished)
    if task.status == STATUS.DONE and task.owner_id:
        return _("%(name)s completed this task on %(date)s at %(time)s.") % {"name": task.owner, **_when(task.finished)}
    if task.status in (STATUS.ASSIGNED, STATUS.STARTED) and task.owner_id and task.owner_id != user.pk:
        return _("%(name)s took this task on %(date)s at %(time)s and is working on it.") % {
            "name": task.owner,
            **_when(task.assigned or task.created),
        }
    ended = procedure_ended_for_staff(application) if task.status == STATUS.CANCELED else None
    if ended:
        return ended
    return _("This task was closed on %(date)s at %(time)s.") % _when(task.finished or task.created)


def withdrawal_refused(application) -> str:
    """Why the organisation's withdrawal did not go through: the procedure had already ended."""
    from applications.models import ApplicationStatus

    event = _ending_event(application)
    if application.status == ApplicationStatus.WITHDRAWN and event is not None:
        return _("%(name)s already withdrew the application on %(date)s at %(time)s.") % {
            "name": event.actor,
            **_when(event.at),
        }
    if application.status == ApplicationStatus.CANCELLED:
        return _(
            "The office cancelled the procedure before your withdrawal arrived. You can read its reason on the "
            "application page."
        )
    return _(
        "The office decided on the application before your withdrawal arrived; the decision stands. You can see it "
        "on the application page."
    )


def answer_refused(application) -> str:
    """Why the organisation's answer to a request for missing items was not sent: the request is no longer open."""
    from applications.models import ApplicationStatus

    if application.status == ApplicationStatus.CANCELLED:
        return _(
            "The office cancelled the procedure, so your answer was not sent. You can read the reason on the "
            "application page."
        )
    event = _ending_event(application)
    if application.status == ApplicationStatus.WITHDRAWN and event is not None:
        return _("%(name)s withdrew the application on %(date)s at %(time)s, so your answer was not sent.") % {
            "name": event.actor,
            **_when(event.at),
        }
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        return _(
            "The office has decided on the application, so your answer was not sent. You can see the decision "
            "on the application page."
        )
    answered = application.items_requests.filter(answered_at__isnull=False).order_by("-answered_at").first()
    if answered is not None and answered.answered_by_id:
        return _("%(name)s already sent an answer on %(date)s at %(time)s; yours was not sent.") % {
            "name": answered.answered_by,
            **_when(answered.answered_at),
        }
    return _(
        "The office is no longer waiting for an answer, so yours was not sent. You can see where the "
        "application stands on the application page."
    )
