"""Locks on a grant's rows: taken without waiting on another request (`applications.locking`), so a person whose
step meets a held lock is told at once that someone is working on the grant, and nothing they entered is lost."""

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy

from applications.errors import RecordBusy
from applications.locking import row_locked


class GrantBusy(RecordBusy):
    def __init__(self):
        super().__init__(gettext_lazy("Someone is working on this grant right now. Please try again in a moment."))


def locked(rows: QuerySet) -> Model:
    """The one row of `rows`, locked until the transaction ends; GrantBusy while another request holds it."""
    return row_locked(rows, busy=GrantBusy)
