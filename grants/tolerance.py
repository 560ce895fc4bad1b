"""Whether a reported change stays within what the approved plan allows (ANBest-P Nr. 1.2), without the database.

The plan is binding as to its total; single lines may deviate by up to 20 % of their planned amount if the total
holds. A longer approval period or a changed purpose always needs an amendment decision (Änderungsbescheid).
"""

from dataclasses import dataclass, field
from decimal import Decimal

LINE_TOLERANCE = Decimal("0.20")


@dataclass(frozen=True)
class Assessment:
    within_tolerance: bool
    planned_total: Decimal
    new_total: Decimal
    lines_beyond: list[int] = field(default_factory=list)  # positions whose change exceeds 20 % of their plan
    total_rises: bool = False
    period_changes: bool = False
    purpose_changes: bool = False


def assess_change(
    *, planned: dict[int, Decimal], new: dict[int, Decimal], period_changes: bool, purpose_changes: bool = False
) -> Assessment:
    """`planned` and `new`: amount per plan line position (a line missing from `new` keeps its amount)."""
    after = {position: new.get(position, amount) for position, amount in planned.items()}
    planned_total = sum(planned.values(), Decimal("0.00"))
    new_total = sum(after.values(), Decimal("0.00"))
    beyond = [
        position
        for position, amount in sorted(planned.items())
        if abs(after[position] - amount) > (amount * LINE_TOLERANCE).quantize(Decimal("0.01"))
    ]
    rises = new_total > planned_total
    return Assessment(
        within_tolerance=not (beyond or rises or period_changes or purpose_changes),
        planned_total=planned_total,
        new_total=new_total,
        lines_beyond=beyond,
        total_rises=rises,
        period_changes=period_changes,
        purpose_changes=purpose_changes,
    )
