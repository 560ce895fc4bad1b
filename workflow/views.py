"""Staff pages: the task list and one page per human task of the funding flow."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.errors import ApplicationError, NotAllowed
from applications.models import OPEN_STATUSES
from applications.selectors import applications_for_staff
from applications.services import decision_approve, decision_propose, decision_send_back
from workflow.forms import ApprovalForm, CancelForm, ProposalForm

STAFF_PERMISSIONS = (
    "applications.check_application",
    "applications.approve_decision",
    "applications.review_application",
    "applications.cancel_application",
)


def require_staff(user) -> None:
    if not any(user.has_perm(p) for p in STAFF_PERMISSIONS):
        raise PermissionDenied


class TaskListView(LoginRequiredMixin, View):
    def get(self, request):
        from workflow.selectors import staff_task_rows

        require_staff(request.user)
        return render(request, "workflow/task_list.html", {"rows": staff_task_rows(request.user)})


class TaskView(LoginRequiredMixin, View):
    """Routes /staff/tasks/<id>/ to the page of the node the task belongs to."""

    def dispatch(self, request, task_id):
        from workflow.selectors import open_task_for_staff

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_staff(request.user)
        task = open_task_for_staff(request.user, task_id)
        if task is None:
            raise Http404
        return task.flow_task.view(request, task=task)


class HumanTaskView(View):
    """Shared GET/POST handling: the form, the flow's permission check, the completion under the lock."""

    template_name = ""
    form_class = None

    def check_permission(self, request, task):
        node = task.flow_task
        if not (node.can_assign(request.user, task) or node.can_execute(request.user, task)):
            raise PermissionDenied(_("You may not work on this task."))

    def context(self, task, form):
        process = task.process.coerced
        return {"task": task, "form": form, "application": process.application, "node": task.flow_task}

    def get(self, request, task):
        self.check_permission(request, task)
        return render(request, self.template_name, self.context(task, self.form_class()))

    def post(self, request, task):
        from workflow.services import task_complete

        self.check_permission(request, task)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                task_complete(task=task, by=request.user, action=lambda process: self.complete(process, form))
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, self.success_message)
                return redirect("workflow:tasks")
        return render(request, self.template_name, self.context(task, form), status=400 if form.errors else 200)


class ProposeDecisionView(HumanTaskView):
    template_name = "workflow/propose.html"
    form_class = ProposalForm
    success_message = gettext_lazy("Your proposal was sent for approval.")

    def complete(self, process, form):
        data = form.cleaned_data
        return decision_propose(
            application=process.application,
            by=self.request.user,
            outcome=data["outcome"],
            amount=data.get("amount"),
            reasons=data.get("reasons", ""),
        )


class ApproveDecisionView(HumanTaskView):
    template_name = "workflow/approve.html"
    form_class = ApprovalForm
    success_message = gettext_lazy("Your decision was recorded.")

    def check_permission(self, request, task):
        node = task.flow_task
        if node.is_excluded(request.user, task):
            raise PermissionDenied(_("You proposed this decision, so a second person must approve it."))
        super().check_permission(request, task)

    def context(self, task, form):
        context = super().context(task, form)
        context["decision"] = context["application"].current_decision
        return context

    def complete(self, process, form):
        decision = process.application.current_decision
        if form.cleaned_data["action"] == ApprovalForm.APPROVE:
            return decision_approve(decision=decision, by=self.request.user, comment=form.cleaned_data["comment"])
        return decision_send_back(decision=decision, by=self.request.user, comment=form.cleaned_data["comment"])


class ApplicationView(LoginRequiredMixin, View):
    """Everything staff need about one application: data, decisions, letters with receipts, the full history."""

    def get(self, request, pk):
        require_staff(request.user)
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        return render(request, "workflow/application.html", self.context(request, application))

    def context(self, request, application, form=None):
        letters = [d.letter for d in application.decisions.select_related("letter") if hasattr(d, "letter")]
        may_cancel = application.status in OPEN_STATUSES and request.user.has_perm("applications.cancel_application")
        return {
            "application": application,
            "decisions": application.decisions.select_related("proposed_by", "approved_by"),
            "letters": letters,
            "events": application.events.select_related("actor"),
            "may_cancel": may_cancel,
            "cancel_form": form or (CancelForm() if may_cancel else None),
        }


class CancelView(ApplicationView):
    def post(self, request, pk):
        from workflow.services import application_cancel_and_end

        require_staff(request.user)
        if not request.user.has_perm("applications.cancel_application"):
            raise PermissionDenied
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                application_cancel_and_end(application=application, by=request.user, reason=form.cleaned_data["reason"])
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The procedure was ended and the organisation was told."))
                return redirect("workflow:application", pk=pk)
        return render(request, "workflow/application.html", self.context(request, application, form), status=400)
