"""The organisation's pages after the decision: waiving the appeal and requesting money."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications.delivery_rules import delivery_of, provision_last_day
from applications.errors import ApplicationError, NotAllowed, RecordBusy
from grants.letters import grant_letter_download_record
from grants.models import Grant
from grants.selectors import grant_letters_for_member, money_position
from grants.services import expected_final_on, payment_window_end
from organisations.selectors import is_representative, may_receive_letters
from portal.forms import PaymentRequestForm, WaiverForm
from portal.views import _get_application, _posted, error_list
from workflow.grant_services import appeal_waive_and_continue, payment_request_and_start


def _grant_of(request, pk) -> Grant:
    application = _get_application(request, pk)  # 404 for anyone outside the organisation
    grant = Grant.objects.filter(application=application).select_related("application", "decision").first()
    if grant is None:
        raise Http404
    return grant


def grant_context(grant: Grant, user) -> dict:
    """What the application page shows of its grant."""
    from django.utils import timezone

    from portal.proof_views import proof_links

    return {
        "grant": grant,
        "money": money_position(grant),
        "final_on": expected_final_on(grant),
        "payments": grant.payment_requests.order_by("number"),
        "appeals": grant.appeals.all(),
        "claims": grant.claims.order_by("pk"),
        "may_act": is_representative(user, grant.organisation),
        "window_end": payment_window_end(grant, timezone.localdate()),
        "proof_links": proof_links(grant) if grant.final_on else [],
        "grant_letters": [
            {
                "letter": letter,
                "delivery": delivery_of(letter, grant.application).value,
                "last_day": provision_last_day(letter.provided_at) if letter.provided_at else None,
            }
            for letter in grant_letters_for_member(user)
            .filter(grant=grant)
            .select_related("retrieved_by")
            .order_by("created")
        ],
        "may_receive_letters": may_receive_letters(user, grant.organisation),
        "change_reports": grant.change_reports.order_by("reported_at"),
    }


@login_required
def grant_letter_download(request, pk):
    """A letter after the decision; the first retrieval by a person authorised to receive letters delivers it."""
    letter = grant_letters_for_member(request.user).filter(pk=pk).first()
    if letter is None:
        raise Http404
    grant_letter_download_record(letter=letter, by=request.user)
    filename = letter.file.name.rsplit("/", 1)[-1]
    return FileResponse(letter.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


def attempt(form, action) -> int | None:
    """Run the service call `action()`; None when it worked, else the status of the page that shows why, with the
    refusal next to its field (or above the form): 403 not allowed, 409 busy or too late, 400 a rule refused it."""
    from workflow.errors import TaskUnavailable

    try:
        action()
    except NotAllowed as error:
        form.add_error(None, error.message)
        return 403
    except (TaskUnavailable, RecordBusy) as error:  # ProcessBusy too
        form.add_error(None, error.message)
        return 409
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return 400
    return None


@login_required
def payment_request(request, pk):
    grant = _grant_of(request, pk)
    form = PaymentRequestForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        status = attempt(form, lambda: payment_request_and_start(grant=grant, by=request.user, **form.cleaned_data))
        if status is None:
            messages.success(request, _("Your payment request was sent. The office checks it and tells you."))
            return redirect("portal:application_detail", pk=pk)
    if form.errors and status == 200:
        status = 400
    context = {"application": grant.application, "form": form, "errors": error_list(form)}
    context.update(grant_context(grant, request.user))
    return render(request, "portal/payment_request.html", context, status=status)


@login_required
def appeal_waiver(request, pk):
    grant = _grant_of(request, pk)
    form = WaiverForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        status = attempt(form, lambda: appeal_waive_and_continue(grant=grant, by=request.user))
        if status is None:
            messages.success(request, _("The waiver was recorded. The decision is final; you can request the money."))
            return redirect("portal:application_detail", pk=pk)
    if form.errors and status == 200:
        status = 400
    context = {"application": grant.application, "form": form, "errors": error_list(form)}
    context.update(grant_context(grant, request.user))
    return render(request, "portal/appeal_waiver.html", context, status=status)


@login_required
def hearing_answer(request, pk):
    """The organisation answers the hearing before money is reclaimed (§ 28 VwVfG)."""
    from grants.models import ClaimStatus
    from portal.forms import HearingAnswerForm
    from workflow.grant_services import claim_answer_and_continue

    grant = _grant_of(request, pk)
    claim = grant.claims.filter(status=ClaimStatus.HEARING).order_by("-pk").first()
    if claim is None:
        raise Http404
    form = HearingAnswerForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        status = attempt(form, lambda: claim_answer_and_continue(claim=claim, by=request.user, answer=answer))
        if status is None:
            messages.success(request, _("Your answer was sent. The office considers it before it decides."))
            return redirect("portal:application_detail", pk=pk)
    if form.errors and status == 200:
        status = 400
    context = {"application": grant.application, "form": form, "errors": error_list(form), "claim": claim}
    context.update(grant_context(grant, request.user))
    return render(request, "portal/hearing_answer.html", context, status=status)
