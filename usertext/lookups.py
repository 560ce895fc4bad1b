"""Numbers people type that no database column can hold.

A form posts `topics=99999999999999999999`; Django's ModelMultipleChoiceField checks the choices with
`pk__in=[…]`, and the database cannot take the number: SQLite raises OverflowError, PostgreSQL rejects a value
beyond bigint. Django already treats an out-of-range number in `exact`, `gt`, `lt` … as "matches nothing" (or
"matches everything"); its `in` lookup passes the number on. This lookup drops numbers the column cannot hold
from an `in` list, so they match nothing, like `exact`: every multiple-choice field in every form then answers
"not one of the available choices" next to the field, and no form has to remember a mixin.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if _fits(value, low, high)]
        return super().process_rhs(compiler, connection)


def _fits(value, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
