"""Who may apply to a programme: a programme's eligibility rules, checked against what is known.

Pure Python, no database. `check()` compares a programme's `ProgrammeRules` with the `Facts` known about an
applicant and a project and returns the rules that are not met, each with a plain-language reason and what the
applicant can do about it, in the active language (gettext is called when `check()` runs, never at import).

It serves two moments:

* the public "can we apply?" check (`complete=False`): few facts are known; a fact that is None is unknown and
  every rule that needs it is skipped;
* the submission (`complete=True`): all facts should be known, so a missing requested amount, total costs or
  project period is itself reported, and unknown documents, own funds, work with minors and overdue proofs of use
  count as "none".

Eligibility is configured per programme; nothing here assumes a particular legal form. Legal forms, seats and
document kinds are plain strings (the values of `organisations.models.LegalForm` and `Seat`), so this module
imports no models.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from applications.formatting import format_money

SEAT_SCOPES = frozenset({"bremen", "bremerhaven", "either"})
INFORMAL = "informal"
POLICE_CERTIFICATE = "police_certificate"
ALL_FORMS = "*"

# Same source strings as organisations.models.LegalForm, so they share its translations.
LEGAL_FORM_NAMES: dict[str, str] = {
    "ev": gettext_noop("registered association (e.V.)"),
    "ggmbh": gettext_noop("non-profit company (gGmbH, gUG)"),
    "religious": gettext_noop("religious community"),
    "other": gettext_noop("other legal entity"),
    INFORMAL: gettext_noop("informal initiative / no legal form"),
}

# In the order in which missing documents are listed.
DOCUMENT_NAMES: dict[str, str] = {
    "statutes": gettext_noop("statutes"),
    "tax_exemption": gettext_noop("tax exemption notice"),
    "project_description": gettext_noop("project description"),
    POLICE_CERTIFICATE: gettext_noop("extended police certificate"),
}


@dataclass(frozen=True)
class ProgrammeRules:
    """A programme's eligibility rules, as configured by the office."""

    min_amount: Decimal
    max_amount: Decimal
    allowed_legal_forms: frozenset[str] = frozenset()  # empty = every legal form may apply
    seat_scope: str = "either"  # "bremen" | "bremerhaven" | "either"
    own_share_percent: Decimal = Decimal("0")  # own funds required, as % of total costs
    required_documents: dict[str, frozenset[str]] = field(default_factory=dict)  # legal form -> kinds; "*" = all
    police_certificate_for_minors: bool = True  # projects with minors need an extended police certificate
    project_period_start: date | None = None  # the call's window for funded projects, if any
    project_period_end: date | None = None

    def __post_init__(self) -> None:
        """A misconfigured programme fails loudly instead of letting everyone (or no one) through."""
        if self.seat_scope not in SEAT_SCOPES:
            raise ValueError(f"seat_scope must be one of {sorted(SEAT_SCOPES)}, not {self.seat_scope!r}")
        if self.min_amount > self.max_amount:
            raise ValueError("min_amount must not be greater than max_amount")
        if not Decimal("0") <= self.own_share_percent <= Decimal("100"):
            raise ValueError("own_share_percent must be between 0 and 100")
        if (
            self.project_period_start is not None
            and self.project_period_end is not None
            and self.project_period_end < self.project_period_start
        ):
            raise ValueError("project_period_end must not be before project_period_start")


@dataclass(frozen=True)
class Facts:
    """What is known about the applicant and the project; None means unknown."""

    applied_on: date  # today (public check) or the submission date
    legal_form: str | None = None
    seat: str | None = None
    requested_amount: Decimal | None = None
    total_costs: Decimal | None = None
    own_funds: Decimal | None = None
    period_start: date | None = None
    period_end: date | None = None
    early_start_granted: bool = False  # vorzeitiger Maßnahmebeginn granted by the office
    works_with_minors: bool | None = None
    documents: frozenset[str] | None = None  # kinds uploaded; None = unknown
    has_overdue_proof_of_use: bool | None = None  # an earlier grant's Verwendungsnachweis is overdue


@dataclass(frozen=True)
class Unmet:
    """One rule that is not met, explained for the applicant."""

    rule: str  # a stable code, see check()
    reason: str  # plain language, in the active language: what is wrong
    what_to_do: str  # plain language: what the applicant can do about it
    field: str | None = None  # the form field it belongs to, when there is one


