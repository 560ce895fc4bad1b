"""Node types the funding flow needs beyond viewflow's own."""

from django.db import transaction
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.nodes.handle import HandleActivation


class FourEyesView(flow.View):
    """A human task that one named person may never take: whoever the `NotBy` callable returns for the process.

    Enforced in the flow's permission checks (assign and execute), so no page or API can bypass it.
    """

    _excluded_user = None

    def NotBy(self, ref):  # noqa: N802 (viewflow's fluent style)
        self._excluded_user = ref
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._excluded_user = this.resolve(instance, self._excluded_user)

    def is_excluded(self, user, task) -> bool:
        if self._excluded_user is None or user is None or not user.is_authenticated:
            return False
        return self._excluded_user(task.process.coerced) == user.pk

    def can_assign(self, user, task):
        return super().can_assign(user, task) and not self.is_excluded(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and not self.is_excluded(user, task)


class EnqueueingHandleActivation(HandleActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task_id = activation.task.pk
        # robust: a broker that is down must not break the user's request; the stalled-step sweep retries later.
        transaction.on_commit(lambda: flow_task.celery_task.delay(task_id=task_id), robust=True)
        return activation


class CeleryHandle(flow.Handle):
    """An asynchronous step: reaching it enqueues a Celery task after the commit; the task finishes the step.

    The task does its work, then calls `node.run(task)`, which takes the flow lock and moves the process on.
    """

    activation_class = EnqueueingHandleActivation

    def __init__(self, celery_task, func=None, **kwargs):
        super().__init__(func=func, **kwargs)
        self.celery_task = celery_task


class OrganisationTask(flow.View):
    """A task for the applying organisation: any of its members may take and complete it (on the portal)."""

    def _is_member(self, user, task) -> bool:
        from organisations.selectors import organisations_for_user

        if user is None or not user.is_authenticated:
            return False
        organisation_id = task.process.coerced.application.organisation_id
        return organisations_for_user(user).filter(pk=organisation_id).exists()

    def can_assign(self, user, task):
        return task.owner_id is None and self._is_member(user, task)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and self._is_member(user, task)


class ReviewTask(flow.View):
    """A review in one slot, assigned to the reviewer named for that slot (see `.Assign`)."""

    def __init__(self, view, slot: int, **kwargs):
        super().__init__(view, **kwargs)
        self.slot = slot
