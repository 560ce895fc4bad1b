"""Staff pages: the task list and one page per human task of the funding flow."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.errors import ApplicationError, NotAllowed, RecordBusy
from applications.models import OPEN_STATUSES, DecisionLetter
from applications.selectors import applications_for_staff, may_record_posting
from applications.services import (
    completeness_confirm,
    decision_approve,
    decision_propose,
    decision_send_back,
    items_request_lapse,
    review_declare,
    review_submit,
    reviewer_reassign,
    reviewers_assign,
    version_changes,
)
from workflow.forms import (
    ApprovalForm,
    AssignReviewersForm,
    BatchReviewersForm,
    CancelForm,
    CompletenessForm,
    ConflictForm,
    EarlyStartDecisionForm,
    OverdueForm,
    PostingForm,
    ProposalForm,
    ReassignReviewerForm,
    ReviewForm,
    TaskSelectionForm,
    WorklistFilterForm,
)

STAFF_PERMISSIONS = (
    "applications.check_application",
    "applications.approve_decision",
    "applications.review_application",
    "applications.cancel_application",
    "grants.release_payment",
)


def require_staff(user) -> None:
    if not any(user.has_perm(p) for p in STAFF_PERMISSIONS):
        raise PermissionDenied


class WorklistView(LoginRequiredMixin, View):
    """Inbox, queue and done: filtered, sorted by deadline, 50 tasks a page, with batch actions and exports."""

    which = "inbox"
    per_page = 25

    def setup_lists(self, request):
        from applications.selectors import programmes_for_staff
        from workflow.worklists import task_list

        require_staff(request.user)
        form = WorklistFilterForm(request.GET or None, programmes=programmes_for_staff(request.user))
        return form, task_list(request.user, self.which, form.task_filter())

    def get(self, request):
        from applications.selectors import is_office
        from workflow.worklists import COUNT_CAP, CappedPaginator, list_counts, task_rows

        form, tasks = self.setup_lists(request)
        page = CappedPaginator(tasks, self.per_page).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        step = form.cleaned_data.get("step") if form.is_bound and form.is_valid() else ""
        may_assign = step == "assign_reviewers" and request.user.has_perm("applications.assign_reviewers")
        context = {
            "which": self.which,
            "form": form,
            "page": page,
            "rows": task_rows(request.user, list(page.object_list)),
            "counts": list_counts(request.user, {} if request.GET else {self.which: page.paginator.count}),
            "query": query.urlencode(),
            "cap": COUNT_CAP,
            "may_export": is_office(request.user),
            "batch_take": self.which == "queue",
            "batch_reviewers": BatchReviewersForm() if may_assign and self.which != "done" else None,
            "letters_to_post": self.letters_to_post(request.user) if self.which == "inbox" else None,
        }
        return render(request, "workflow/task_list.html", context, status=400 if form.errors else 200)

    def letters_to_post(self, user) -> list | None:
        """Letters of the user's programmes that the office must post, the decision letters and the letters after
        the decision (at most 50, those waiting longest first)."""
        from applications.delivery import letters_to_post
        from applications.selectors import programme_scope
        from grants.models import GrantLetter

        if not may_record_posting(user):
            return None
        scope = programme_scope(user)
        rows = []
        for model in (DecisionLetter, GrantLetter):
            letters = letters_to_post(model)
            if scope is not None:
                letters = letters.filter(**{f"{model.application_path}__call__programme__in": scope})
            rows += [
                {
                    "letter": letter,
                    "application": letter.application,
                    "name": letter.delivery_name or model._meta.verbose_name,
                    "anchor": f"{letter.message_key}-{letter.pk}",
                    "since": letter.provision_ended_at or letter.created,
                }
                for letter in letters[:50]
            ]
        return sorted(rows, key=lambda row: row["since"])[:50]


class WorklistExportView(WorklistView):
    """The filtered list as CSV or XLSX: every row, not only the page on screen."""

    def get(self, request, which, fmt):
        from django.utils import timezone

        from applications.selectors import is_office
        from applications.spreadsheets import csv_response, xlsx_response
        from workflow.worklists import LISTS, export_header, export_rows

        require_staff(request.user)
        if not is_office(request.user):
            raise PermissionDenied  # reviewers work from their list; the office downloads
        if which not in LISTS or fmt not in ("csv", "xlsx"):
            raise Http404
        self.which = which
        _form, tasks = self.setup_lists(request)
        name, rows = f"{self.which}-{timezone.localdate():%Y-%m-%d}", export_rows(request.user, tasks)
        if fmt == "xlsx":
            return xlsx_response(name, export_header(), rows, title=_("Tasks"))
        return csv_response(name, export_header(), rows)


def _back_to_list(request, default="workflow:tasks"):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/staff/"):
        return redirect(target)
    return redirect(default)


class BatchTakeView(LoginRequiredMixin, View):
    def post(self, request):
        from workflow.services import tasks_take
        from workflow.worklists import QUEUE, task_list

        require_staff(request.user)
        form = TaskSelectionForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["tasks"][0])
            return _back_to_list(request, "workflow:queue")
        tasks = list(task_list(request.user, QUEUE).filter(pk__in=form.cleaned_data["tasks"]))
        taken = tasks_take(tasks=tasks, by=request.user)
        skipped = len(form.cleaned_data["tasks"]) - taken
        messages.success(request, _("You took %(count)s tasks; they are in your inbox.") % {"count": taken})
        if skipped:
            messages.warning(
                request,
                _("%(count)s tasks could not be taken: someone else took them, or you may not.") % {"count": skipped},
            )
        return _back_to_list(request, "workflow:queue")


class BatchReviewersView(LoginRequiredMixin, View):
    def post(self, request):
        from workflow.flows import FundingFlow
        from workflow.services import reviewers_assign_many
        from workflow.worklists import INBOX, QUEUE, task_list

        require_staff(request.user)
        if not request.user.has_perm("applications.assign_reviewers"):
            raise PermissionDenied
        form = BatchReviewersForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
            return _back_to_list(request)
        ids = form.cleaned_data["tasks"]
        tasks = [
            task
            for which in (INBOX, QUEUE)
            for task in task_list(request.user, which).filter(pk__in=ids, flow_task=FundingFlow.assign_reviewers)
        ]
        results = reviewers_assign_many(tasks=tasks, by=request.user, reviewers=form.reviewers())
        done = [application for application, error in results if error is None]
        if done:
            messages.success(request, _("Reviewers were assigned to %(count)s applications.") % {"count": len(done)})
        for application, error in results:
            if error is not None:
                messages.error(request, f"{application.reference}: {error}")
        if len(tasks) < len(ids):
            messages.warning(request, _("Some selected tasks were no longer open for you."))
        return _back_to_list(request)


class TaskView(LoginRequiredMixin, View):
    """Routes /staff/tasks/<id>/ to the page of the node the task belongs to."""

    def dispatch(self, request, task_id):
        from workflow.selectors import open_staff_task_exists, open_task_for_staff

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_staff(request.user)
        task = open_task_for_staff(request.user, task_id)
        if task is None:
            ended = _task_seen_by(request.user, task_id)
            if ended is not None:
                return task_ended_page(request, ended)
            if open_staff_task_exists(request.user, task_id):
                raise PermissionDenied(_("This task belongs to another role or person."))
            raise Http404
        return task.flow_task.view(request, task=task)


def _task_seen_by(user, task_id: int):
    """A staff task that is no longer open for this user but that they may have had open: their own, or, for the
    office, one their role could take in their programmes. Reviewers learn nothing of other people's reviews."""
    from viewflow.workflow.models import Task

    from applications.selectors import is_office, programme_scope
    from workflow.models import on_staff_process
    from workflow.selectors import STAFF_NODES

    task = Task.objects.filter(pk=task_id, flow_task__in=STAFF_NODES).select_related("process", "owner").first()
    if task is None:
        return None
    may_take = is_office(user) and task.owner_permission and user.has_perm(task.owner_permission)
    if task.owner_id != user.pk and not may_take:
        return None
    scope = programme_scope(user)
    if scope is not None and not Task.objects.filter(on_staff_process(programme__in=scope), pk=task.pk).exists():
        return None
    task.process = getattr(task.process, task.flow_task.flow_class.process_class._meta.model_name)
    return task