def check(rules: ProgrammeRules, facts: Facts, *, complete: bool = False) -> list[Unmet]:
    """The rules of the programme that the facts do not meet, in a fixed order; empty when all are met.

    Rule codes, in this order: legal_form, seat, amount_range, own_share, period_missing, period_order,
    period_window, started_before_application, documents or police_certificate, overdue_proof_of_use,
    amount_missing, costs_missing. With complete=False a rule whose facts are unknown (None) is skipped.
    """
    unmet: list[Unmet] = []
    for rule_check in (
        _legal_form,
        _seat,
        _amount_range,
        _own_share,
        _period_missing,
        _period_order,
        _period_window,
        _started_before_application,
        _documents,
        _overdue_proof_of_use,
        _facts_missing,
    ):
        unmet.extend(rule_check(rules, facts, complete))
    return unmet


def _legal_form(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if not rules.allowed_legal_forms or facts.legal_form is None or facts.legal_form in rules.allowed_legal_forms:
        return []
    if facts.legal_form == INFORMAL:
        return [
            Unmet(
                rule="legal_form",
                reason=_(
                    "This programme is only for organisations with a legal form. Informal initiatives cannot apply."
                ),
                what_to_do=_(
                    "Ask a registered association to apply for your project as its sponsor (Träger). "
                    "Or look at another programme that is open to informal initiatives, such as the "
                    "neighbourhood fund."
                ),
            )
        ]
    allowed = ", ".join(_legal_form_name(form) for form in _ordered(rules.allowed_legal_forms, LEGAL_FORM_NAMES))
    return [
        Unmet(
            rule="legal_form",
            reason=_("This programme is not open to your legal form: %(legal_form)s.")
            % {"legal_form": _legal_form_name(facts.legal_form)},
            what_to_do=_(
                "These legal forms may apply: %(allowed)s. Look for another programme, or ask the office for advice."
            )
            % {"allowed": allowed},
        )
    ]


def _seat(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if rules.seat_scope == "either" or facts.seat is None or facts.seat == rules.seat_scope:
        return []
    if rules.seat_scope == "bremen":
        reason = _("This programme is only for organisations based in the city of Bremen.")
        what_to_do = _("Look for a programme for Bremerhaven, or ask the office which programme fits you.")
    else:
        reason = _("This programme is only for organisations based in Bremerhaven.")
        what_to_do = _("Look for a programme for the city of Bremen, or ask the office which programme fits you.")
    return [Unmet(rule="seat", reason=reason, what_to_do=what_to_do)]


def _amount_range(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    amount = facts.requested_amount
    if amount is None or rules.min_amount <= amount <= rules.max_amount:
        return []
    limits = {"min": format_money(rules.min_amount), "max": format_money(rules.max_amount)}
    return [
        Unmet(
            rule="amount_range",
            reason=_("This programme grants between %(min)s EUR and %(max)s EUR.") % limits,
            what_to_do=_("Change the amount you request so that it is between %(min)s EUR and %(max)s EUR.") % limits,
            field="requested_amount",
        )
    ]


def _own_share(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    own_funds = facts.own_funds
    if own_funds is None and complete:
        own_funds = Decimal("0")
    if rules.own_share_percent <= 0 or facts.total_costs is None or own_funds is None:
        return []
    needed = facts.total_costs * rules.own_share_percent / Decimal("100")
    if own_funds >= needed:
        return []
    values = {
        "percent": _percent(rules.own_share_percent),
        "needed": format_money(needed.quantize(Decimal("0.01"), rounding=ROUND_CEILING)),
        "own_funds": format_money(own_funds),
    }
    return [
        Unmet(
            rule="own_share",
            reason=_(
                "This programme asks you to pay %(percent)s %% of the total costs yourself. "
                "That is %(needed)s EUR, but you plan %(own_funds)s EUR."
            )
            % values,
            what_to_do=_(
                "Plan at least %(needed)s EUR of own funds, for example from donations or membership fees, "
                "or lower the total costs."
            )
            % values,
            field="own_funds",
        )
    ]


def _period_missing(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if not complete:
        return []
    unmet = []
    if facts.period_start is None:
        unmet.append(
            Unmet(
                rule="period_missing",
                reason=_("The start of the project is missing."),
                what_to_do=_("Enter when the project starts."),
                field="period_start",
            )
        )
    if facts.period_end is None:
        unmet.append(
            Unmet(
                rule="period_missing",
                reason=_("The end of the project is missing."),
                what_to_do=_("Enter when the project ends."),
                field="period_end",
            )
        )
    return unmet


def _period_order(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if facts.period_start is None or facts.period_end is None or facts.period_end >= facts.period_start:
        return []
    return [
        Unmet(
            rule="period_order",
            reason=_("The project cannot end before it starts."),
            what_to_do=_("Check the start and end dates of the project."),
            field="period_end",
        )
    ]


def _period_window(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    earliest, latest = rules.project_period_start, rules.project_period_end
    if earliest is None and latest is None:
        return []
    outside = [
        name
        for name, day in (("period_start", facts.period_start), ("period_end", facts.period_end))
        if day is not None and ((earliest is not None and day < earliest) or (latest is not None and day > latest))
    ]
    if not outside:
        return []
    if earliest is not None and latest is not None:
        reason = _("In this call, projects must take place between %(start)s and %(end)s.")
    elif earliest is not None:
        reason = _("In this call, projects can start on %(start)s at the earliest.")
    else:
        reason = _("In this call, projects must end by %(end)s at the latest.")
    window = {"start": _date(earliest), "end": _date(latest)}
    return [
        Unmet(
            rule="period_window",
            reason=reason % window,
            what_to_do=_("Change the project dates so that they fit, or apply in a later call."),
            field=outside[0],
        )
    ]


def _started_before_application(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if facts.period_start is None or facts.period_start >= facts.applied_on or facts.early_start_granted:
        return []
    return [
        Unmet(
            rule="started_before_application",
            reason=_("A project that has already started cannot be funded."),
            what_to_do=_(
                "Choose a start date from %(date)s on. If the project has to start earlier, ask the office for "
                "permission to start early (vorzeitiger Maßnahmebeginn) before you begin."
            )
            % {"date": _date(facts.applied_on)},
            field="period_start",
        )
    ]


def _documents(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    documents = facts.documents
    if documents is None and complete:
        documents = frozenset()
    if documents is None:
        return []
    required = set(rules.required_documents.get(ALL_FORMS, frozenset()))
    if facts.legal_form is not None:
        required |= rules.required_documents.get(facts.legal_form, frozenset())
    works_with_minors = facts.works_with_minors or False
    if works_with_minors and rules.police_certificate_for_minors:
        required.add(POLICE_CERTIFICATE)
    missing = _ordered(required - documents, DOCUMENT_NAMES)
    if not missing:
        return []
    if missing == [POLICE_CERTIFICATE]:
        return [
            Unmet(
                rule="police_certificate",
                reason=_(
                    "Everyone who works with children and young people in your project needs an extended police "
                    "certificate (erweitertes Führungszeugnis)."
                ),
                what_to_do=_(
                    "Upload the extended police certificate. It is free of charge for volunteers: when you apply "
                    "for it, show a confirmation from your organisation that the work is voluntary."
                ),
                field="documents",
            )
        ]
    names = ", ".join(_(DOCUMENT_NAMES[kind]) if kind in DOCUMENT_NAMES else kind for kind in missing)
    return [
        Unmet(
            rule="documents",
            reason=ngettext(
                "This document is missing: %(documents)s.", "These documents are missing: %(documents)s.", len(missing)
            )
            % {"documents": names},
            what_to_do=_("Upload the missing documents. If you cannot get one of them, ask the office for advice."),
            field="documents",
        )
    ]


def _overdue_proof_of_use(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if not facts.has_overdue_proof_of_use:
        return []
    return [
        Unmet(
            rule="overdue_proof_of_use",
            reason=_("The proof of use (Verwendungsnachweis) for an earlier grant is overdue."),
            what_to_do=_("Submit the overdue proof of use first, or contact the office if you need more time."),
        )
    ]


def _facts_missing(rules: ProgrammeRules, facts: Facts, complete: bool) -> list[Unmet]:
    if not complete:
        return []
    unmet = []
    if facts.requested_amount is None:
        unmet.append(
            Unmet(
                rule="amount_missing",
                reason=_("The amount you request is missing."),
                what_to_do=_("Enter the grant you request."),
                field="requested_amount",
            )
        )
    if facts.total_costs is None:
        unmet.append(
            Unmet(
                rule="costs_missing",
                reason=_("The total costs of the project are missing."),
                what_to_do=_("Enter the total costs of the project."),
                field="total_costs",
            )
        )
    return unmet


def _ordered(kinds: frozenset[str] | set[str], known: dict[str, str]) -> list[str]:
    """Known kinds in the order of `known`, then any others alphabetically, so messages are stable."""
    return [kind for kind in known if kind in kinds] + sorted(kind for kind in kinds if kind not in known)


def _legal_form_name(legal_form: str) -> str:
    return _(LEGAL_FORM_NAMES[legal_form]) if legal_form in LEGAL_FORM_NAMES else legal_form


def _percent(value: Decimal) -> str:
    """12.5 -> "12,5" (de) / "12.5" (en); 10.00 -> "10"."""
    return format(value.normalize(), "f").replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _date(day: date | None) -> str:
    """A date with the month written out in full: "1. März 2026" / "March 1, 2026" (not the English "Dec.")."""
    if day is None:
        return ""
    return formats.date_format(day, formats.get_format("DATE_FORMAT").replace("N", "F"))
