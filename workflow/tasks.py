from celery import shared_task
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.services import decision_letter_create


@shared_task
def create_decision_letter(*, task_id: int) -> None:
    """Render and store the letter, then finish the process step. Safe to run twice."""
    task = Task.objects.filter(pk=task_id, status=STATUS.NEW).select_related("process").first()
    if task is None:
        return
    process = task.process.coerced
    decision = process.application.current_decision
    decision_letter_create(decision=decision)  # stored before the process moves on
    try:
        task.flow_task.run(task)
    except TransitionNotAllowed:
        pass  # a redelivered message already finished this step


@shared_task
def fire_due_timers() -> int:
    """Fire the process timers that are due (deadlines for missing items); scheduled every minute by beat."""
    from viewflow.workflow.timers import fire_due_timers as fire

    return fire()
