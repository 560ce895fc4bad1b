"""ANBest-P Nr. 1.2 as a pure rule: lines may move by up to 20 % of their plan while the total holds."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.tolerance import assess_change

D = Decimal


def test_a_shift_of_twenty_percent_with_the_same_total_is_within():
    # 1,000 -> 1,200 (+200 = 20 % of 1,000) and 2,000 -> 1,800 (-200 = 10 % of 2,000); total 3,000 both times.
    result = assess_change(
        planned={1: D("1000.00"), 2: D("2000.00")}, new={1: D("1200.00"), 2: D("1800.00")}, period_changes=False
    )
    assert result.within_tolerance
    assert (result.planned_total, result.new_total) == (D("3000.00"), D("3000.00"))


def test_one_cent_beyond_twenty_percent_is_beyond():
    result = assess_change(
        planned={1: D("1000.00"), 2: D("2000.00")}, new={1: D("1200.01"), 2: D("1799.99")}, period_changes=False
    )
    assert not result.within_tolerance and result.lines_beyond == [1]


def test_a_higher_total_is_beyond_even_within_the_line_tolerance():
    result = assess_change(planned={1: D("1000.00")}, new={1: D("1100.00")}, period_changes=False)
    assert not result.within_tolerance and result.total_rises


def test_a_longer_period_or_another_purpose_is_beyond():
    planned = {1: D("1000.00")}
    assert not assess_change(planned=planned, new={}, period_changes=True).within_tolerance
    assert not assess_change(planned=planned, new={}, period_changes=False, purpose_changes=True).within_tolerance
    assert assess_change(planned=planned, new={}, period_changes=False).within_tolerance


amounts = st.decimals(min_value=D("1.00"), max_value=D("100000.00"), places=2)


@settings(deadline=None)  # a loaded CI machine must not fail a pure rule on time
@given(st.lists(amounts, min_size=1, max_size=6), st.data())
def test_within_means_no_line_moves_more_than_a_fifth_and_the_total_does_not_rise(plan, data):
    planned = dict(enumerate(plan, start=1))
    new = {
        position: data.draw(st.decimals(min_value=D("0.00"), max_value=amount * 2, places=2))
        for position, amount in planned.items()
    }
    result = assess_change(planned=planned, new=new, period_changes=False)
    if result.within_tolerance:
        assert sum(new.values()) <= sum(planned.values())
        for position, amount in planned.items():
            assert abs(new[position] - amount) * 5 <= amount + D("0.05")
    else:
        assert result.lines_beyond or sum(new.values()) > sum(planned.values())
