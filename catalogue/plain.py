"""What the catalogue says about a programme or an offer, in plain words for people who read German as a second
language: who may apply, how much, how the amount is worked out, by when, and when an offer takes place.

Each function returns text in the active language (gettext runs when it is called).
"""

from datetime import date

from django.utils import formats, numberformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.eligibility import LEGAL_FORM_NAMES
from applications.formatting import format_money
from applications.models import FinancingMethod, Programme, SeatScope
from catalogue.models import Offer
from catalogue.selectors import ProgrammeSummary
from organisations.models import LegalForm

EVERY_FORM = frozenset(LegalForm.values)
WITH_LEGAL_FORM = EVERY_FORM - {LegalForm.INFORMAL_INITIATIVE}


def _allowed(summary: ProgrammeSummary) -> frozenset[str]:
    return summary.rules.allowed_legal_forms or EVERY_FORM


def _form_names(forms: frozenset[str]) -> str:
    return ", ".join(_(LEGAL_FORM_NAMES[form]) for form in LegalForm.values if form in forms)


def who_may_apply_line(summary: ProgrammeSummary) -> str:
    """One line for the catalogue's card, derived from the eligibility configuration."""
    allowed = _allowed(summary)
    if allowed >= EVERY_FORM:
        groups = _("all groups, also without a legal form")
    elif allowed == WITH_LEGAL_FORM:
        groups = _("groups with a legal form")
    else:
        groups = _form_names(allowed)
    return f"{capfirst(groups)} · {capfirst(SeatScope(summary.programme.seat_scope).label)}"


def who_may_apply(summary: ProgrammeSummary) -> list[str]:
    """Sentences for the programme's page."""
    allowed = _allowed(summary)
    if allowed >= EVERY_FORM:
        sentences = [_("Every kind of group may apply, also informal initiatives without a legal form.")]
    else:
        sentences = [_("These kinds of group may apply: %(forms)s.") % {"forms": _form_names(allowed)}]
        if LegalForm.INFORMAL_INITIATIVE not in allowed:
            sentences.append(
                _(
                    "Informal initiatives without a legal form cannot apply. A registered association can apply "
                    "for your project as its sponsor (Träger)."
                )
            )
    scope = summary.programme.seat_scope
    if scope == SeatScope.BREMEN:
        sentences.append(_("Your group must be based in the city of Bremen."))
    elif scope == SeatScope.BREMERHAVEN:
        sentences.append(_("Your group must be based in Bremerhaven."))
    else:
        sentences.append(_("Your group must be based in Bremen or Bremerhaven."))
    return sentences


def how_much(summary: ProgrammeSummary) -> str:
    programme = summary.programme
    if programme.financing_method == FinancingMethod.FIXED and programme.fixed_amount:
        return _("A fixed amount of %(amount)s EUR per project.") % {"amount": format_money(summary.max_grant)}
    if programme.min_amount > 0:
        return _("From %(min)s EUR to %(max)s EUR per project.") % {
            "min": format_money(programme.min_amount),
            "max": format_money(summary.max_grant),
        }
    return _("Up to %(max)s EUR per project.") % {"max": format_money(summary.max_grant)}


def up_to(summary: ProgrammeSummary) -> str:
    """The largest grant, short, for the card."""
    return _("up to %(amount)s EUR") % {"amount": format_money(summary.max_grant)}


def financing_explained(programme: Programme) -> str:
    """The financing method (Finanzierungsart) in one or two simple sentences."""
    method = programme.financing_method
    if method == FinancingMethod.PARTIAL:
        return _(
            "The grant pays %(share)s %% of the eligible costs. Your group covers the rest, for example with its own "
            "money or with money from other funders."
        ) % {"share": _percent(programme.share_percent)}
    if method == FinancingMethod.FIXED:
        return _("You receive a fixed amount. It is only reduced if the whole project costs less than that.")
    if method == FinancingMethod.FULL:
        return _("The grant pays all eligible costs of the project.")
    return _(
        "The grant pays the part of the costs that your own money and other funders do not cover. If the project "
        "costs less than planned, the grant becomes smaller."
    )


def own_share(programme: Programme) -> str:
    if not programme.own_share_percent:
        return ""
    return _(
        "Your group pays at least %(percent)s %% of the total costs itself, for example from donations or "
        "membership fees."
    ) % {"percent": _percent(programme.own_share_percent)}


def by_when(summary: ProgrammeSummary) -> str:
    if summary.current_call:
        return _("Applications until and including %(date)s.") % {"date": long_date(summary.current_call.last_day)}
    if summary.next_call:
        return _("There is no open call at the moment. The next call opens on %(date)s.") % {
            "date": long_date(timezone.localdate(summary.next_call.opens_at))
        }
    return _("There is no open call at the moment, and no next call has been announced yet.")


def project_period(call) -> str:
    """The window in which funded projects of the call must take place, if the call sets one."""
    start, end = call.project_period_start, call.project_period_end
    if start and end:
        return _("Funded projects must take place between %(start)s and %(end)s.") % {
            "start": long_date(start),
            "end": long_date(end),
        }
    if start:
        return _("Funded projects can start on %(start)s at the earliest.") % {"start": long_date(start)}
    if end:
        return _("Funded projects must end by %(end)s.") % {"end": long_date(end)}
    return ""


def offer_dates(offer: Offer) -> str:
    start, end = offer.starts_on, offer.ends_on
    if start is None and end is None:
        return _("ongoing, no fixed dates")
    if start is not None and end is not None:
        if start == end:
            return _("on %(date)s") % {"date": long_date(start)}
        return _("from %(start)s to %(end)s") % {"start": long_date(start), "end": long_date(end)}
    if start is not None:
        return _("from %(start)s, ongoing") % {"start": long_date(start)}
    return _("until %(end)s") % {"end": long_date(end)}


def offer_registration(offer: Offer) -> str:
    if offer.is_over():
        return _("This offer is over.")
    if offer.registration_deadline is None:
        return ""
    if offer.registration_closed():
        return _("Registration closed on %(date)s.") % {"date": long_date(offer.registration_deadline)}
    return _("Please register with the contact person by %(date)s.") % {"date": long_date(offer.registration_deadline)}


def offer_costs(offer: Offer) -> str:
    return _("free of charge") if offer.free_of_charge else offer.cost_note


def long_date(day: date) -> str:
    """The month written out ("28. Februar 2027", "February 28, 2027"), easier to read than 28.02.2027."""
    return formats.date_format(day, _full_month(formats.get_format("DATE_FORMAT")))


def _full_month(date_format: str) -> str:
    return date_format.replace("N", "F")


def _percent(value) -> str:
    """12.5 -> "12,5" (de) / "12.5" (en); 10.00 -> "10"."""
    places = max(-value.normalize().as_tuple().exponent, 0)
    return numberformat.format(value, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos=places)
