"""The applicant's pages: dashboard, applications, submission, letters. Always scoped to the user's organisations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import eligibility
from applications import selectors as application_selectors
from applications.assessment import (
    cost_total,
    grant_calculation,
    programme_rules,
    required_documents_for,
    third_party_total,
)
from applications.delivery import letter_download_record
from applications.delivery_rules import delivery_of, provision_last_day
from applications.downloads import document_response
from applications.errors import ApplicationError, NotAllowed
from applications.models import EDITABLE_STATUSES, ApplicationStatus, Call
from applications.services import (
    application_create,
    application_submission_problems,
    application_update,
    cost_plan_set,
    document_add,
    document_remove,
    financing_plan_set,
    items_answer_refusal,
    may_be_withdrawn,
    may_request_early_start,
)
from applications.uploads import too_large_message
from organisations.selectors import acting_organisation, directory, is_representative, may_receive_letters
from organisations.services import acting_organisation_choose, organisation_create, organisation_profile_update
from portal.forms import (
    AccessibilityFeedbackForm,
    AnswerForm,
    CostLineFormSet,
    DirectorySearchForm,
    DocumentForm,
    EarlyStartForm,
    EligibilityCheckForm,
    FinancingForm,
    OrganisationForm,
    OrganisationProfileForm,
    ProjectForm,
    SubmitForm,
    ThirdPartyFormSet,
    WithdrawForm,
)
from portal.history import public_history
from portal.next_step import next_step
from portal.progress import progress
from portal.services import accessibility_feedback_send
from workflow.errors import ProcessBusy, answer_refused, withdrawal_refused
from workflow.services import (
    application_submit_and_start,
    application_withdraw_and_end,
    early_start_request_and_start,
    items_answer_and_continue,
)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html", {"calls": application_selectors.open_calls()})
    organisation = acting_organisation(request)
    applications = (
        application_selectors.applications_for_member(request.user).filter(organisation=organisation)
        if organisation
        else []
    )
    rows = [{"application": a, "next": next_step(a)} for a in applications]
    return render(
        request,
        "portal/dashboard.html",
        {"organisation": organisation, "rows": rows, "calls": application_selectors.open_calls()},
    )


@login_required
@require_POST
def choose_organisation(request):
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = 0
    if acting_organisation_choose(request=request, organisation_id=organisation_id) is None:
        raise Http404
    return redirect("portal:home")


def _posted(request):
    return request.POST if request.method == "POST" else None


def _get_application(request, pk):
    try:
        return application_selectors.application_for_member(request.user, pk)
    except application_selectors.Application.DoesNotExist:
        raise Http404 from None


STEPS = [
    ("project", gettext_lazy("Project")),
    ("costs", gettext_lazy("Cost plan")),
    ("financing", gettext_lazy("Financing plan")),
    ("documents", gettext_lazy("Documents")),
    ("submit", gettext_lazy("Check and submit")),
]


def error_list(*forms) -> list[dict]:
    """Every error of the page's forms for the summary at the top, each linked to its field."""
    rows = []
    for form in forms:
        rows += [{"anchor": None, "label": None, "message": e} for e in form.non_field_errors()]
        for field in form:
            rows += [{"anchor": field.auto_id, "label": field.label, "message": e} for e in field.errors]
    return rows


def _step_page(request, application, step, context, status=200):
    return render(
        request,
        "portal/application_step.html",
        {
            "application": application,
            "call": application.call if application else context.get("call"),
            "organisation": application.organisation if application else context.get("organisation"),
            "steps": STEPS,
            "step": step,
            **context,
        },
        status=status,
    )


def _after_save(request, application, step):
    messages.success(request, _("Your draft was saved."))
    if "next" in request.POST:
        following = [name for name, _label in STEPS][[name for name, _label in STEPS].index(step) + 1]
        if following == "submit":
            return redirect("portal:application_submit", pk=application.pk)
        return redirect("portal:application_step", pk=application.pk, step=following)
    return redirect("portal:application_step", pk=application.pk, step=step)


