"""The steps of the funding flow as the dashboard shows them, read from the flow definition itself."""

from collections import Counter
from functools import cache

from django.utils.translation import gettext as _
from viewflow.workflow import chart, flow

from workflow.flows import EarlyStartFlow, FundingFlow
from workflow.flows.change import ChangeFlow
from workflow.flows.grant import GrantFlow, InterimProofFlow, PaymentFlow
from workflow.selectors import STAFF_NODES


def step_key(node) -> str:
    """A stable key for a node of either flow (both flows have an `end` and a `notify_organisation`)."""
    return f"{node.flow_class.__name__}.{node.name}"


@cache
def waiting_steps(flow_class) -> tuple:
    """The nodes where an application waits for someone, a person (views) or a worker (handles), in the reading
    order of viewflow's diagram of the flow: left to right, then top to bottom."""
    cells = sorted(chart.calc_layout_data(flow_class).cells, key=lambda cell: (cell.shape.x, cell.shape.y))
    return tuple(cell.node for cell in cells if isinstance(cell.node, flow.View | flow.Handle))


def funding_steps() -> tuple:
    return waiting_steps(FundingFlow)


STAFF_STEPS = tuple(STAFF_NODES)


def step_labels() -> dict[str, str]:
    """Each step's title in the active language; steps sharing a title (the two review slots) are numbered."""
    others = (
        *waiting_steps(EarlyStartFlow),
        *waiting_steps(PaymentFlow),
        *waiting_steps(GrantFlow),
        *waiting_steps(ChangeFlow),
        *waiting_steps(InterimProofFlow),
    )
    nodes = [*funding_steps(), *(node for node in others if node not in funding_steps())]
    titles = {step_key(node): str(node.task_title) for node in nodes}
    shared = Counter(titles.values())
    seen = Counter()
    labels = {}
    for key, title in titles.items():
        if shared[title] > 1:
            seen[title] += 1
            labels[key] = _("%(step)s (%(number)s)") % {"step": title, "number": seen[title]}
        else:
            labels[key] = title
    return labels