def _typed_text(form) -> list[tuple[str, str]]:
    """What the user wrote into the form's text fields, to show it back when it could not be saved."""
    from django import forms

    typed = []
    for field in form:
        value = field.value()
        written = isinstance(field.field.widget, forms.Textarea | forms.TextInput)
        if written and isinstance(value, str) and value.strip():
            typed.append((field.label, value))
    return typed


def _application_of(task):
    return task.process.coerced.application


def task_ended_page(request, task):
    """The answer to opening or sending a task someone else finished, took or ended a moment earlier: who and when,
    where to look now, and what the user typed (nothing of it was saved). 409 for a POST, whose input was refused."""
    from workflow.errors import task_ended_for_staff

    application = _application_of(task)
    typed = []
    if request.method == "POST":
        view = task.flow_task.view.view_class()
        view.request = request
        typed = _typed_text(view.make_form(task, request.POST))
    context = {
        "task": task,
        "node": task.flow_task,
        "application": application,
        "ended": task_ended_for_staff(task, application, request.user),
        "typed": typed,
    }
    return render(request, "workflow/task_ended.html", context, status=409 if request.method == "POST" else 200)


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

    def make_form(self, task, data=None):
        return self.form_class(data)

    def get(self, request, task):
        self.check_permission(request, task)
        return render(request, self.template_name, self.context(task, self.make_form(task)))

    def post(self, request, task):
        from workflow.errors import ProcessBusy, TaskUnavailable
        from workflow.services import task_complete

        self.check_permission(request, task)
        form = self.make_form(task, request.POST)
        status = 200
        if form.is_valid():
            try:
                task_complete(task=task, by=request.user, action=lambda process: self.complete(process, form))
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except (ProcessBusy, RecordBusy) as error:
                form.add_error(None, error.message)
                status = 409
            except TaskUnavailable:
                task.refresh_from_db()
                return task_ended_page(request, task)
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, self.success_message)
                return redirect("workflow:tasks")
        if form.errors and status == 200:
            status = 400
        return render(request, self.template_name, self.context(task, form), status=status)