@login_required
def application_new(request, call_id):
    call = get_object_or_404(application_selectors.open_calls(), pk=call_id)
    organisation = acting_organisation(request)
    if organisation is None:
        messages.error(request, _("You are not a member of any organisation yet."))
        return redirect("portal:home")
    form = ProjectForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(organisation=organisation, call=call, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _after_save(request, application, "project")
    return _step_page(
        request,
        None,
        "project",
        {"form": form, "errors": error_list(form), "call": call, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def application_edit(request, pk):
    application = _get_application(request, pk)
    return redirect("portal:application_step", pk=application.pk, step="project")


@login_required
def application_step(request, pk, step):
    application = _get_application(request, pk)
    if application.status not in EDITABLE_STATUSES:
        return redirect("portal:application_detail", pk=pk)
    handlers = {
        "project": _project_step,
        "costs": _costs_step,
        "financing": _financing_step,
        "documents": _documents_step,
    }
    if step not in handlers:
        raise Http404
    return handlers[step](request, application)


def _project_step(request, application):
    form = ProjectForm(_posted(request), instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            application_update(application=application, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _after_save(request, application, "project")
    return _step_page(
        request, application, "project", {"form": form, "errors": error_list(form)}, status=400 if form.errors else 200
    )


def _costs_step(request, application):
    initial = [
        {"category": line.category, "description": line.description, "quantity": line.quantity,
         "unit_price": line.unit_price}
        for line in application.cost_lines.all()
    ]  # fmt: skip
    formset = CostLineFormSet(_posted(request), initial=initial, prefix="costs")
    if request.method == "POST" and formset.is_valid():
        lines = [f.cleaned_data for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
        try:
            cost_plan_set(application=application, by=request.user, lines=lines)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return _after_save(request, application, "costs")
    invalid = request.method == "POST" and not formset.is_valid()
    return _step_page(
        request,
        application,
        "costs",
        {"formset": formset, "errors": error_list(*formset.forms), "cost_total": cost_total(application)},
        status=400 if invalid else 200,
    )


def _financing_step(request, application):
    form = FinancingForm(
        _posted(request), initial={"own_funds": application.own_funds, "requested_amount": application.requested_amount}
    )
    initial = [
        {"funder": f.funder, "amount": f.amount, "status": f.status} for f in application.third_party_funds.all()
    ]
    formset = ThirdPartyFormSet(_posted(request), initial=initial, prefix="funds")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
        try:
            financing_plan_set(
                application=application,
                by=request.user,
                own_funds=form.cleaned_data["own_funds"],
                requested_amount=form.cleaned_data["requested_amount"],
                third_party=rows,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _after_save(request, application, "financing")
    invalid = request.method == "POST" and not (form.is_valid() and formset.is_valid())
    return _step_page(
        request,
        application,
        "financing",
        {
            "form": form,
            "formset": formset,
            "errors": error_list(form, *formset.forms),
            "cost_total": cost_total(application),
            "third_party_total": third_party_total(application),
            "calculation": grant_calculation(application),
        },
        status=400 if invalid else 200,
    )


def _documents_step(request, application):
    form = DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and "remove" in request.POST:
        remove = request.POST.get("remove", "")
        document = application.documents.filter(pk=int(remove)).first() if remove.isdigit() else None
        if document is not None:
            document_remove(document=document, by=request.user)
            messages.success(request, _("The document was removed."))
        return redirect("portal:application_step", pk=application.pk, step="documents")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
    elif request.method == "POST" and "next" in request.POST and not request.FILES:
        return _after_save(request, application, "documents")
    if request.method == "POST" and form.is_valid():
        try:
            document_add(
                application=application,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The document was uploaded."))
            return _after_save(request, application, "documents")
    rules = programme_rules(application.call.programme, application.call)
    return _step_page(
        request,
        application,
        "documents",
        {
            "form": form,
            "errors": error_list(form),
            "documents": application.documents.all(),
            "needed": required_documents_for(rules, application.organisation.legal_form, application.works_with_minors),
        },
        status=400 if form.errors else 200,
    )


@login_required
def document_download(request, pk):
    document = application_selectors.documents_for_member(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document_response(document)


@login_required
def application_answer(request, pk):
    """Answer the office's request for missing items and send the application again."""
    application = _get_application(request, pk)
    if application.status != ApplicationStatus.ITEMS_REQUESTED:
        return _answer_refused(request, application)
    request_ = application.items_requests.order_by("-requested_at").first()
    form = AnswerForm(_posted(request))
    problems = application_submission_problems(application, resubmission=True)
    may_sign = is_representative(request.user, application.organisation)
    status = 200
    if request.method == "POST" and not may_sign:
        raise PermissionDenied(_("Only a representative of the organisation may send the application again."))
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            items_answer_and_continue(application=application, by=request.user, answer=form.cleaned_data["answer"])
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ProcessBusy as error:
            form.add_error(None, error.message)
            status = 409
        except ApplicationError as error:
            application.refresh_from_db()
            if application.status != ApplicationStatus.ITEMS_REQUESTED:
                return _answer_refused(request, application)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. Your answer was sent to the office."))
            return redirect("portal:application_detail", pk=pk)
    return render(
        request,
        "portal/application_answer.html",
        {
            "application": application,
            "request_": request_,
            "form": form,
            "problems": problems,
            "refusal": items_answer_refusal(request_) if request.method == "GET" else None,
            "may_sign": may_sign,
            "steps": STEPS[:-1],
            "step": "answer",
            "errors": error_list(form),
        },
        status=400 if form.errors and status == 200 else status,
    )


def _answer_refused(request, application):
    """The office no longer waits for an answer (it cancelled, decided, or someone answered already): say why; an
    answer that was sent is shown back, unsaved, so that nothing typed is lost."""
    if request.method != "POST":
        return redirect("portal:application_detail", pk=application.pk)
    answer = request.POST.get("answer", "")
    return render(
        request,
        "portal/application_answer.html",
        {
            "application": application,
            "ended": answer_refused(application),
            "typed": [(AnswerForm.base_fields["answer"].label, answer)] if answer.strip() else [],
        },
        status=409,
    )


@login_required
def application_submit(request, pk):
    application = _get_application(request, pk)
    if application.status == ApplicationStatus.ITEMS_REQUESTED:
        return redirect("portal:application_answer", pk=pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("portal:application_detail", pk=pk)
    problems = application_submission_problems(application)
    may_sign = is_representative(request.user, application.organisation)
    form = SubmitForm(_posted(request))
    if request.method == "POST" and not may_sign:
        raise PermissionDenied(_("Only a representative of the organisation may submit the application."))
    if request.method == "POST" and not problems and may_sign and form.is_valid():
        try:
            application_submit_and_start(
                application=application, by=request.user, delivery_consent=form.cleaned_data["delivery_consent"]
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your application was submitted. We will let you know by e-mail."))
            return redirect("portal:application_detail", pk=pk)
    return render(
        request,
        "portal/application_submit.html",
        {
            "application": application,
            "problems": problems,
            "may_sign": may_sign,
            "form": form,
            "steps": STEPS,
            "step": "submit",
            "calculation": grant_calculation(application),
            "cost_total": cost_total(application),
        },
        status=400 if form.errors else 200,
    )


@login_required
def application_detail(request, pk):
    application = _get_application(request, pk)
    letters = application_selectors.letters_for_member(request.user).filter(decision__application=application)
    letters = [
        {
            "letter": letter,
            "delivery": delivery_of(letter, application).value,
            "last_day": provision_last_day(letter.provided_at) if letter.provided_at else None,
        }
        for letter in letters.select_related("retrieved_by")
    ]
    return render(
        request,
        "portal/application_detail.html",
        {
            "application": application,
            "next": next_step(application),
            "letters": letters,
            "may_receive_letters": may_receive_letters(request.user, application.organisation),
            "history": public_history(application),
            "progress": progress(application),
            "may_withdraw": may_be_withdrawn(application) and is_representative(request.user, application.organisation),
            "early_starts": application.early_start_requests.all(),
            "may_request_early_start": may_request_early_start(application),
            **_grant_section(application, request.user),
        },
    )


def _grant_section(application, user) -> dict:
    from grants.models import Grant
    from portal.grant_views import grant_context

    grant = Grant.objects.filter(application=application).select_related("decision").first()
    return grant_context(grant, user) if grant else {}


@login_required
def letter_status(request, pk):
    """Whether the decision letter is ready, for the page that waits for it (polled by letter-wait.js)."""
    from portal.next_step import letter_ready

    application = _get_application(request, pk)
    return JsonResponse({"ready": letter_ready(application)})


@login_required
def application_withdraw(request, pk):
    application = _get_application(request, pk)
    if not may_be_withdrawn(application):
        return _withdrawal_refused(request, application)
    if not is_representative(request.user, application.organisation):
        raise PermissionDenied(_("Only a representative of the organisation may withdraw the application."))
    form = WithdrawForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw_and_end(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except ProcessBusy as error:
            form.add_error(None, error.message)
            status = 409
        except ApplicationError as error:
            application.refresh_from_db()
            if not may_be_withdrawn(application):
                return _withdrawal_refused(request, application)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The application was withdrawn."))
            return redirect("portal:application_detail", pk=pk)
    return render(
        request,
        "portal/application_withdraw.html",
        {"application": application, "form": form},
        status=400 if form.errors and status == 200 else status,
    )


def _withdrawal_refused(request, application):
    """The procedure ended before the withdrawal arrived (a decision, a cancellation, another representative): say
    so; a reason that was sent is shown back, unsaved."""
    if request.method != "POST":
        return redirect("portal:application_detail", pk=application.pk)
    reason = request.POST.get("reason", "")
    return render(
        request,
        "portal/application_withdraw.html",
        {
            "application": application,
            "ended": withdrawal_refused(application),
            "typed": [(WithdrawForm.base_fields["reason"].label, reason)] if reason.strip() else [],
        },
        status=409,
    )


@login_required
def letter_download(request, pk):
    letter = application_selectors.letters_for_member(request.user).filter(pk=pk).first()
    if letter is None:
        raise Http404
    letter_download_record(letter=letter, by=request.user)
    filename = letter.file.name.rsplit("/", 1)[-1]
    return FileResponse(letter.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


def programme_calls(request):
    return render(request, "portal/calls.html", {"calls": application_selectors.open_calls()})


def call_detail(request, pk):
    call = get_object_or_404(Call.objects.select_related("programme"), pk=pk)
    return render(request, "portal/call_detail.html", {"call": call})


def eligibility_check(request, pk):
    """Public: answers "can we apply?" for one call from a few questions, before anyone fills in a form."""
    call = get_object_or_404(Call.objects.select_related("programme"), pk=pk)
    form = EligibilityCheckForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        rules = programme_rules(call.programme, call)
        facts = eligibility.Facts(
            applied_on=timezone.localdate(),
            legal_form=data["legal_form"],
            seat=data["seat"],
            requested_amount=data["requested_amount"],
            total_costs=data["total_costs"],
            own_funds=data["own_funds"],
            period_start=data["period_start"],
            works_with_minors=data["works_with_minors"] if data["works_with_minors"] != "" else None,
        )
        result = {
            "unmet": eligibility.check(rules, facts),
            "documents": required_documents_for(rules, data["legal_form"], facts.works_with_minors),
            "open": call.is_open(),
        }
    return render(
        request,
        "portal/eligibility_check.html",
        {"call": call, "form": form, "result": result, "errors": error_list(form) if request.GET else []},
        status=400 if request.GET and form.errors else 200,
    )


@login_required
def organisation_new(request):
    """Register a group: whoever registers it becomes its first representative and acts for it."""
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items()}
        organisation = organisation_create(founder=request.user, **data)
        acting_organisation_choose(request=request, organisation_id=organisation.pk)
        messages.success(request, _("Your organisation was registered. You can now apply."))
        return redirect("portal:home")
    return render(
        request,
        "portal/organisation_form.html",
        {"form": form, "errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@login_required
def early_start(request, pk):
    """Ask for a vorzeitiger Maßnahmebeginn: starting before the decision without losing the chance of funding."""
    application = _get_application(request, pk)
    form = EarlyStartForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            early_start_request_and_start(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your request was sent. The office will tell you its decision."))
            return redirect("portal:application_detail", pk=pk)
    return render(
        request,
        "portal/early_start.html",
        {"application": application, "form": form, "errors": error_list(form)},
        status=400 if form.errors else 200,
    )


FEEDBACK_PER_HOUR = 5


def accessibility(request):
    """The accessibility statement (BremBGG) with its feedback form, which reaches the programme administrators."""
    form = AccessibilityFeedbackForm(_posted(request), initial={"page": request.GET.get("page", "")})
    if request.method == "POST" and form.is_valid():
        key = f"accessibility-feedback:{request.META.get('REMOTE_ADDR', '')}"
        sent = cache.get(key, 0)
        if sent >= FEEDBACK_PER_HOUR:
            form.add_error(None, _("You have sent several reports already. Please try again in an hour."))
        else:
            cache.set(key, sent + 1, 3600)
            accessibility_feedback_send(language=request.LANGUAGE_CODE, **form.cleaned_data)
            messages.success(request, _("Thank you. Your report was sent to the office."))
            return redirect("portal:accessibility")
    return render(
        request,
        "portal/accessibility.html",
        {"form": form, "errors": error_list(form)},
        status=400 if form.errors else 200,
    )


def privacy_notice(request):
    """The privacy notice (Datenschutzerklärung, Art. 13 GDPR): public, linked from every page, the sign-up and
    the application, and named in decision letters."""
    return render(
        request,
        "portal/privacy.html",
        {
            "controller": settings.ISSUING_OFFICE,
            "officer": settings.DATA_PROTECTION_OFFICER,
            "officer_email": settings.DATA_PROTECTION_OFFICER_EMAIL,
            "application_years": settings.RETENTION_APPLICATION_YEARS,
            "receipt_years": settings.RETENTION_RECEIPTS_YEARS,
        },
    )


def organisation_directory(request):
    """Public: organisations that chose to be listed, searchable by name, language, district, topic and place."""
    form = DirectorySearchForm(request.GET or None)
    organisations = directory()
    if form.is_valid():
        data = form.cleaned_data
        organisations = directory(query=data["q"], topic=data["topic"].pk if data["topic"] else None, seat=data["seat"])
    return render(request, "portal/directory.html", {"form": form, "organisations": organisations[:200]})


@login_required
def organisation_profile(request):
    """A representative edits the acting organisation's profile and its listing in the public directory."""
    organisation = acting_organisation(request)
    if organisation is None or not is_representative(request.user, organisation):
        raise PermissionDenied(_("Only a representative of the organisation may edit its profile."))
    form = OrganisationProfileForm(_posted(request), instance=organisation, initial={"listed": organisation.is_listed})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        listed = data.pop("listed")
        organisation_profile_update(organisation=organisation, by=request.user, listed=listed, **data)
        messages.success(request, _("The profile was saved."))
        return redirect("portal:organisation_profile")
    return render(
        request,
        "portal/organisation_profile.html",
        {"form": form, "errors": error_list(form), "organisation": organisation},
        status=400 if form.errors else 200,
    )
