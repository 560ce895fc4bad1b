"""The figures of the process dashboard, one function per block.

Every block runs a fixed number of aggregate queries, however many applications there are. `figures()` computes
all blocks together and keeps them for at most a minute per selection, so the page and its refreshes stay cheap.
The blocks return plain numbers keyed by step, never translated text: the cached figures serve every language.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow import chart
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.models import (
    Application,
    ApplicationStatus,
    Call,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    ItemsRequest,
)
from reporting.steps import STAFF_STEPS, funding_steps, step_key
from workflow.flows import FundingFlow
from workflow.models import on_staff_process

CACHE_SECONDS = 60
LIST_LIMIT = 50  # rows shown in the overdue lists; the totals count them all
OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.ERROR)
ENDED = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.CANCELLED,
)
# Submitted and still wanted: withdrawn and cancelled applications no longer ask for money.
REQUESTING = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ITEMS_REQUESTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.DECISION_PROPOSED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
)
FUNDING = "process__fundingprocess__application__"
EARLY_START = "process__earlystartprocess__request__application__"


@dataclass(frozen=True)
class Selection:
    """What the dashboard shows: the calls of these programmes, or one call of them."""

    programme_ids: tuple[int, ...]
    call_id: int | None = None

    def where(self, prefix: str = "") -> Q:
        """Applications of the selection, reached from another model through `prefix` (ending in "__")."""
        condition = Q(**{f"{prefix}call__programme_id__in": self.programme_ids})
        if self.call_id is not None:
            condition &= Q(**{f"{prefix}call_id": self.call_id})
        return condition

    def processes(self) -> Q:
        """Tasks of the selection, by their process: two sets of process ids taken from the indexed scope keys
        the processes carry (see workflow.models.ScopeKeys), instead of joining every task to its application."""
        keys = {"programme_id__in": self.programme_ids}
        if self.call_id is not None:
            keys["call_id"] = self.call_id
        return on_staff_process(**keys)

    @property
    def cache_key(self) -> str:
        scope = ",".join(str(pk) for pk in sorted(self.programme_ids))
        digest = hashlib.sha256(f"{scope}|{self.call_id}".encode()).hexdigest()[:32]
        return f"reporting:figures:v2:{digest}"


def overdue_after() -> timedelta:
    return timedelta(days=getattr(settings, "STAFF_TASK_ESCALATE_AFTER_DAYS", 14))


def steps(selection: Selection) -> dict:
    """Applications at each step: open tasks per step of the funding flow, drafts, and ended ones by outcome."""
    open_tasks = (
        Task.objects.filter(selection.processes(), flow_task__in=funding_steps(), status__in=OPEN_TASK)
        .values_list("flow_task")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_status = (
        Application.objects.filter(selection.where())
        .filter(
            Q(status=ApplicationStatus.DRAFT)
            | Q(status__in=ENDED) & (Q(process__isnull=True) | Q(process__status__in=[PROCESS.DONE, PROCESS.CANCELED]))
        )
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_status = dict(by_status)
    return {
        "open": {step_key(node): count for node, count in open_tasks},
        "drafts": by_status.get(ApplicationStatus.DRAFT, 0),
        "ended": {status: by_status.get(status, 0) for status in ENDED},
    }


def budget(selection: Selection) -> dict:
    """The calls' budget, what submitted applications ask for, what is proposed and approved, and what is left."""
    zero = Decimal("0.00")
    calls = Call.objects.filter(programme_id__in=selection.programme_ids)
    if selection.call_id is not None:
        calls = calls.filter(pk=selection.call_id)
    available = calls.aggregate(total=Coalesce(Sum("budget"), zero))["total"]
    requested = Application.objects.filter(selection.where(), status__in=REQUESTING).aggregate(
        total=Coalesce(Sum("requested_amount"), zero)
    )["total"]
    decided = Decision.objects.filter(selection.where("application__"), outcome=DecisionOutcome.APPROVE).aggregate(
        proposed=Coalesce(Sum("amount", filter=Q(status=DecisionStatus.PROPOSED)), zero),
        approved=Coalesce(Sum("amount", filter=Q(status=DecisionStatus.APPROVED)), zero),
    )
    return {
        "available": available,
        "requested": requested,
        "proposed": decided["proposed"],
        "approved": decided["approved"],
        "remaining": available - decided["approved"] - decided["proposed"],
    }


