from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from organisations.errors import MembershipError
from organisations.forms import BankAccountForm, InvitationForm, RoleForm
from organisations.models import MembershipRole
from organisations.selectors import (
    acting_organisation,
    bank_account_current,
    bank_account_history,
    invitation_from_token,
    invitations_in_organisations_of,
    is_representative,
    members_of,
    membership_of,
    memberships_in_organisations_of,
    open_invitations,
    organisation_history,
    organisations_for_user,
)
from organisations.services import (
    acting_organisation_choose,
    bank_account_set,
    invitation_accept,
    invitation_refusal,
    invitation_revoke,
    invitation_send,
    membership_leave,
    membership_letters_authorise,
    membership_remove,
    membership_role_change,
    person,
    user_language_set,
)
from organisations.templatetags.addresses import breakable
from usertext.text import isolated


@require_POST
def set_language(request):
    """Switch the page language and remember it for the user's e-mails and notifications."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response


def _acting_membership(request):
    organisation = acting_organisation(request)
    membership = membership_of(request.user, organisation) if organisation else None
    if membership is None:
        raise PermissionDenied(_("You are not a member of any organisation yet."))
    return membership


def _members_page(request, organisation, form, status=200):
    members = list(members_of(organisation, viewer=request.user))
    representatives = sum(1 for m in members if m.role == MembershipRole.REPRESENTATIVE)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "members": members,
            "only_one_representative": representatives <= 1,
            "may_manage": is_representative(request.user, organisation),
            "invitations": open_invitations(organisation, viewer=request.user),
            "history": organisation_history(organisation, viewer=request.user),
            "form": form,
        },
        status=status,
    )


@login_required
def members(request):
    """Who belongs to the organisation the user acts for; its representatives invite and manage members here."""
    organisation = _acting_membership(request).organisation
    return _members_page(request, organisation, InvitationForm(initial={"language": request.LANGUAGE_CODE}))


@login_required
def invite(request):
    organisation = _acting_membership(request).organisation
    if request.method != "POST":
        return redirect("organisations:members")
    if not is_representative(request.user, organisation):
        raise PermissionDenied(_("Only a representative of the organisation may manage its members."))
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_send(organisation=organisation, by=request.user, **form.cleaned_data)
        except MembershipError as error:
            form.add_error(error.field, breakable(error.message))
        else:
            messages.success(
                request, breakable(_("An invitation was sent to %(email)s.") % {"email": isolated(invitation.email)})
            )
            return redirect("organisations:members")
    return _members_page(request, organisation, form, status=400)


def _membership(request, pk):
    """A membership in one of the user's own organisations; anything else does not exist for them."""
    membership = memberships_in_organisations_of(request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    if membership.organisation != acting_organisation(request):
        acting_organisation_choose(request=request, organisation_id=membership.organisation_id)
    return membership


@login_required
@require_POST
def member_role(request, pk):
    membership = _membership(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("organisations:members")
    try:
        membership = membership_role_change(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except MembershipError as error:
        messages.error(request, breakable(error.message))
    else:
        messages.success(
            request,
            breakable(
                _("%(person)s now has the role: %(role)s.")
                % {"person": isolated(person(membership.user)), "role": membership.get_role_display()}
            ),
        )
    return redirect("organisations:members")


@login_required
@require_POST
def member_letters(request, pk):
    """A representative authorises a member to receive decision letters, or takes the authorisation back."""
    membership = _membership(request, pk)
    may_receive = request.POST.get("may_receive_letters") == "yes"
    try:
        membership = membership_letters_authorise(membership=membership, may_receive=may_receive, by=request.user)
    except MembershipError as error:
        messages.error(request, breakable(error.message))
    else:
        message = (
            _("%(person)s may now receive decision letters for the organisation.")
            if may_receive
            else _("%(person)s may no longer receive decision letters for the organisation.")
        )
        messages.success(request, breakable(message % {"person": person(membership.user)}))
    return redirect("organisations:members")


@login_required
def member_remove(request, pk):
    membership = _membership(request, pk)
    if not is_representative(request.user, membership.organisation):
        raise PermissionDenied(_("Only a representative of the organisation may manage its members."))
    error = None
    if request.method == "POST":
        try:
            membership_remove(membership=membership, by=request.user)
        except MembershipError as refusal:
            error = refusal.message
        else:
            name = isolated(person(membership.user))
            messages.success(request, breakable(_("%(person)s is no longer a member.") % {"person": name}))
            return redirect("organisations:members")
    return render(
        request,
        "organisations/member_remove.html",
        {"membership": membership, "person": person(membership.user), "error": error},
        status=400 if error else 200,
    )


@login_required
def leave(request):
    organisation = _acting_membership(request).organisation
    error = None
    if request.method == "POST":
        try:
            membership_leave(organisation=organisation, by=request.user)
        except MembershipError as refusal:
            error = refusal.message
        else:
            name = isolated(organisation.name)
            messages.success(request, _("You have left %(organisation)s.") % {"organisation": name})
            return redirect("portal:home")
    return render(
        request,
        "organisations/leave.html",
        {"organisation": organisation, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = invitations_in_organisations_of(request.user).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except MembershipError as error:
        messages.error(request, breakable(error.message))
    else:
        messages.success(
            request, breakable(_("The invitation to %(email)s was withdrawn.") % {"email": isolated(invitation.email)})
        )
    return redirect("organisations:members")


PROBLEM_STATUS = {"invalid": 404, "used": 410, "revoked": 410, "expired": 410, "wrong_account": 403}


def _problem(request, code, message, invitation=None):
    return render(
        request,
        "organisations/invitation_problem.html",
        {"code": code, "message": message, "invitation": invitation},
        status=PROBLEM_STATUS.get(code, 200),
    )


def invitation(request, token):
    """The link in the invitation e-mail: the owner of the invited address joins; anyone else learns why not."""
    invitation = invitation_from_token(token)
    if invitation is None:
        message = _(
            "This invitation link is not valid. It may be incomplete, or a newer invitation replaced it. "
            "Copy the whole link from the latest e-mail, or ask the organisation for a new invitation."
        )
        return _problem(request, "invalid", message)
    if not request.user.is_authenticated:
        if not invitation.is_open:
            refusal = invitation_refusal(invitation=invitation, user=request.user)
            return _problem(request, refusal.code, refusal.message, invitation)
        return render(request, "organisations/invitation.html", {"invitation": invitation})
    if invitation.accepted_by_id == request.user.pk and membership_of(request.user, invitation.organisation):
        acting_organisation_choose(request=request, organisation_id=invitation.organisation_id)
        return redirect("organisations:members")
    refusal = invitation_refusal(invitation=invitation, user=request.user)
    if refusal is None and request.method == "POST":
        try:
            invitation_accept(invitation=invitation, by=request.user)
        except MembershipError as error:
            refusal = error
        else:
            acting_organisation_choose(request=request, organisation_id=invitation.organisation_id)
            messages.success(
                request,
                _("Welcome! You are now a member of %(organisation)s.")
                % {"organisation": isolated(invitation.organisation.name)},
            )
            return redirect("organisations:members")
    if refusal is not None:
        if refusal.code == "already_member":  # the link to the members page shows this organisation
            acting_organisation_choose(request=request, organisation_id=invitation.organisation_id)
        return _problem(request, refusal.code, refusal.message, invitation)
    return render(request, "organisations/invitation.html", {"invitation": invitation})


@login_required
def bank_account(request, pk):
    """The account grants are paid into: representatives see it in full with its history and change it; members
    see which account it is (the last digits); anyone outside the organisation finds no such page."""
    organisation = organisations_for_user(request.user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if organisation != acting_organisation(request):
        acting_organisation_choose(request=request, organisation_id=organisation.pk)
    may_change = is_representative(request.user, organisation)
    current = bank_account_current(organisation)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("Only a representative of the organisation may change its bank account."))
        form = BankAccountForm(request.POST)
        if form.is_valid():
            try:
                bank_account_set(organisation=organisation, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request, _("The bank account was saved. Grants are paid into this account from now on.")
                )
                return redirect("bank_accounts:bank_account", pk=organisation.pk)
    else:
        initial = {"holder": organisation.name[:70]}
        if current is not None:
            initial = {"holder": current.holder, "iban": current.iban_grouped, "bic": current.bic}
        form = BankAccountForm(initial=initial)
    return render(
        request,
        "organisations/bank_account.html",
        {
            "organisation": organisation,
            "current": current,
            "history": bank_account_history(organisation, viewer=request.user),
            "may_change": may_change,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
