"""Row locks that never leave a person waiting on a page: FOR UPDATE NOWAIT, retried for a moment, then a clear
"someone is working on this" instead of a request that hangs until the proxy gives up.

Each attempt runs in a savepoint of its own, so a refused attempt leaves the enclosing transaction usable (Django
rolls back to the savepoint). A granted lock is kept by the enclosing transaction until it ends. Without row locks
(SQLite serialises writers itself) the row is simply read.
"""

import random
import time
from collections.abc import Callable

from django.db import DatabaseError, connection, transaction
from django.db.models import Model, QuerySet

from applications.errors import RecordBusy

# Waits between refused attempts (each doubled at most by jitter): about 1.5–3 s in all before the person is told.
LOCK_WAITS = (0.1, 0.2, 0.4, 0.8)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: FOR UPDATE NOWAIT found the row locked
IN_FAILED_TRANSACTION = "25P02"  # PostgreSQL: "current transaction is aborted"


def sqlstate(error: DatabaseError) -> str | None:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_lock_failure(error: DatabaseError) -> bool:
    """A refused NOWAIT, or the aborted transaction it leaves behind where a library swallowed it in a savepoint."""
    return sqlstate(error) in (LOCK_NOT_AVAILABLE, IN_FAILED_TRANSACTION)


def row_locked(rows: QuerySet, busy: Callable[[], Exception] = RecordBusy) -> Model:
    """The one row of `rows`, locked FOR UPDATE (only its own table's row, not the joined ones); `busy()` is raised
    when another transaction keeps it locked through every retry."""
    if not connection.features.has_select_for_update:
        return rows.get()
    rows = rows.select_for_update(nowait=True, of=("self",))
    for wait in LOCK_WAITS:
        try:
            return _attempt(rows)
        except DatabaseError as error:
            if sqlstate(error) != LOCK_NOT_AVAILABLE:
                raise
        time.sleep(wait * (1 + random.random()))
    try:
        return _attempt(rows)
    except DatabaseError as error:
        if sqlstate(error) != LOCK_NOT_AVAILABLE:
            raise
        raise busy() from error


def _attempt(rows: QuerySet) -> Model:
    with transaction.atomic():
        return rows.get()