class ProposeDecisionView(HumanTaskView):
    template_name = "workflow/propose.html"
    form_class = ProposalForm
    success_message = gettext_lazy("Your proposal was sent for approval.")

    def context(self, task, form):
        from applications.assessment import grant_limit_for, plan_figures, review_summary
        from applications.budget import budget_position

        context = super().context(task, form)
        application = context["application"]
        context["reviews"] = review_summary(application)
        figures = plan_figures(application)
        context["figures"] = figures
        context["limit"] = grant_limit_for(application, figures["costs"])
        context["budget"] = budget_position(application.call)
        return context

    def complete(self, process, form):
        return decision_propose(application=process.application, by=self.request.user, **form.service_arguments())


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
        from applications.assessment import review_summary
        from applications.budget import budget_position

        context = super().context(task, form)
        decision = context["application"].current_decision
        context["decision"] = decision
        context["reviews"] = review_summary(context["application"])
        context["budget"] = budget_position(context["application"].call, excluding=decision)
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

    def context(self, request, application, form=None, posting_form=None):
        from applications.assessment import grant_calculation, review_summary
        from applications.models import REVIEW_EVENTS, EventKind
        from applications.selectors import OFFICE_PERMISSIONS
        from workflow.grant_views import grant_section
        from workflow.selectors import open_tasks

        decisions = list(application.decisions.select_related("proposed_by", "approved_by", "letter"))
        may_cancel = application.status in OPEN_STATUSES and request.user.has_perm("applications.cancel_application")
        office = any(request.user.has_perm(permission) for permission in OFFICE_PERMISSIONS)
        events = list(application.events.select_related("actor"))
        tasks = open_tasks(application)
        if not office:  # a reviewer: who else reviews, and any conflict they declared, stay with the office
            events = [event for event in events if event.kind not in REVIEW_EVENTS]
            tasks = tasks.filter(owner=request.user)
        confirmed = [e for e in events if e.kind == EventKind.COMPLETENESS_CONFIRMED]
        return {
            "application": application,
            "open_tasks": tasks,
            "grant": grant_calculation(application),
            "documents": application.documents.all(),
            "checklist": application.call.programme.checklist.all(),
            "completeness": confirmed[-1] if confirmed else None,
            "requests": application.items_requests.select_related("requested_by", "answered_by"),
            # Reviewers see the other reviews only through the office, so that no review leans on another.
            "reviews": review_summary(application) if office else None,
            "decisions": decisions,
            "office": office,
            "letters": self.letter_rows(request, application, decisions, posting_form),
            "events": events,
            "may_cancel": may_cancel,
            "cancel_form": form or (CancelForm() if may_cancel else None),
            **grant_section(request, application, posting_form),
        }

    def letter_rows(self, request, application, decisions, posting_form=None) -> list[dict]:
        """Each decision letter with where its delivery stands, and for a letter to post, the form to record it."""
        return [
            delivery_row(request.user, decision.letter, application, posting_form)
            for decision in decisions
            if getattr(decision, "letter", None) is not None
        ]


