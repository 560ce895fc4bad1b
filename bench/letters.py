"""Benchmark: how long one decision letter takes to render in a warm process, against WeasyPrint rendering the
same HTML bare (no PDF/UA, default fetcher) in the same run.

Run: .venv/bin/python bench/letters.py [rounds]
Prints median and p95 in milliseconds for both and their ratio. Needs no database: the decision is built from
unsaved model instances, and the letter's HTML is rendered once for the bare baseline.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.letters import render_decision_letter  # noqa: E402
from applications.models import Application, Authority, Call, Decision, DecisionStatus, FinancingMethod, Programme  # noqa: E402
from organisations.models import LegalForm, Organisation, Seat, User  # noqa: E402


def sample_decision() -> Decision:
    programme = Programme(
        title="Selbsthilfe- und Projektförderung",
        financing_method=FinancingMethod.DEFICIT,
        min_amount=Decimal("500"),
        max_amount=Decimal("15000"),
        authority=Authority(
            name="Die Senatorin für Arbeit, Soziales, Jugend und Integration",
            street="Bahnhofsplatz 29",
            postcode="28195",
            city="Bremen",
            remedy_body="Verwaltungsgericht der Freien Hansestadt Bremen",
            remedy_address="Am Wall 198, 28195 Bremen",
        ),
    )
    organisation = Organisation(
        name="Deutsch-Türkischer Elternverein Bremen e.V.",
        legal_form=LegalForm.REGISTERED_ASSOCIATION,
        seat=Seat.BREMEN,
        street="Lindenhofstraße 12",
        postcode="28237",
        city="Bremen",
    )
    application = Application(
        pk=42,
        organisation=organisation,
        call=Call(programme=programme, title="Stichtag"),
        title="Hausaufgabenhilfe im Stadtteil",
        summary="Ehrenamtliche helfen Kindern bei den Hausaufgaben. " * 8,
        requested_amount=Decimal("3200"),
        period_start=date.today() + timedelta(days=30),
        period_end=date.today() + timedelta(days=200),
        submitted_at=timezone.now(),
    )
    return Decision(
        application=application,
        version=1,
        outcome="approve",
        amount=Decimal("3150.00"),
        status=DecisionStatus.APPROVED,
        proposed_by=User(email="clerk@example.org"),
        approved_by=User(email="approver@example.org", first_name="Anke", last_name="Vogel"),
        approved_at=timezone.now(),
    )


def measure(render, rounds: int) -> list[float]:
    render()  # warm-up: fonts and the first layout
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"


def letter_html(decision) -> str:
    """The exact HTML the letter renderer feeds to WeasyPrint."""
    captured = {}
    original = weasyprint.HTML

    def capture(*args, **kwargs):
        captured["html"] = kwargs["string"]
        return original(*args, **kwargs)

    weasyprint.HTML = capture
    try:
        render_decision_letter(decision)
    finally:
        weasyprint.HTML = original
    return captured["html"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    decision = sample_decision()
    html = letter_html(decision)
    letter = measure(lambda: render_decision_letter(decision), rounds)
    bare = measure(lambda: weasyprint.HTML(string=html).write_pdf(), rounds)
    pages = len(weasyprint.HTML(string=html).render().pages)
    print(f"decision letter, {pages} pages, PDF/UA, static-only fetcher: {summary(letter)}")
    print(f"same HTML, bare WeasyPrint:                     {summary(bare)}")
    print(f"ratio letter / bare (median):                   {statistics.median(letter) / statistics.median(bare):.2f}x")
    print(f"rounds: {rounds}")


if __name__ == "__main__":
    main()
