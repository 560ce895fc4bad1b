"""Moves the change procedure: the organisation's report and the office's procedure start in one transaction."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from grants.changes import change_report_submit
from grants.models import ChangeReport, Grant


def change_report_and_start(
    *, grant: Grant, by, kind: str, description: str, new_amounts: dict[int, Decimal], new_period_end: date | None
) -> ChangeReport:
    from workflow.flows.change import ChangeFlow

    with transaction.atomic():
        report = change_report_submit(
            grant=grant,
            by=by,
            kind=kind,
            description=description,
            new_amounts=new_amounts,
            new_period_end=new_period_end,
        )
        ChangeFlow.report.run(report=report)
    return report