POSTING_URLS = {
    "applications.DecisionLetter": "workflow:letter_posted",
    "grants.GrantLetter": "workflow:grant_letter_posted",
}


def delivery_row(user, letter, application, posting_form=None) -> dict:
    """Where a letter's delivery stands (any kind of letter), and for a letter to post, the form to record the
    posting: `posting_form` when it was just sent for this letter and refused, with the input kept."""
    from django.urls import reverse

    from applications.delivery_rules import Delivery, delivery_of, provision_last_day

    delivery = delivery_of(letter, application)
    form = None
    if delivery == Delivery.TO_POST and letter.is_ready and may_record_posting(user):
        if posting_form is not None and posting_form.letter == letter:
            form = posting_form
        else:
            form = PostingForm(letter=letter)
    return {
        "letter": letter,
        "delivery": delivery.value,
        "last_day": provision_last_day(letter.provided_at) if letter.provided_at else None,
        "posting_form": form,
        "posting_url": reverse(POSTING_URLS[type(letter)._meta.label], args=[application.pk, letter.pk]),
    }


class LetterPostedView(ApplicationView):
    """Staff record that they sent a letter by post (a decision letter, or with `model` a letter after the decision);
    its delivery date follows from the posting date."""

    model = DecisionLetter

    def post(self, request, pk, letter_pk):
        from applications.delivery import letter_posting_record

        require_staff(request.user)
        if not may_record_posting(request.user):
            raise PermissionDenied
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        letter = get_object_or_404(self.model, pk=letter_pk, **{self.model.application_path: application})
        form = PostingForm(request.POST, letter=letter)
        if form.is_valid():
            try:
                letter = letter_posting_record(letter=letter, by=request.user, posted_on=form.cleaned_data["posted_on"])
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("The posting was recorded. The letter counts as delivered on %(date)s.")
                    % {"date": formats.date_format(letter.delivered_at, "SHORT_DATE_FORMAT")},
                )
                return redirect("workflow:application", pk=pk)
        context = self.context(request, application, posting_form=form)
        return render(request, "workflow/application.html", context, status=400)


class DocumentView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from applications.downloads import document_response
        from applications.selectors import documents_for_staff

        require_staff(request.user)
        document = get_object_or_404(documents_for_staff(request.user), pk=pk)
        return document_response(document, inline=request.GET.get("view") == "1")


class CancelView(ApplicationView):
    def post(self, request, pk):
        from workflow.errors import ProcessBusy, procedure_ended_for_staff
        from workflow.services import application_cancel_and_end

        require_staff(request.user)
        if not request.user.has_perm("applications.cancel_application"):
            raise PermissionDenied
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        form = CancelForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                application_cancel_and_end(application=application, by=request.user, reason=form.cleaned_data["reason"])
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except ProcessBusy as error:
                form.add_error(None, error.message)
                status = 409
            except ApplicationError as error:
                application.refresh_from_db()
                ended = procedure_ended_for_staff(application) if application.status not in OPEN_STATUSES else None
                form.add_error(None, ended or error.message)
                status = 409 if ended else 400
            else:
                messages.success(request, _("The procedure was ended and the organisation was told."))
                return redirect("workflow:application", pk=pk)
        return render(request, "workflow/application.html", self.context(request, application, form), status=status)


class OrganisationTaskRedirect(View):
    """The organisation answers on its own portal page."""

    def get(self, request, task):
        return redirect("portal:application_answer", pk=task.process.coerced.application_id)


class CompletenessCheckView(HumanTaskView):
    template_name = "workflow/completeness.html"
    success_message = gettext_lazy("The result of the check was saved.")

    def make_form(self, task, data=None):
        return CompletenessForm(data, checklist=task.process.coerced.application.call.programme.checklist.all())

    def context(self, task, form):
        context = super().context(task, form)
        application = context["application"]
        context["changes"] = version_changes(application)
        context["requests"] = application.items_requests.all()
        return context

    def complete(self, process, form):
        application = process.application
        if form.cleaned_data["outcome"] == CompletenessForm.COMPLETE:
            return completeness_confirm(application=application, by=self.request.user)
        from workflow.services import items_request_and_tell

        return items_request_and_tell(
            application=application,
            by=self.request.user,
            message=form.cleaned_data["message"],
            deadline=form.cleaned_data["deadline"],
        )


