"""Letters after the decision: Änderungsbescheid, Anhörung, Widerrufs- und Erstattungsbescheid, Abschlussmitteilung.

A letter is issued in the caller's transaction with the figures fixed in its `context` (JSON: dates as ISO strings,
amounts as strings with two decimals), and rendered to PDF/UA by a Celery task once that transaction commits. The
letter is German (the binding text); a reader whose language is not German gets a summary page in it, as with the
decision letter (`applications/letters.py`, whose DIN 5008 page, legal remedy and summary language are reused).

Only what the caller knows goes into `context`; the authority, the addressee and the date of the decision are read
from the grant when the letter is rendered, since they do not change.

Keys every kind takes (optional):
    issued_on          date of the letter (default: the day it is issued)
    signed_by          name of the official who signs (acts: required)
    contact            name of the person to contact (default: signed_by)

``amendment`` (Änderungsbescheid, an administrative act):
    amount             the new grant                       previous_amount   the grant before
    period_start       the approval period after the change
    period_end
    previous_period_end                                    the end before (shown only if it changed)
    plan_version       number of the new plan version (its lines are the annex)
    eligible_costs     own_funds     third_party_funds     of the new plan version
    lines              [{position, description, previous, amount}] the plan lines before and after
    reported_on        the day the organisation reported the change (ANBest-P Nr. 5)
    appeal_kind        for an amendment remedying an upheld appeal: "objection" or "action" (AppealKind)
    appeal_lodged_on   appeal_decided_on   when the appeal was lodged and upheld
    reasons            why the decision is amended (facts and the office's assessment)

``hearing`` (Anhörung, § 28 VwVfG; not an administrative act):
    scope              "partial" or "full" (RevocationScope)
    grant_amount       the grant as approved             revoked_amount  grant the office intends to revoke
    recalculated_grant the grant on the actual figures   paid            paid out so far
    amount             the repayment the office intends to claim
    facts              what the office found (Claim.hearing_text)
    lines              [{position, description, planned, actual}] the plan against the actual figures
    answer_by          deadline for the answer

``revocation`` (Widerrufs- und Erstattungsbescheid; Rücknahme for the ground "unlawful"):
    scope              "partial" or "full"             ground   RevocationGround value
    grant_amount       revoked_amount                  effective_on   the revocation takes effect on this day
    amount             the repayment                   repay_by       repay by this day
    interest_to_date   interest accrued until the letter date (information; § 49a(3) VwVfG)
    facts              the facts                       lines    as for the hearing (optional)
    hearing_sent_on    answer_by (the hearing's deadline)
    answer             the organisation's answer ("" when none came)    answered_on
    weighing           the weighing of discretion
    known_on           the office knew the facts since; the one-year period ends on revocation_deadline
    revocation_deadline
    payment_reference  the reference to quote with the payment
    late_use_interest  interest claimed for money spent late (§ 49a(4) VwVfG), when the office claims it
    total_due          amount and late_use_interest together
    late_use           [{paid_on, amount, use_by, spent_late, last_used_on, interest}] its calculation per payment
    period_of_use      the payment period of the terms in words ("sechs Wochen")

``closing`` (Abschlussmitteilung; not an administrative act):
    grant_amount       the grant as approved          final_amount   the grant on the actual figures
    paid               paid out                        result         CheckResult value
    still_to_pay       the rest still paid out (result "still_payable")
    proof_received_on  checked_on                      retain_until   the file is deleted after this day
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from applications.letters import (
    FINANCING_METHOD_NAMES,
    _font_config,
    addressee_representation,
    legal_basis,
    logo_data_uri,
    privacy_url,
    remedy_text,
    static_only_url_fetcher,
    summary_language,
)
from applications.models import EventKind
from grants.errors import ApplicationError
from grants.models import Grant, GrantLetter, GrantLetterKind, RevocationGround

# Kinds that are administrative acts (§ 35 VwVfG): only they carry a legal remedy.
ACTS = {GrantLetterKind.AMENDMENT, GrantLetterKind.REVOCATION}

TITLES = {
    GrantLetterKind.AMENDMENT: "Änderungsbescheid",
    GrantLetterKind.HEARING: "Anhörung nach § 28 VwVfG",
    GrantLetterKind.REVOCATION: "Widerrufs- und Erstattungsbescheid",
    GrantLetterKind.CLOSING: "Abschlussmitteilung",
}

REQUIRED = {
    GrantLetterKind.AMENDMENT: ("amount", "previous_amount", "period_start", "period_end", "plan_version", "signed_by"),
    GrantLetterKind.HEARING: ("scope", "revoked_amount", "amount", "facts", "answer_by"),
    GrantLetterKind.REVOCATION: (
        "scope",
        "ground",
        "revoked_amount",
        "effective_on",
        "amount",
        "repay_by",
        "facts",
        "weighing",
        "known_on",
        "signed_by",
    ),
    GrantLetterKind.CLOSING: ("final_amount", "paid", "result", "retain_until"),
}

DATE_KEYS = {
    "issued_on",
    "period_start",
    "period_end",
    "previous_period_end",
    "reported_on",
    "appeal_lodged_on",
    "appeal_decided_on",
    "answer_by",
    "effective_on",
    "repay_by",
    "hearing_sent_on",
    "answered_on",
    "known_on",
    "revocation_deadline",
    "proof_received_on",
    "checked_on",
    "retain_until",
    "paid_on",
    "use_by",
    "last_used_on",
}
MONEY_KEYS = {
    "amount",
    "previous_amount",
    "eligible_costs",
    "own_funds",
    "third_party_funds",
    "grant_amount",
    "revoked_amount",
    "recalculated_grant",
    "paid",
    "interest_to_date",
    "late_use_interest",
    "total_due",
    "spent_late",
    "interest",
    "final_amount",
    "still_to_pay",
    "previous",
    "planned",
    "actual",
}

# The legal ground of a revocation (or withdrawal, § 48 VwVfG) in the words of the law.
GROUND_SENTENCES = {
    RevocationGround.NOT_USED: (
        "Nach § 49 Absatz 3 Satz 1 Nummer 1 VwVfG kann ein rechtmäßiger Verwaltungsakt, der eine Geldleistung zur "
        "Erfüllung eines bestimmten Zwecks gewährt, ganz oder teilweise auch mit Wirkung für die Vergangenheit "
        "widerrufen werden, wenn die Leistung nicht, nicht alsbald nach der Erbringung oder nicht mehr für den in dem "
        "Verwaltungsakt bestimmten Zweck verwendet wird."
    ),
    RevocationGround.CONDITION: (
        "Nach § 49 Absatz 3 Satz 1 Nummer 2 VwVfG kann ein rechtmäßiger Verwaltungsakt, der eine Geldleistung zur "
        "Erfüllung eines bestimmten Zwecks gewährt, ganz oder teilweise auch mit Wirkung für die Vergangenheit "
        "widerrufen werden, wenn mit dem Verwaltungsakt eine Auflage verbunden ist und der Begünstigte diese nicht "
        "oder nicht innerhalb einer ihm gesetzten Frist erfüllt hat. Die Allgemeinen Nebenbestimmungen (ANBest-P), "
        "die Bestandteil des Zuwendungsbescheids sind, enthalten solche Auflagen, insbesondere die Pflicht zum "
        "fristgerechten Verwendungsnachweis (Nr. 6 ANBest-P)."
    ),
    RevocationGround.RECALCULATION: (
        "Nach Nr. 2 ANBest-P ermäßigt sich die Zuwendung, wenn sich nach der Bewilligung die zuwendungsfähigen "
        "Ausgaben ermäßigen oder die Deckungsmittel erhöhen. Soweit die ausgezahlten Mittel danach nicht für den "
        "Zuwendungszweck benötigt wurden, sind sie nicht für den im Bescheid bestimmten Zweck verwendet worden. Der "
        "Zuwendungsbescheid kann insoweit nach § 49 Absatz 3 Satz 1 Nummer 1 VwVfG mit Wirkung für die Vergangenheit "
        "widerrufen werden."
    ),
    RevocationGround.UNLAWFUL: (
        "Nach § 48 Absatz 1 VwVfG kann ein rechtswidriger Verwaltungsakt, auch nachdem er unanfechtbar geworden ist, "
        "ganz oder teilweise mit Wirkung für die Zukunft oder für die Vergangenheit zurückgenommen werden. Ein "
        "rechtswidriger Verwaltungsakt, der eine einmalige oder laufende Geldleistung gewährt, darf nicht "
        "zurückgenommen werden, soweit der Begünstigte auf seinen Bestand vertraut hat und sein Vertrauen unter "
        "Abwägung mit dem öffentlichen Interesse an einer Rücknahme schutzwürdig ist (§ 48 Absatz 2 VwVfG)."
    ),
}

# Where the purpose was missed, the budget rules (§ 7 LHO) direct the discretion towards revocation.
INTENDED_DISCRETION = {RevocationGround.NOT_USED, RevocationGround.RECALCULATION}


# ----- context: JSON-safe in, typed out ------------------------------------------------------------------------------


def _json_safe(value):
    if isinstance(value, datetime):
        return timezone.localdate(value).isoformat() if timezone.is_aware(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _typed(context: dict) -> dict:
    """The stored context with its dates and amounts as `date` and `Decimal` again, for the templates."""
    typed = {}
    for key, value in context.items():
        if key in DATE_KEYS and value:
            typed[key] = date.fromisoformat(value)
        elif key in MONEY_KEYS and value not in (None, ""):
            typed[key] = Decimal(value)
        elif key in ("lines", "late_use"):
            typed[key] = [_typed(line) for line in value]
        else:
            typed[key] = value
    return typed


# ----- issuing -------------------------------------------------------------------------------------------------------


def grant_letter_path(letter: GrantLetter) -> str:
    """The one storage path of a letter: a retry or a second worker writes the same file."""
    return f"letters/{letter.grant.application_id}/{letter.kind}-{letter.number}.pdf"


def grant_letter_issue(*, grant: Grant, kind: str, context: dict) -> GrantLetter:
    """Create the letter (the next number of its kind for the grant) in the caller's transaction, with the figures
    fixed in `context`; it is rendered by a worker once that transaction commits.

    Call it where the grant row is locked (as every service that changes the grant does), so that two letters of one
    kind never take the same number.
    """
    kind = GrantLetterKind(kind)
    missing = [key for key in REQUIRED[kind] if context.get(key) in (None, "")]
    if missing:
        raise ApplicationError(_("The letter lacks: %(keys)s.") % {"keys": ", ".join(missing)})
    fixed = _json_safe({"issued_on": timezone.localdate(), **context})
    number = (GrantLetter.objects.filter(grant=grant, kind=kind).aggregate(top=Max("number"))["top"] or 0) + 1
    letter = GrantLetter.objects.create(grant=grant, kind=kind, number=number, context=fixed)
    from applications.services import event_record

    event_record(grant.application, EventKind.LETTER_ISSUED, None, letter.get_kind_display())
    _enqueue_on_commit(letter.pk)
    return letter


def _enqueue_on_commit(letter_id: int) -> None:
    from grants.tasks import render_grant_letter

    # robust: a broker that is down must not undo the letter; the sweep enqueues it again.
    transaction.on_commit(lambda: render_grant_letter.delay(letter_id=letter_id), robust=True)


# ----- rendering -----------------------------------------------------------------------------------------------------


def _decision_date(grant: Grant) -> date:
    return timezone.localdate(grant.decision.approved_at or grant.opened_at)


def _remaining(fixed: dict) -> Decimal | None:
    """What is left of the grant after a partial revocation."""
    if fixed.get("grant_amount") is None or fixed.get("revoked_amount") is None:
        return None
    return fixed["grant_amount"] - fixed["revoked_amount"]


def grant_letter_context(letter: GrantLetter) -> dict:
    """Everything the German letter prints: the frozen figures of `context`, and the grant's parties."""
    grant = letter.grant
    application = grant.application
    programme = grant.programme
    authority = programme.authority
    fixed = _typed(letter.context)
    kind = GrantLetterKind(letter.kind)
    ground = fixed.get("ground", "")
    return {
        **fixed,
        "letter": letter,
        "kind": kind.value,
        "title": TITLES[kind],
        "grant": grant,
        "application": application,
        "organisation": grant.organisation,
        "representation": addressee_representation(grant.organisation),
        "programme": programme,
        "authority": authority,
        "letterhead_lines": [line.strip() for line in authority.letterhead.splitlines() if line.strip()],
        "logo": logo_data_uri(authority),
        "decision_on": _decision_date(grant),
        "contact_name": fixed.get("contact") or fixed.get("signed_by", ""),
        "legal_basis": legal_basis(programme),
        "remaining_amount": _remaining(fixed),
        "financing_method": FINANCING_METHOD_NAMES.get(grant.financing_method, grant.financing_method),
        "is_act": kind in ACTS,
        "remedy": remedy_text(authority) if kind in ACTS else "",
        "withdrawal": ground == RevocationGround.UNLAWFUL,
        "ground_sentence": GROUND_SENTENCES.get(ground, "") if ground else "",
        "intended_discretion": ground in INTENDED_DISCRETION,
        "iban": getattr(authority, "iban", "") or "",
        "bic": getattr(authority, "bic", "") or "",
        "anbest": getattr(grant.decision, "anbest", None),
        "privacy_url": privacy_url(),
    }


