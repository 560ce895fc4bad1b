"""The applicant's pages: dashboard, applications, submission, letters. Always scoped to the user's organisations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors as application_selectors
from applications.errors import ApplicationError, NotAllowed
from applications.models import ApplicationStatus, Call
from applications.services import (
    application_create,
    application_submission_problems,
    application_update,
    decision_letter_record_download,
)
from organisations.selectors import acting_organisation, is_representative
from organisations.services import acting_organisation_choose
from portal.forms import ApplicationDraftForm, ConfirmSubmissionForm
from portal.next_step import next_step
from workflow.services import application_submit_and_start


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


@login_required
def application_new(request, call_id):
    call = get_object_or_404(application_selectors.open_calls(), pk=call_id)
    organisation = acting_organisation(request)
    if organisation is None:
        messages.error(request, _("You are not a member of any organisation yet."))
        return redirect("portal:home")
    form = ApplicationDraftForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(organisation=organisation, call=call, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your draft was saved."))
            if "review" in request.POST:
                return redirect("portal:application_submit", pk=application.pk)
            return redirect("portal:application_edit", pk=application.pk)
    return render(
        request,
        "portal/application_form.html",
        {"form": form, "call": call, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def application_edit(request, pk):
    application = _get_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("portal:application_detail", pk=pk)
    form = ApplicationDraftForm(_posted(request), instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_update(application=application, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your draft was saved."))
            if "review" in request.POST:
                return redirect("portal:application_submit", pk=pk)
            return redirect("portal:application_edit", pk=pk)
    return render(
        request,
        "portal/application_form.html",
        {"form": form, "call": application.call, "organisation": application.organisation, "application": application},
        status=400 if form.errors else 200,
    )


@login_required
def application_submit(request, pk):
    application = _get_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("portal:application_detail", pk=pk)
    problems = application_submission_problems(application)
    may_sign = is_representative(request.user, application.organisation)
    form = ConfirmSubmissionForm(_posted(request))
    if request.method == "POST" and not may_sign:
        raise PermissionDenied(_("Only a representative of the organisation may submit the application."))
    if request.method == "POST" and not problems and may_sign and form.is_valid():
        try:
            application_submit_and_start(application=application, by=request.user)
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
        {"application": application, "problems": problems, "may_sign": may_sign, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def application_detail(request, pk):
    application = _get_application(request, pk)
    letters = application_selectors.letters_for_member(request.user).filter(decision__application=application)
    return render(
        request,
        "portal/application_detail.html",
        {"application": application, "next": next_step(application), "letters": letters},
    )


@login_required
def letter_download(request, pk):
    letter = application_selectors.letters_for_member(request.user).filter(pk=pk).first()
    if letter is None:
        raise Http404
    decision_letter_record_download(letter=letter, by=request.user)
    filename = letter.file.name.rsplit("/", 1)[-1]
    return FileResponse(letter.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


def programme_calls(request):
    return render(request, "portal/calls.html", {"calls": application_selectors.open_calls()})


def call_detail(request, pk):
    call = get_object_or_404(Call.objects.select_related("programme"), pk=pk)
    return render(request, "portal/call_detail.html", {"call": call})