class OverdueDecisionView(HumanTaskView):
    template_name = "workflow/overdue.html"
    form_class = OverdueForm
    success_message = gettext_lazy("Your decision was recorded.")

    def context(self, task, form):
        context = super().context(task, form)
        context["request_"] = context["application"].items_requests.order_by("-requested_at").first()
        return context

    def complete(self, process, form):
        application = process.application
        if form.cleaned_data["action"] == OverdueForm.EXTEND:
            from workflow.services import items_extend_and_tell

            return items_extend_and_tell(
                application=application, by=self.request.user, deadline=form.cleaned_data["deadline"]
            )
        return items_request_lapse(application=application, by=self.request.user)


class AssignReviewersView(HumanTaskView):
    template_name = "workflow/assign_reviewers.html"
    success_message = gettext_lazy("The reviewers were assigned and can start.")

    def make_form(self, task, data=None):
        programme = task.process.coerced.application.call.programme
        return AssignReviewersForm(data, count=programme.reviewers_required, programme_id=programme.pk)

    def complete(self, process, form):
        return reviewers_assign(application=process.application, by=self.request.user, reviewers=form.reviewers())


class ReassignReviewerView(HumanTaskView):
    template_name = "workflow/assign_reviewers.html"
    form_class = ReassignReviewerForm
    success_message = gettext_lazy("Another reviewer was assigned.")
    slot = 1

    def make_form(self, task, data=None):
        return ReassignReviewerForm(data, programme_id=task.process.coerced.application.call.programme_id)

    def complete(self, process, form):
        return reviewer_reassign(
            application=process.application,
            slot=self.slot,
            by=self.request.user,
            reviewer=form.cleaned_data["reviewer"],
        )


class ReviewView(HumanTaskView):
    """First the conflict-of-interest declaration (the application stays hidden), then the review itself."""

    template_name = "workflow/review.html"
    success_message = gettext_lazy("Thank you, your review was submitted.")

    def assignment(self, task):
        application = task.process.coerced.application
        return application.review_assignments.filter(slot=task.flow_task.slot, active=True).first()

    def declared(self, task):
        assignment = self.assignment(task)
        return getattr(assignment, "review", None) if assignment else None

    def make_form(self, task, data=None):
        if self.declared(task) is None:
            return ConflictForm(data)
        return ReviewForm(data, criteria=task.process.coerced.application.call.programme.criteria.all())

    def context(self, task, form):
        context = super().context(task, form)
        context["declared"] = self.declared(task) is not None
        return context

    def post(self, request, task):
        if self.declared(task) is None:
            self.check_permission(request, task)
            form = ConflictForm(request.POST)
            if form.is_valid() and form.cleaned_data["declaration"] == ConflictForm.NONE:
                assignment = self.assignment(task)
                if assignment is None:
                    raise PermissionDenied(_("This review is not assigned to you."))
                try:
                    review_declare(assignment=assignment, by=request.user, conflict=False)
                except NotAllowed as error:
                    raise PermissionDenied(error.message) from None
                except ApplicationError:
                    pass  # declared a moment ago in another tab: show the review form
                return redirect("workflow:task", task_id=task.pk)
        return super().post(request, task)

    def complete(self, process, form):
        assignment = self.assignment_for(process)
        if isinstance(form, ConflictForm):
            return review_declare(
                assignment=assignment, by=self.request.user, conflict=True, note=form.cleaned_data["conflict_note"]
            )
        data = form.cleaned_data
        return review_submit(
            review=assignment.review,
            by=self.request.user,
            scores=form.scores(),
            memo=data["memo"],
            double_funding=data["double_funding"] == "yes",
            double_funding_note=data["double_funding_note"],
            own_funds_counted=data["own_funds_counted"] == "yes",
        )

    def assignment_for(self, process):
        return process.application.review_assignments.get(slot=self.slot_in_progress, active=True)

    def dispatch(self, request, *args, **kwargs):
        self.slot_in_progress = kwargs["task"].flow_task.slot
        return super().dispatch(request, *args, **kwargs)


class EarlyStartDecisionView(HumanTaskView):
    template_name = "workflow/early_start.html"
    form_class = EarlyStartDecisionForm
    success_message = gettext_lazy("Your decision was recorded and the organisation is told.")

    def context(self, task, form):
        request_ = task.process.coerced.request
        return {
            "task": task,
            "form": form,
            "application": request_.application,
            "node": task.flow_task,
            "request_": request_,
        }

    def complete(self, process, form):
        from applications.services import early_start_decide

        return early_start_decide(
            request=process.request,
            by=self.request.user,
            granted=form.cleaned_data["decision"] == EarlyStartDecisionForm.GRANT,
            note=form.cleaned_data["note"],
        )
