"""A decision letter for an Arabic-speaking applicant: the binding German letter, then a summary page whose Arabic
text a reader (and a screen reader, which reads the extracted text) can actually read; every font travels inside
the PDF, so the letter looks the same on any computer."""

import io
import re
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from applications.models import DecisionLetter
from tests.factories import ApplicationFactory
from tests.support.process import approve, propose, through_review
from tests.support.worker import wait_until
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db(transaction=True)

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text, normalised: shaped Arabic may come out as presentation forms (U+FB50–U+FEFF)."""
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages]


def fonts_of(resources, seen: set) -> list[dict]:
    """Every font dictionary a page uses, including those inside form XObjects."""
    resources = resources.get_object() if isinstance(resources, IndirectObject) else resources
    if not resources or id(resources) in seen:
        return []
    seen.add(id(resources))
    fonts = [font.get_object() for font in resources.get("/Font", {}).get_object().values()]
    for xobject in resources.get("/XObject", {}).get_object().values():
        xobject = xobject.get_object()
        if "/Resources" in xobject:
            fonts += fonts_of(xobject["/Resources"], seen)
    return fonts


def font_descriptor(font: dict) -> dict | None:
    if font.get("/Subtype") == "/Type0":  # composite font: the glyphs live in its descendant
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def arabic_decision_letter(alice, organisation, clerk, approver, programme_admin, reviewer) -> PdfReader:
    alice.language = "ar"
    alice.save()
    application = ApplicationFactory(
        organisation=organisation, created_by=alice, title="Sprachcafé", requested_amount=Decimal("1800.00")
    )
    application_submit_and_start(application=application, by=alice)
    through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
    propose(application, by=clerk, amount=Decimal("1800.00"))
    approve(application, by=approver)
    letter = wait_until(lambda: DecisionLetter.objects.filter(decision__application=application).first())
    assert letter is not None, "no decision letter was stored"
    with letter.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def test_an_arabic_speaking_applicant_reads_the_summary_in_arabic_and_every_font_is_embedded(
    alice, organisation, clerk, approver, background_worker, mailbox, programme_admin, reviewer
):
    reader = arabic_decision_letter(alice, organisation, clerk, approver, programme_admin, reviewer)
    pages = page_texts(reader)
    summary = pages[-1]

    # The summary page, in the words of the Arabic catalogue (a missing glyph would not extract as these).
    assert "ملخص خطاب القرار الخاص بكم" in summary  # "Summary of your decision letter"
    assert "النص الألماني للخطاب وحده هو الملزم" in summary  # "only the German text ... is legally binding"
    assert "خبر سار" in summary and "يمنح المكتب" in summary and "يورو" in summary  # "good news: the office grants"
    assert "دعوى" in summary and "Klage" in summary  # "action" at the court: the authority is a Senator
    assert "Verwaltungsgericht der Freien Hansestadt Bremen" in summary

    # The binding letter comes first and stays German, with no Arabic in it.
    binding = " ".join(pages[:-1])
    assert pages[0].count("Zuwendungsbescheid") and "Rechtsbehelfsbelehrung" in binding
    assert "1.800,00 EUR" in binding
    assert not ARABIC_LETTERS.search(binding)
    assert reader.trailer["/Root"]["/Lang"] == "de"

    # Every font travels inside the PDF.
    seen: set = set()
    fonts = [font for page in reader.pages for font in fonts_of(page.get("/Resources"), seen)]
    assert fonts, "the letter uses no fonts at all"
    not_embedded = sorted(
        str(font.get("/BaseFont"))
        for font in fonts
        if not any(key in (font_descriptor(font) or {}) for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    )
    assert not_embedded == [], f"fonts not embedded: {not_embedded}"
