"""The receipt sample at the check of the proof of use: the programme's size, every big receipt, and the same
sample again from the same seed, whatever order the receipts come in."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from grants.sampling import pick_sample, sample_size

D = Decimal

amounts = st.decimals(min_value=D("0.01"), max_value=D("20000.00"), places=2)
receipt_lists = st.dictionaries(st.integers(min_value=1, max_value=10**6), amounts, max_size=120).map(
    lambda receipts: list(receipts.items())
)
seeds = st.text(min_size=1, max_size=30).filter(lambda seed: seed.strip())
percents = st.decimals(min_value=D("0.1"), max_value=D("100"), places=1)
thresholds = st.none() | st.decimals(min_value=D("1.00"), max_value=D("20000.00"), places=2)


def receipts_of(*amounts: str) -> list[tuple[int, Decimal]]:
    return [(number, D(amount)) for number, amount in enumerate(amounts, start=1)]


# Properties


@given(receipt_lists, seeds, percents, thresholds)
def test_the_same_inputs_give_the_same_sample(receipts, seed, percent, always_above):
    first = pick_sample(receipts, percent=percent, always_above=always_above, seed=seed)
    again = pick_sample(list(receipts), percent=percent, always_above=always_above, seed=seed)
    assert first.ids == again.ids and first.method_note == again.method_note


@given(receipt_lists.flatmap(lambda receipts: st.tuples(st.just(receipts), st.permutations(receipts))), seeds)
def test_the_order_of_the_receipts_does_not_matter(pair, seed):
    receipts, shuffled = pair
    assert pick_sample(receipts, size=7, seed=seed).ids == pick_sample(shuffled, size=7, seed=seed).ids


@given(receipt_lists, seeds, percents, thresholds)
def test_the_sample_has_the_size_the_rule_asks_for_and_all_big_receipts(receipts, seed, percent, always_above):
    sample = pick_sample(receipts, percent=percent, always_above=always_above, seed=seed)

    big = {number for number, amount in receipts if always_above is not None and amount >= always_above}
    wanted = math.ceil(Fraction(len(receipts)) * Fraction(percent) / 100)
    wanted = min(max(wanted, 1), len(receipts))
    assert len(sample.ids) == max(wanted, len(big))
    assert big <= set(sample.ids)
    assert set(sample.ids) <= {number for number, _amount in receipts}
    assert sample.ids == sorted(set(sample.ids))
    assert sorted(sample.always_checked) == sorted(big)


@given(receipt_lists, seeds, st.integers(min_value=1, max_value=200))
def test_a_fixed_size_is_kept_unless_there_are_fewer_receipts(receipts, seed, size):
    sample = pick_sample(receipts, size=size, seed=seed)
    assert len(sample.ids) == min(size, len(receipts))
    assert set(sample.ids) <= {number for number, _amount in receipts}


# Worked examples


def test_ten_percent_of_21_receipts_is_3_rounded_up():
    # 21 × 10 % = 2.1 → 3
    sample = pick_sample(receipts_of(*["10.00"] * 21), percent=D("10"), seed="VN-2026-0042")
    assert len(sample.ids) == 3
    assert sample_size(21, percent=D("10")) == 3
    assert sample_size(20, percent=D("10")) == 2
    assert sample_size(3, percent=D("1")) == 1  # 0.03 → at least one
    assert sample_size(0, percent=D("10")) == 0


def test_big_receipts_are_always_in_and_fill_the_sample_first():
    receipts = receipts_of("100.00", "1000.00", "999.99", "2500.00", "50.00", "75.00")
    sample = pick_sample(receipts, size=3, always_above=D("1000.00"), seed="Prüfung 1")
    # receipts 2 (1,000.00: at the threshold) and 4 (2,500.00) are in; one more is drawn from 1, 3, 5, 6
    assert {2, 4} <= set(sample.ids) and len(sample.ids) == 3
    assert sample.always_checked == [2, 4]

    more_big_than_the_size = pick_sample(receipts, size=1, always_above=D("100.00"), seed="Prüfung 1")
    assert more_big_than_the_size.ids == [1, 2, 3, 4]


def test_another_seed_draws_another_sample():
    receipts = receipts_of(*["10.00"] * 100)
    samples = {tuple(pick_sample(receipts, size=10, seed=f"VN-{n}").ids) for n in range(5)}
    assert len(samples) == 5


def test_a_recorded_sample_can_be_drawn_again_after_an_upgrade():
    # Pinned: a check memo records the seed, and the same receipts must give this sample in any later version.
    receipts = receipts_of(*["10.00"] * 50)
    assert pick_sample(receipts, size=5, seed="VN-2026-0042").ids == PINNED_SAMPLE


PINNED_SAMPLE = [6, 9, 23, 34, 46]


def test_the_memo_note_says_how_the_sample_was_drawn():
    receipts = receipts_of("100.00", "1500.00", "20.00", "30.00", "40.00", "50.00", "60.00", "70.00", "80.00", "90.00")
    with translation.override("en"):
        sample = pick_sample(receipts, percent=D("20"), always_above=D("1000"), seed="VN-2026-0042")
    assert sample.method_note == (
        "2 of 10 receipts checked (rule: 20 % of the receipts, rounded up, at least one). "
        "Every receipt of 1,000.00 EUR or more is checked: 1. "
        "1 drawn at random with the seed “VN-2026-0042” (Python random.Random seeded with the SHA-256 of the seed, "
        "from the other receipts sorted by number); the same seed draws the same sample again."
    )


def test_no_receipts_give_an_empty_sample():
    assert pick_sample([], size=5, seed="x").ids == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"size": 3, "percent": D("10"), "seed": "x"},
        {"seed": "x"},
        {"size": 0, "seed": "x"},
        {"percent": D("0"), "seed": "x"},
        {"percent": D("101"), "seed": "x"},
        {"size": 3, "seed": "  "},
    ],
)
def test_an_unclear_rule_is_refused(arguments):
    with pytest.raises(ValueError):
        pick_sample(receipts_of("1.00", "2.00"), **arguments)


def test_receipt_ids_must_be_unique():
    with pytest.raises(ValueError):
        pick_sample([(1, D("1.00")), (1, D("2.00"))], size=1, seed="x")