def grants(selection: Selection) -> dict:
    """Approved grants, and how many of them the transparency list names (their organisation consented)."""
    return Decision.objects.filter(
        selection.where("application__"), status=DecisionStatus.APPROVED, outcome=DecisionOutcome.APPROVE
    ).aggregate(total=Count("pk"), listed=Count("pk", filter=Q(application__organisation__listed_since__isnull=False)))


def payments(selection: Selection, today=None) -> dict:
    """The money after the decision: paid out, released and on its way, requested and waiting for the office; and
    how many grants wait to become final or have an appeal pending."""
    from grants.models import Grant, GrantStatus, PaymentRequest, PaymentStatus

    zero = Decimal("0.00")
    in_selection = Q(grant__programme_id__in=selection.programme_ids)
    grants_in = Q(programme_id__in=selection.programme_ids)
    if selection.call_id is not None:
        in_selection &= Q(grant__application__call_id=selection.call_id)
        grants_in &= Q(application__call_id=selection.call_id)
    waiting = [PaymentStatus.REQUESTED, PaymentStatus.CERTIFIED]
    money = PaymentRequest.objects.filter(in_selection).aggregate(
        paid=Coalesce(Sum("amount", filter=Q(status=PaymentStatus.PAID)), zero),
        released=Coalesce(Sum("amount", filter=Q(status=PaymentStatus.RELEASED)), zero),
        pending=Coalesce(Sum("amount", filter=Q(status__in=waiting)), zero),
        pending_count=Count("pk", filter=Q(status__in=waiting)),
    )
    states = Grant.objects.filter(grants_in).aggregate(
        awaiting=Count("pk", filter=Q(status=GrantStatus.AWAITING_FINALITY)),
        appealed=Count("pk", filter=Q(status=GrantStatus.APPEALED)),
        running=Count("pk", filter=Q(status=GrantStatus.RUNNING)),
    )
    return {**money, **states, **_proofs_and_claims(in_selection, today or timezone.localdate())}


PROOF_DUE_SOON_DAYS = 30


def _proofs_and_claims(in_selection: Q, today) -> dict:
    """Proofs of use due within a month, overdue, and waiting for the office's check; the money reclaimed by
    revocations, repaid so far, and the claims still open."""
    from grants.models import Claim, ClaimStatus, ProofOfUse, ProofStatus, Repayment

    zero = Decimal("0.00")
    open_proof = Q(status__in=[ProofStatus.DRAFT, ProofStatus.ITEMS_REQUESTED])
    soon = Q(due_on__gte=today, due_on__lte=today + timedelta(days=PROOF_DUE_SOON_DAYS))
    proofs = ProofOfUse.objects.filter(in_selection).aggregate(
        proofs_due=Count("pk", filter=open_proof & soon),
        proofs_overdue=Count("pk", filter=open_proof & Q(due_on__lt=today)),
        proofs_in_review=Count("pk", filter=Q(status=ProofStatus.SUBMITTED)),
    )
    revoked = [ClaimStatus.DECIDED, ClaimStatus.SETTLED]
    claims = Claim.objects.filter(in_selection).aggregate(
        reclaimed=Coalesce(Sum("amount", filter=Q(status__in=revoked)), zero),
        claims_open=Count("pk", filter=~Q(status__in=[ClaimStatus.SETTLED, ClaimStatus.DROPPED])),
    )
    repaid = Repayment.objects.filter(claim__in=Claim.objects.filter(in_selection).values("pk"))
    claims["repaid"] = repaid.aggregate(total=Coalesce(Sum("amount"), zero))["total"]
    return {**proofs, **claims}


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the two nearest values)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The same percentile as PostgreSQL's percentile_cont, computed in Python (for SQLite)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def durations(selection: Selection) -> dict:
    """Time spent in each step: median and 90th percentile of (finished − created) of its finished tasks, in
    seconds. PostgreSQL computes the percentiles in SQL; SQLite has no percentile function, so Python does."""
    finished = Task.objects.filter(
        selection.processes(), flow_task__in=funding_steps(), status=STATUS.DONE, finished__isnull=False
    ).order_by()
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    result = {}
    if connection.vendor == "postgresql":
        rows = finished.values("flow_task").annotate(
            count=Count("pk"),
            median=PercentileCont(duration, 0.5, output_field=DurationField()),
            p90=PercentileCont(duration, 0.9, output_field=DurationField()),
        )
        for row in rows:
            result[step_key(row["flow_task"])] = {
                "count": row["count"],
                "median": row["median"].total_seconds(),
                "p90": row["p90"].total_seconds(),
            }
        return result
    seconds = defaultdict(list)
    for node, created, done in finished.values_list("flow_task", "created", "finished"):
        seconds[step_key(node)].append((done - created).total_seconds())
    for key, values in seconds.items():
        result[key] = {
            "count": len(values),
            "median": percentile_cont(values, 0.5),
            "p90": percentile_cont(values, 0.9),
        }
    return result


