"""Decision letters (Zuwendungsbescheid / Ablehnungsbescheid) rendered to accessible PDF with WeasyPrint.

German is the legally binding language, so letters are always rendered in German; a reader whose language is not
German gets a plain-language summary page in it. The legal sentences (grounds, legal remedy, payment rule) are
generated here from the authority and the decision, never typed per letter, so every letter of an authority says
the same thing the same way. Rendering never touches the network: the URL fetcher serves only the project's own
static files and data: URIs (the authority's logo is embedded as one).
"""

import base64
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from applications.formatting import format_money
from applications.models import (
    Authority,
    Decision,
    DecisionOutcome,
    FinancingMethod,
    FundingStatus,
    PaymentPeriod,
    Programme,
    ReasonGround,
    RemedyKind,
)
from organisations.models import MembershipRole, Organisation

# The letter is German whatever the reader's language; the method's legal name without the English gloss.
FINANCING_METHOD_NAMES = {
    FinancingMethod.PARTIAL: "Anteilfinanzierung",
    FinancingMethod.DEFICIT: "Fehlbedarfsfinanzierung",
    FinancingMethod.FIXED: "Festbetragsfinanzierung",
    FinancingMethod.FULL: "Vollfinanzierung",
}

# ANBest-P Nr. 1.4: "innerhalb von … nach der Auszahlung", in the dative the sentence needs.
PAYMENT_PERIOD_WORDS = {
    PaymentPeriod.SIX_WEEKS: "sechs Wochen",
    PaymentPeriod.TWO_MONTHS: "zwei Monaten",
}

# § 39(1) VwVfG: the legal reason behind each ground of a (partial) rejection. {guideline} is the programme's
# guideline in the dative ("nach der Richtlinie …"), {maximum} its maximum grant.
GROUND_SENTENCES = {
    ReasonGround.ELIGIBILITY: (
        "Die Voraussetzungen für eine Förderung nach {guideline} liegen nicht vor. Eine Zuwendung darf nur gewährt "
        "werden, wenn alle Fördervoraussetzungen erfüllt sind."
    ),
    ReasonGround.INCOMPLETE: (
        "Der Antrag ist unvollständig: Für die Entscheidung erforderliche Unterlagen oder Angaben liegen trotz "
        "Aufforderung nicht vor. Ohne sie kann nicht festgestellt werden, ob die Fördervoraussetzungen erfüllt sind "
        "(§ 26 Absatz 2 VwVfG, VV Nr. 3 zu § 44 LHO)."
    ),
    ReasonGround.FINANCING: (
        "Die Gesamtfinanzierung des Vorhabens ist nicht gesichert. Eine Zuwendung darf nur bewilligt werden, wenn die "
        "Finanzierung des Vorhabens insgesamt gesichert ist (VV Nr. 1.2 zu § 44 LHO)."
    ),
    ReasonGround.COSTS: (
        "Ausgaben sind nur zuwendungsfähig, soweit sie zur Erreichung des Zuwendungszwecks notwendig und der Höhe "
        "nach angemessen sind; dabei sind die Grundsätze der Wirtschaftlichkeit und Sparsamkeit zu beachten "
        "(§ 7 LHO). Die beantragten Ausgaben erfüllen dies nicht in vollem Umfang."
    ),
    ReasonGround.MAXIMUM: (
        "Nach {guideline} beträgt die Zuwendung höchstens {maximum} EUR. Eine höhere Zuwendung kann nicht bewilligt "
        "werden."
    ),
    ReasonGround.BUDGET: (
        "Die für diesen Förderaufruf verfügbaren Haushaltsmittel reichen nicht aus, um alle förderfähigen Anträge in "
        "voller Höhe zu bewilligen (§ 34 LHO)."
    ),
    ReasonGround.PRIORITY: (
        "Die verfügbaren Haushaltsmittel werden nach den im Förderaufruf bekannt gemachten Auswahlkriterien vergeben. "
        "Im Vergleich mit den anderen Anträgen dieses Förderaufrufs erfüllt Ihr Antrag diese Kriterien in geringerem "
        "Maße."
    ),
    ReasonGround.OTHER: "Die Entscheidung beruht auf den im Folgenden dargelegten Gründen.",
}

