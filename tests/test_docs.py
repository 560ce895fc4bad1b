"""The process diagrams in docs/ show the flows as they are in the code."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.parametrize(
    ("flow", "path", "format_"),
    [
        ("workflow/flows.FundingFlow", "docs/funding-flow.svg", "svg"),
        ("workflow/flows.FundingFlow", "docs/funding-flow.bpmn", "bpmn"),
        ("workflow/flows.EarlyStartFlow", "docs/early-start-flow.svg", "svg"),
        ("workflow/flows.grant.GrantFlow", "docs/grant-flow.svg", "svg"),
        ("workflow/flows.grant.GrantFlow", "docs/grant-flow.bpmn", "bpmn"),
        ("workflow/flows.grant.PaymentFlow", "docs/payment-flow.svg", "svg"),
        ("workflow/flows.grant.PaymentFlow", "docs/payment-flow.bpmn", "bpmn"),
        ("workflow/flows.grant.InterimProofFlow", "docs/interim-proof-flow.svg", "svg"),
        ("workflow/flows.grant.InterimProofFlow", "docs/interim-proof-flow.bpmn", "bpmn"),
        ("workflow/flows.change.ChangeFlow", "docs/change-flow.svg", "svg"),
        ("workflow/flows.change.ChangeFlow", "docs/change-flow.bpmn", "bpmn"),
    ],
)
def test_the_exported_diagram_is_current(flow, path, format_, capsys):
    call_command("flowexport", flow, format=format_, stdout=StringIO())
    exported = capsys.readouterr().out
    committed = (Path(settings.BASE_DIR) / path).read_text()
    assert exported.strip() == committed.strip(), f"regenerate {path} (see docs/architecture.md)"