def _open_staff_tasks(selection: Selection):
    return Task.objects.filter(selection.processes(), flow_task__in=STAFF_STEPS, status__in=OPEN_TASK).order_by()


def _owner_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def overdue(selection: Selection, *, now: datetime | None = None) -> dict:
    """Staff tasks open longer than the escalation threshold, and organisations' answers past their deadline."""
    now = now or timezone.now()
    staff = _open_staff_tasks(selection).filter(created__lt=now - overdue_after())
    staff_rows = list(
        staff.annotate(application_id=Coalesce(f"{FUNDING}id", f"{EARLY_START}id"))
        .values("pk", "flow_task", "created", "application_id", "owner__first_name", "owner__last_name", "owner__email")
        .order_by("created", "pk")[:LIST_LIMIT]
    )
    answering = Task.objects.filter(
        process__fundingprocess__application_id=OuterRef("application_id"),
        flow_task=FundingFlow.answer_request,
        status__in=OPEN_TASK,
    )
    late = ItemsRequest.objects.alias(answering=Exists(answering)).filter(
        selection.where("application__"), answered_at__isnull=True, deadline__lt=now, answering=True
    )
    late_rows = list(late.values("pk", "application_id", "deadline").order_by("deadline", "pk")[:LIST_LIMIT])
    ids = {row["application_id"] for row in staff_rows + late_rows}
    applications = Application.objects.select_related("organisation").only(
        "pk", "title", "submitted_at", "created", "organisation__name"
    )
    applications = applications.in_bulk(ids) if ids else {}

    def about(application_id):
        application = applications[application_id]
        return {
            "application_id": application_id,
            "reference": application.reference,
            "title": application.title,
            "organisation": application.organisation.name,
        }

    return {
        "threshold_days": overdue_after().days,
        "staff_total": staff.count(),
        "staff": [
            {
                **about(row["application_id"]),
                "step": step_key(row["flow_task"]),
                "since": row["created"],
                "days": (now - row["created"]).days,
                "owner": _owner_name(row["owner__first_name"] or "", row["owner__last_name"] or "", row["owner__email"])
                if row["owner__email"]
                else "",
            }
            for row in staff_rows
        ],
        "organisation_total": late.count(),
        "organisation": [
            {**about(row["application_id"]), "deadline": row["deadline"], "days": (now - row["deadline"]).days}
            for row in late_rows
        ],
    }


def workload(selection: Selection) -> dict:
    """Open staff tasks per person, and the tasks nobody has taken yet per step."""
    rows = (
        _open_staff_tasks(selection)
        .values_list("owner_id", "owner__first_name", "owner__last_name", "owner__email", "flow_task")
        .annotate(count=Count("pk"))
    )
    people, unassigned = {}, defaultdict(int)
    for owner_id, first, last, email, node, count in rows:
        if owner_id is None:
            unassigned[step_key(node)] += count
            continue
        person = people.setdefault(owner_id, {"name": _owner_name(first, last, email), "total": 0, "steps": {}})
        person["total"] += count
        person["steps"][step_key(node)] = person["steps"].get(step_key(node), 0) + count
    return {
        "people": sorted(people.values(), key=lambda person: (-person["total"], person["name"].casefold())),
        "unassigned": dict(unassigned),
    }