# ANBest-P Nr. 2: how the grant shrinks when costs fall or other funds rise, per financing method.
FINANCING_RULES = {
    FinancingMethod.PARTIAL: (
        "Die Zuwendung beträgt {share} vom Hundert der zuwendungsfähigen Ausgaben. Ermäßigen sich nach der "
        "Bewilligung die zuwendungsfähigen Ausgaben, erhöhen sich die Deckungsmittel oder treten neue Deckungsmittel "
        "hinzu, so ermäßigt sich die Zuwendung anteilig (Nr. 2.1.1 ANBest-P)."
    ),
    FinancingMethod.DEFICIT: (
        "Ermäßigen sich nach der Bewilligung die zuwendungsfähigen Ausgaben, erhöhen sich die Deckungsmittel oder "
        "treten neue Deckungsmittel hinzu, so ermäßigt sich die Zuwendung um den vollen in Betracht kommenden Betrag "
        "(Nr. 2.1.2 ANBest-P)."
    ),
    FinancingMethod.FIXED: (
        "Die Zuwendung ist ein Festbetrag. Sie ermäßigt sich nur, wenn die zuwendungsfähigen Ausgaben insgesamt unter "
        "den Festbetrag sinken; dann wird sie auf die Höhe dieser Ausgaben begrenzt."
    ),
    FinancingMethod.FULL: (
        "Ermäßigen sich nach der Bewilligung die zuwendungsfähigen Ausgaben oder treten Deckungsmittel hinzu, so "
        "ermäßigt sich die Zuwendung um den vollen in Betracht kommenden Betrag (Nr. 2.1 ANBest-P)."
    ),
}

GERMAN_ARTICLES = ("der ", "die ", "das ", "des ", "dem ", "den ")


class BlockedResource(Exception):
    pass


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyURLFetcher(URLFetcher):
        """Serve static files by their /static/ path and data: URIs; refuse every other URL (no network, no file://)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            prefix = settings.STATIC_URL
            if url.startswith(prefix):
                try:
                    path = finders.find(url[len(prefix) :])
                except SuspiciousFileOperation:
                    path = None
                if path:
                    return super().fetch(Path(path).as_uri(), headers)
            raise BlockedResource(f"Letters may only use the project's static files, not {url!r}.")

    return StaticOnlyURLFetcher


def static_only_url_fetcher():
    """A new fetcher per document: WeasyPrint's fetchers keep per-request state."""
    return _fetcher_class()()


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _join(names: list[str]) -> str:
    """'A', 'A und B', 'A, B und C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"


def representative_names(organisation: Organisation) -> list[str]:
    """The full names of the people who represent the organisation, oldest membership first."""
    memberships = (
        organisation.memberships.filter(role=MembershipRole.REPRESENTATIVE).select_related("user").order_by("pk")
    )
    return [str(membership.user) for membership in memberships]


def addressee_representation(organisation: Organisation) -> str:
    """The line that makes the addressee identifiable (§ 37(1) VwVfG): who acts for the organisation.

    A registered association or other legal entity acts through its representatives ("vertreten durch"); an informal
    initiative has no legal personality, so the letter goes to the persons responsible for it.
    """
    names = representative_names(organisation) if organisation.pk else []
    if not names:
        return ""
    if organisation.is_informal:
        return f"zu Händen der verantwortlichen Personen: {_join(names)}"
    return f"vertreten durch {_join(names)}"


def remedy_text(authority: Authority) -> str:
    """The Rechtsbehelfsbelehrung (§ 58(1) VwGO) for the authority's decisions, in German.

    Against a supreme state authority (a Senator) there is no objection procedure (§ 68(1) sentence 2 no. 1 VwGO,
    Art. 8 AGVwGO Bremen), so the remedy is an action at the administrative court; a subordinate office's
    decisions are open to objection (§ 70 VwGO). A wrong instruction extends the period to one year (§ 58(2) VwGO).
    """
    # The body is named after a colon, so no article has to be guessed for whatever name the admin enters.
    where = f"{authority.remedy_body}, {authority.remedy_address}"
    if authority.remedy_kind == RemedyKind.OBJECTION:
        return (
            "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben werden. "
            "Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Absatz 2 des "
            f"Verwaltungsverfahrensgesetzes oder zur Niederschrift bei folgender Behörde zu erheben: {where}."
        )
    return (
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage erhoben werden. Die Klage "
        "ist schriftlich oder zu Protokoll der Urkundsbeamtin oder des Urkundsbeamten der Geschäftsstelle bei "
        f"folgendem Gericht zu erheben: {where}. Die Klage kann auch als elektronisches Dokument nach Maßgabe des "
        "§ 55a der Verwaltungsgerichtsordnung erhoben werden; eine einfache E-Mail genügt nicht."
    )


def guideline_dative(programme: Programme) -> str:
    """The programme's guideline after 'nach' / 'der Grundlage': 'der Richtlinie …', or the programme's conditions."""
    guideline = programme.guideline.strip()
    if not guideline:
        return f"den Bedingungen des Förderprogramms „{programme.title}“"
    if guideline.lower().startswith(GERMAN_ARTICLES):
        first, _space, rest = guideline.partition(" ")
        return f"der {rest}" if first.lower() == "die" else guideline
    return f"der {guideline}"


def legal_basis(programme: Programme) -> str:
    """The legal basis in the genitive ('auf der Grundlage …'): §§ 23 and 44 LHO, their VV and the guideline."""
    text = "der §§ 23 und 44 der Landeshaushaltsordnung (LHO), der dazu erlassenen Verwaltungsvorschriften"
    if programme.guideline.strip():
        return f"{text} und {guideline_dative(programme)}"
    return text


def ground_sentences(decision: Decision) -> list[str]:
    """The legal sentence for each ground of a rejection or partial rejection, in the order the clerk chose them."""
    programme = decision.application.call.programme
    values = {
        "guideline": guideline_dative(programme),
        "maximum": format_money(programme.max_amount),
    }
    grounds = decision.grounds.all() if decision.pk else []
    return [GROUND_SENTENCES[ReasonGround(ground.ground)].format(**values) for ground in grounds]


def financing_rule(programme: Programme) -> str:
    share = programme.share_percent
    share_text = f"{share.normalize():f}".replace(".", ",") if share is not None else ""
    return FINANCING_RULES[FinancingMethod(programme.financing_method)].format(share=share_text)


def payment_period_words(authority: Authority) -> str:
    return PAYMENT_PERIOD_WORDS[PaymentPeriod(authority.payment_period)]


def logo_data_uri(authority: Authority) -> str | None:
    """The authority's logo as a data: URI, read from storage, so rendering fetches nothing."""
    if not authority.logo:
        return None
    try:
        with authority.logo.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    if content.startswith(b"\x89PNG"):
        media_type = "image/png"
    elif content.startswith(b"\xff\xd8"):
        media_type = "image/jpeg"
    else:
        return None  # the admin form says PNG or JPEG; anything else is left out rather than guessed
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def privacy_url() -> str:
    try:
        path = reverse("privacy")
    except NoReverseMatch:
        path = "/privacy/"
    return f"{getattr(settings, 'SITE_URL', '')}{path}"


