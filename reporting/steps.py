"""The steps of the funding flow as the dashboard shows them, read from the flow definition itself."""

from collections import Counter

from django.utils.translation import gettext as _
from viewflow.workflow import chart, flow

from workflow.flows import EarlyStartFlow, FundingFlow
from workflow.selectors import STAFF_NODES


def step_key(node) -> str:
    """A stable key for a node of either flow (both flows have an `end` and a `notify_organisation`)."""
    return f"{node.flow_class.__name__}.{node.name}"


def waiting_steps(flow_class) -> list:
    """The nodes where an application waits for someone, a person (views) or a worker (handles), in the order
    of the flow graph (viewflow's own topological order, the one its diagrams are laid out by)."""
    order, _reversed = chart.topsort(flow_class)
    return [node for node in order if isinstance(node, flow.View | flow.Handle)]


FUNDING_STEPS = tuple(waiting_steps(FundingFlow))
STAFF_STEPS = tuple(STAFF_NODES)
EARLY_START_STEPS = tuple(waiting_steps(EarlyStartFlow))


def step_labels() -> dict[str, str]:
    """Each step's title in the active language; steps sharing a title (the two review slots) are numbered."""
    nodes = [*FUNDING_STEPS, *(node for node in EARLY_START_STEPS if node not in FUNDING_STEPS)]
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