def diagram(open_counts: dict[str, int]) -> dict:
    """The funding flow laid out by viewflow (as in docs/funding-flow.svg), each waiting step with its count."""
    grid = chart.calc_layout_data(FundingFlow)
    waiting = {step_key(node) for node in funding_steps()}
    shapes = []
    for cell in grid.cells:
        node, (x, y, width, height) = cell.node, (cell.shape.x, cell.shape.y, cell.shape.width, cell.shape.height)
        if cell.shape.text:
            kind = "task"
        elif "GATEWAY" in node.task_type or node.task_type == "JOIN":
            kind = "gateway"
        else:
            kind = "event"
        key = step_key(node)
        shapes.append(
            {
                "kind": kind,
                "x": x,
                "y": y,
                "width": width,
                "height": height,
                "cx": x + width / 2,
                "cy": y + height / 2,
                "r": min(width, height) / 2,
                "diamond": f"{x + width / 2},{y} {x + width},{y + height / 2} "
                f"{x + width / 2},{y + height} {x},{y + height / 2}",
                "lines": [{"text": text, "x": x + dx, "y": y + dy} for text, _class, _size, dx, dy in cell.shape.text],
                "title": str(node.task_title),
                "count": open_counts.get(key, 0) if key in waiting else None,
            }
        )
    edges = [
        " ".join(f"{'M' if i == 0 else 'L'}{px},{py}" for i, (px, py) in enumerate(e.segments)) for e in grid.edges
    ]
    return {"width": grid.width, "height": grid.height, "shapes": shapes, "edges": edges}


RECENT_KEY = "reporting:recent-selections:v1"
KEEP_WARM = timedelta(hours=1)


def figures(selection: Selection, *, now: datetime | None = None, refresh: bool = False) -> dict:
    """All blocks for one selection, computed together and reused for at most CACHE_SECONDS.

    Every selection someone looked at in the last hour is remembered; with a worker, `refresh_recent` (run by
    beat every 30 s) recomputes those ahead of time, so pages read figures that are at most a minute old without
    waiting for them. Without a worker (the embedded default), a page computes them when the cache has expired.
    """
    now = now or timezone.now()
    if not refresh:
        _remember(selection, now)
        cached = cache.get(selection.cache_key)
        if cached is not None and timedelta(0) <= now - cached["as_of"] < timedelta(seconds=CACHE_SECONDS):
            return cached
    result = {
        "as_of": now,
        "steps": steps(selection),
        "budget": budget(selection),
        "grants": grants(selection),
        "payments": payments(selection),
        "durations": durations(selection),
        "overdue": overdue(selection, now=now),
        "workload": workload(selection),
    }
    cache.set(selection.cache_key, result, CACHE_SECONDS)
    return result


def _remember(selection: Selection, now: datetime) -> None:
    recent = cache.get(RECENT_KEY) or {}
    key = (tuple(sorted(selection.programme_ids)), selection.call_id)
    if now.timestamp() - recent.get(key, 0) > 60:  # write at most once a minute per selection
        recent[key] = now.timestamp()
        cache.set(RECENT_KEY, recent, None)


def refresh_recent(*, now: datetime | None = None) -> int:
    """Recompute the figures of every selection looked at within KEEP_WARM; forget older ones."""
    now = now or timezone.now()
    recent = {
        k: at for k, at in (cache.get(RECENT_KEY) or {}).items() if now.timestamp() - at < KEEP_WARM.total_seconds()
    }
    for programme_ids, call_id in recent:
        figures(Selection(programme_ids=programme_ids, call_id=call_id), now=now, refresh=True)
    cache.set(RECENT_KEY, recent, None)
    return len(recent)