def applied_third_party_funds(application) -> list:
    """Third-party funds applied for but not yet granted: the grant is paid only once they are (a Bedingung)."""
    if application._state.adding:  # an unsaved application (the benchmark) has no plan rows to read
        return []
    return list(application.third_party_funds.filter(status=FundingStatus.APPLIED))


def granted_early_start(application):
    """The consent to an early start (vorzeitiger Maßnahmebeginn), if one was given."""
    if application._state.adding:
        return None
    return application.early_start_requests.filter(granted=True).order_by("decided_at").first()


def summary_language(application) -> str | None:
    """The language of the person who submitted, when it is not German: the letter gets a summary page in it."""
    language = getattr(application.submitted_by, "language", None)
    return language if language and language != "de" else None


def render_summary(decision: Decision, language: str) -> str:
    application = decision.application
    authority = application.call.programme.authority
    with translation.override(language):
        return render_to_string(
            "letters/_summary.html",
            {
                "decision": decision,
                "application": application,
                "authority": authority,
                "is_grant": decision.outcome == DecisionOutcome.APPROVE,
                "grounds": [ground.get_ground_display() for ground in decision.grounds.all()] if decision.pk else [],
                "applied_funds": applied_third_party_funds(application),
                "summary_language": language,
                "summary_bidi": translation.get_language_bidi(),
            },
        )


def letter_context(decision: Decision) -> dict:
    """Everything the German letter prints; the figures are the decision's frozen ones, never recomputed."""
    application = decision.application
    programme = application.call.programme
    authority = programme.authority
    is_grant = decision.outcome == DecisionOutcome.APPROVE
    return {
        "decision": decision,
        "application": application,
        "organisation": application.organisation,
        "representation": addressee_representation(application.organisation),
        "programme": programme,
        "authority": authority,
        "letterhead_lines": [line.strip() for line in authority.letterhead.splitlines() if line.strip()],
        "logo": logo_data_uri(authority),
        "contact": decision.proposed_by,
        "is_grant": is_grant,
        "issued_on": timezone.localdate(decision.approved_at or timezone.now()),
        "legal_basis": legal_basis(programme),
        "financing_method": FINANCING_METHOD_NAMES[programme.financing_method],
        "financing_rule": financing_rule(programme),
        "funding_gap": decision.funding_gap if decision.gap_closure.strip() else 0,
        "applied_funds": applied_third_party_funds(application) if is_grant else [],
        "early_start": granted_early_start(application) if is_grant else None,
        "payment_period": payment_period_words(authority),
        "interim_proof": bool(
            decision.period_start and decision.period_end and decision.period_start.year != decision.period_end.year
        ),
        "ground_sentences": ground_sentences(decision),
        "remedy": remedy_text(authority),
        "privacy_url": privacy_url(),
    }


def render_letter_html(decision: Decision) -> str:
    application = decision.application
    language = summary_language(application)
    summary = render_summary(decision, language) if language else ""
    with translation.override("de"):
        return render_to_string(
            "letters/decision.html",
            {
                **letter_context(decision),
                "summary": mark_safe(summary),  # rendered from our own template, autoescaped there
            },
        )


def render_decision_letter(decision: Decision) -> bytes:
    import weasyprint

    html = render_letter_html(decision)
    if settings.TEST_LETTER_RENDER_DELAY_SECONDS:  # off unless a reliability test sets it
        time.sleep(settings.TEST_LETTER_RENDER_DELAY_SECONDS)
    document = weasyprint.HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=static_only_url_fetcher())
    return document.write_pdf(font_config=_font_config(), pdf_variant="pdf/ua-1")
