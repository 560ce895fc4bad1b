"""Decision letters (Zuwendungsbescheid / Ablehnungsbescheid) rendered to accessible PDF with WeasyPrint.

German is the legally binding language, so letters are always rendered in German. Rendering never touches the
network: the URL fetcher serves only the project's own static files.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from applications.assessment import cost_total, third_party_total
from applications.models import Decision, DecisionOutcome, FinancingMethod

# The letter is German whatever the reader's language; the method's legal name without the English gloss.
FINANCING_METHOD_NAMES = {
    FinancingMethod.PARTIAL: "Anteilfinanzierung",
    FinancingMethod.DEFICIT: "Fehlbedarfsfinanzierung",
    FinancingMethod.FIXED: "Festbetragsfinanzierung",
    FinancingMethod.FULL: "Vollfinanzierung",
}


class BlockedResource(Exception):
    pass


def static_only_url_fetcher(url: str, *args, **kwargs):
    """Serve static files by their /static/ path; refuse every other URL (no network, no file://)."""
    import weasyprint

    prefix = settings.STATIC_URL
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            return weasyprint.default_url_fetcher(Path(path).as_uri())
    raise BlockedResource(f"Letters may only use the project's static files, not {url!r}.")


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def summary_language(application) -> str | None:
    """The language of the person who submitted, when it is not German: the letter gets a summary page in it."""
    language = getattr(application.submitted_by, "language", None)
    return language if language and language != "de" else None


def render_summary(decision: Decision, language: str) -> str:
    application = decision.application
    with translation.override(language):
        return render_to_string(
            "letters/_summary.html",
            {
                "decision": decision,
                "application": application,
                "is_grant": decision.outcome == DecisionOutcome.APPROVE,
                "summary_language": language,
                "summary_bidi": translation.get_language_bidi(),
            },
        )


def render_decision_letter(decision: Decision) -> bytes:
    import weasyprint

    application = decision.application
    language = summary_language(application)
    summary = render_summary(decision, language) if language else ""
    with translation.override("de"):
        html = render_to_string(
            "letters/decision.html",
            {
                "decision": decision,
                "application": application,
                "organisation": application.organisation,
                "programme": application.call.programme,
                "is_grant": decision.outcome == DecisionOutcome.APPROVE,
                "issued_on": timezone.localdate(decision.approved_at or timezone.now()),
                "office": settings.ISSUING_OFFICE,
                "financing_method": FINANCING_METHOD_NAMES[application.call.programme.financing_method],
                "eligible_costs": cost_total(application) or 0,
                "third_party": third_party_total(application),
                "summary": mark_safe(summary),  # rendered from our own template, autoescaped there
            },
        )
    document = weasyprint.HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=static_only_url_fetcher)
    return document.write_pdf(font_config=_font_config(), pdf_variant="pdf/ua-1")