def render_grant_letter_html(letter: GrantLetter) -> str:
    context = grant_letter_context(letter)
    language = summary_language(letter.grant.application)
    summary = ""
    if language:
        with translation.override(language):
            summary = render_to_string(
                "letters/_grant_summary.html",
                {**context, "summary_language": language, "summary_bidi": translation.get_language_bidi()},
            )
    with translation.override("de"):
        return render_to_string(f"letters/grant_{letter.kind}.html", {**context, "summary": mark_safe(summary)})


def render_grant_letter_pdf(letter: GrantLetter) -> bytes:
    import weasyprint

    html = render_grant_letter_html(letter)
    document = weasyprint.HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=static_only_url_fetcher())
    return document.write_pdf(font_config=_font_config(), pdf_variant="pdf/ua-1")


def grant_letter_render(*, letter: GrantLetter) -> bool:
    """Render and store one letter, once: True when this call rendered it, False when it already was.

    The file goes to the letter's deterministic path first (overwriting what a failed or parallel attempt left
    there), then a conditional UPDATE records it; so a rerun never leaves a second file.
    """
    letter = GrantLetter.objects.select_related("grant__application", "grant__programme__authority").get(pk=letter.pk)
    if letter.rendered_at is not None:
        return False
    pdf = render_grant_letter_pdf(letter)
    path = grant_letter_path(letter)
    storage = letter.file.storage
    if storage.exists(path):
        storage.delete(path)
    stored = storage.save(path, ContentFile(pdf))
    unrendered = GrantLetter.objects.filter(pk=letter.pk, rendered_at__isnull=True)
    return bool(unrendered.update(file=stored, rendered_at=timezone.now()))


