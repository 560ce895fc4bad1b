"""The receipt sample a clerk checks at the examination of the proof of use (VV Nr. 11 zu § 44 LHO).

The programme sets how many receipts are checked (a number or a percentage) and, often, an amount from which every
receipt is checked. The rest of the sample is drawn at random, but reproducibly: the same receipts and the same
seed always give the same sample, whatever order the receipts come in, so that anyone can redraw it later from
what the check memo records. Pure Python (no database).
"""

import hashlib
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from applications.formatting import format_money


@dataclass(frozen=True)
class Sample:
    """The receipts to check (their ids, sorted) and how they were chosen, in a sentence for the check memo."""

    ids: list
    method_note: str
    seed: str
    population: int  # how many receipts there were to choose from
    always_checked: list  # the ids at or above the amount from which every receipt is checked


def _rng(seed: str) -> random.Random:
    """A generator of its own, seeded from the SHA-256 of the seed text (never the global one, whose state any
    other code may change)."""
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))


def sample_size(population: int, *, size: int | None = None, percent: Decimal | None = None) -> int:
    """How many receipts the rule asks for: `size`, or `percent` of them rounded up; at least one if there are
    any, never more than there are."""
    if (size is None) == (percent is None):
        raise ValueError("Give either size or percent.")
    if size is not None:
        if size < 1:
            raise ValueError("The sample size must be at least 1.")
        wanted = size
    else:
        if not Decimal(0) < percent <= Decimal(100):
            raise ValueError("The percentage must be above 0 and at most 100.")
        wanted = int((Decimal(population) * percent / 100).to_integral_value(rounding=ROUND_CEILING))
    return min(max(wanted, 1), population)


def pick_sample(
    receipts: Sequence[tuple[Hashable, Decimal]],
    *,
    size: int | None = None,
    percent: Decimal | None = None,
    always_above: Decimal | None = None,
    seed: str,
) -> Sample:
    """Choose the receipts to check from (id, amount) pairs.

    Every receipt of `always_above` or more is in the sample. They count towards the size the rule asks for;
    the rest of it is drawn at random from the other receipts. So the sample has max(rule size, big receipts)
    receipts. Ids must be unique and sortable (they are sorted first, which makes the input order irrelevant).
    """
    if not seed or not seed.strip():
        raise ValueError("A sample needs a seed, so that it can be drawn again.")
    ordered = sorted(receipts, key=lambda receipt: receipt[0])
    ids = [receipt_id for receipt_id, _amount in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("Receipt ids must be unique.")
    wanted = sample_size(len(ordered), size=size, percent=percent)
    always = [rid for rid, amount in ordered if always_above is not None and amount >= always_above]
    always_set = set(always)
    others = [rid for rid in ids if rid not in always_set]
    drawn = _rng(seed).sample(others, max(0, wanted - len(always)))
    chosen = sorted([*always, *drawn])
    return Sample(
        ids=chosen,
        method_note=_method_note(
            seed=seed,
            population=len(ordered),
            chosen=len(chosen),
            drawn=len(drawn),
            size=size,
            percent=percent,
            always_above=always_above,
            always=len(always),
        ),
        seed=seed,
        population=len(ordered),
        always_checked=always,
    )


def _method_note(*, seed, population, chosen, drawn, size, percent, always_above, always) -> str:
    if percent is not None:
        rule = _("%(percent)s %% of the receipts, rounded up, at least one") % {
            "percent": formats.number_format(Decimal(format(percent.normalize(), "f")))
        }
    else:
        rule = _("a fixed size of %(size)s") % {"size": size}
    parts = [
        _("%(chosen)s of %(population)s receipts checked (rule: %(rule)s).")
        % {"chosen": chosen, "population": population, "rule": rule}
    ]
    if always_above is not None:
        parts.append(
            _("Every receipt of %(amount)s EUR or more is checked: %(count)s.")
            % {"amount": format_money(always_above), "count": always}
        )
    parts.append(
        _(
            "%(drawn)s drawn at random with the seed “%(seed)s” (Python random.Random seeded with the SHA-256 of "
            "the seed, from the other receipts sorted by number); the same seed draws the same sample again."
        )
        % {"drawn": drawn, "seed": seed}
    )
    return " ".join(parts)
