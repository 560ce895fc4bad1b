"""Benchmark: how long one decision letter takes to render (PDF/UA, WeasyPrint), against a one-line PDF.

Run: .venv/bin/python bench/letter_render.py [rounds]
Prints the median and p90 in milliseconds for both and their ratio. Needs no database: the decision is built
from unsaved model instances.
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

from applications.letters import _font_config, render_decision_letter  # noqa: E402
from applications.models import Application, Call, Decision, DecisionStatus, FinancingMethod, Programme  # noqa: E402
from organisations.models import LegalForm, Organisation, Seat, User  # noqa: E402


def sample_decision() -> Decision:
    programme = Programme(
        title="Selbsthilfe- und Projektförderung",
        financing_method=FinancingMethod.DEFICIT,
        min_amount=Decimal("500"),
        max_amount=Decimal("15000"),
        legal_remedy="Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden.",
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
    p90 = statistics.quantiles(times, n=10)[-1]
    return f"median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms"


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    decision = sample_decision()
    letter = measure(lambda: render_decision_letter(decision), rounds)
    baseline = measure(
        lambda: weasyprint.HTML(string="<html lang=de><title>x</title><p>Bescheid</p>").write_pdf(
            font_config=_font_config()
        ),
        rounds,
    )
    print(f"decision letter (PDF/UA, {len(render_decision_letter(decision)) // 1024} KiB): {summary(letter)}")
    print(f"baseline one-line PDF:                {summary(baseline)}")
    print(f"ratio letter / baseline (median):     {statistics.median(letter) / statistics.median(baseline):.1f}x")
    print(f"rounds: {rounds}")


if __name__ == "__main__":
    main()