def unrendered_grant_letters(*, grace: timedelta = timedelta(seconds=30)):
    """Letters still without a file after `grace`: their rendering message may have been lost."""
    return GrantLetter.objects.filter(rendered_at__isnull=True, created__lt=timezone.now() - grace).order_by("created")


def unprovided_grant_letters(*, grace: timedelta = timedelta(seconds=30)):
    """Letters rendered `grace` ago but never provided for retrieval, though the organisation consented: the task
    stopped between rendering and telling the organisation, so their ten days have not begun."""
    return GrantLetter.objects.filter(
        rendered_at__lt=timezone.now() - grace,
        provided_at__isnull=True,
        retrieved_at__isnull=True,
        posted_on__isnull=True,
        grant__application__delivery_consent_at__isnull=False,
    ).order_by("rendered_at")


# ----- delivery (§ 41(2a) VwVfG; the rules and state changes are the decision letter's: applications/delivery.py) ---


@transaction.atomic
def grant_letter_download_record(*, letter: GrantLetter, by) -> GrantLetter:
    """Record a download by a member of the organisation: the first retrieval by a person authorised to receive
    letters, with consent to electronic delivery, while the provision runs, delivers the letter (the day after)."""
    from applications.delivery import letter_retrieval_record

    letter = GrantLetter.objects.select_related("grant__application__organisation").get(pk=letter.pk)
    if letter_retrieval_record(letter=letter, by=by):
        letter.refresh_from_db()
    return letter


def grant_letter_tell(*, letter: GrantLetter) -> int:
    """The letter is ready: with consent it is provided for retrieval (its ten days start now), without it goes to
    the office to be posted. Every member of the organisation is told, each of them once."""
    from django.urls import reverse

    from applications.delivery import letter_provide
    from notifications.services import notify

    by_retrieval = letter_provide(letter=letter)
    grant = letter.grant
    application = grant.application
    sent = 0
    for membership in grant.organisation.memberships.select_related("user"):
        written = notify(
            recipient=membership.user,
            event="grant_letter_available",
            context={
                "application_title": application.title,
                "reference": application.reference,
                "organisation": grant.organisation.name,
                "letter_kind": letter.kind,
                "is_act": letter.kind in ACTS,
                "by_post": not by_retrieval,
                "postal_days": settings.POSTAL_DELIVERY_DAYS,
            },
            link=reverse("portal:application_detail", args=[application.pk]),
            key=f"grant-letter:{letter.pk}:{membership.user_id}",
        )
        sent += written is not None
    return sent
