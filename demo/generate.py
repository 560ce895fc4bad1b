"""A large, realistic data set for demos and benchmarks, written fast.

`generate()` creates programmes with calls (past, current, future), organisations with their people, staff in
every role and programme teams, and applications in every state, each submitted one with the `FundingProcess`
and viewflow `Task` rows that `workflow.flows.FundingFlow` leaves at that step.

How it stays fast:

* Every row is planned in Python as a tuple and written per table and batch: with COPY on PostgreSQL, with one
  multi-row INSERT elsewhere. No model instances, no save(), no signals.
* Primary keys are reserved before the rows exist (on PostgreSQL from the table's sequence, elsewhere above the
  highest id while the write transaction holds the database), so rows can point at one another, and a split's
  task id can be part of its branches' tokens, just as viewflow writes them.
* `ProcessTrace` mirrors what viewflow records for each node of `FundingFlow` (which task rows, statuses,
  previous links, tokens, owners, permissions, which timestamps are set). tests/test_generate_data.py runs the
  real flow next to it and compares the rows.

The generated people log in with `DEMO_PASSWORD`. All their e-mail addresses end in `@generated.teilhabe.example`;
a second run into the same database is refused (see `AlreadyGenerated`).
"""

import json
import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone, translation
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from applications.deadlines import last_moment_of
from demo.demo_data import DEMO_PASSWORD

DOMAIN = "generated.teilhabe.example"
BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
HOUR = timedelta(hours=1)


class AlreadyGenerated(Exception):
    """The database already holds generated data; a second run would mix two data sets."""


# --------------------------------------------------------------------------------------------------------------
# Writing rows
# --------------------------------------------------------------------------------------------------------------


class Table:
    """One table and the columns a generator fills, in order; rows are plain tuples of Python values.

    Columns left out are NULL when the field allows it, else the field's default; a column with neither stops the
    run before anything is written (a model changed and the generator must learn the new field).
    """

    def __init__(self, model, names: list[str]):
        meta = model._meta
        self.model = model
        self.name = meta.db_table
        self.fields = [meta.get_field(name) for name in names]
        given = {f.column for f in self.fields}
        self.extra: list[tuple[models.Field, object]] = []
        for model_field in meta.local_concrete_fields:
            if model_field.column in given or model_field.null or model_field.primary_key:
                continue
            default = model_field.get_default()
            if default is None:
                raise RuntimeError(
                    f"The generator does not fill {self.name}.{model_field.column}; teach it this field."
                )
            self.extra.append((model_field, default))
        self.columns = [f.column for f in self.fields] + [f.column for f, _ in self.extra]

    def converters(self, vendor: str):
        """Per column: None (the driver takes the value as it is) or a function to the database's form."""

        def converter(model_field):
            if isinstance(model_field, models.JSONField):
                return lambda value: json.dumps(value, ensure_ascii=False)
            if vendor == "postgresql":
                return None  # psycopg adapts datetimes, dates, decimals and booleans itself
            if isinstance(model_field, models.DateField | models.DecimalField | models.TimeField):
                return lambda value: model_field.get_db_prep_save(value, connection)
            return None

        return [converter(f) for f in self.fields] + [converter(f) for f, _ in self.extra]


class Writer:
    """Writes planned rows, and reserves primary keys before the rows exist."""

    def __init__(self):
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self._highest: dict[str, int] = {}
        self._tables: dict[tuple, Table] = {}

    def table(self, model, names: list[str]) -> Table:
        key = (model, tuple(names))
        if key not in self._tables:
            self._tables[key] = Table(model, names)
        return self._tables[key]

    def reserve(self, model, count: int) -> list[int]:
        """`count` unused primary keys of `model`'s table, ascending. Call inside the transaction that writes."""
        if count <= 0:
            return []
        meta = model._meta
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, count],
                )
                return sorted(row[0] for row in cursor.fetchall())
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
            start = max(cursor.fetchone()[0] or 0, self._highest.get(meta.db_table, 0)) + 1
        self._highest[meta.db_table] = start + count - 1
        return list(range(start, start + count))

    def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        extra = tuple(value for _, value in table.extra)
        if extra:
            rows = [row + extra for row in rows]
        converters = table.converters(self.vendor)
        if any(converters):
            rows = [
                tuple(c(v) if c and v is not None else v for c, v in zip(converters, row, strict=True)) for row in rows
            ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})", rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)


# --------------------------------------------------------------------------------------------------------------
# The funding process, as viewflow records it
# --------------------------------------------------------------------------------------------------------------

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)
SLOT_NODES = {
    1: ("review_first", "first_has_conflict", "reassign_first"),
    2: ("review_second", "second_has_conflict", "reassign_second"),
}


def _nodes(flow_class=None) -> dict[str, tuple[str, str, str | None]]:
    """Per node name of a flow (FundingFlow unless given): the reference stored in Task.flow_task, the task type,
    the permission."""
    from workflow.flows import FundingFlow

    nodes = {}
    for node in (flow_class or FundingFlow).instance.nodes():
        permission = getattr(node, "_owner_permission", None)
        nodes[node.name] = (get_task_ref(node), node.task_type, permission if isinstance(permission, str) else None)
    return nodes


class TaskRow:
    __slots__ = ("index", "node", "status", "created", "started", "finished", "scheduled", "owner", "token", "previous")

    def __init__(self, index, node, created, token, previous):
        self.index = index
        self.node = node
        self.status = STATUS.NEW
        self.created = created
        self.started = None
        self.finished = None
        self.scheduled = None
        self.owner = None
        self.token = token  # "start", or (index of the split task, branch number)
        self.previous = previous  # indexes of the previous tasks


class ProcessTrace:
    """The Task rows viewflow writes for one FundingProcess, step by step, as the real engine would.

    Each method is one completed step: the open task of that node is done (by a user, at a time), the gateways
    and functions that follow run, and the next tasks are created. Task timestamps within a step advance by a
    millisecond, in the order viewflow creates and finishes them.
    """

    def __init__(self):
        self.tasks: list[TaskRow] = []
        self.status = PROCESS.NEW
        self.created = None
        self.finished = None
        self._clock = None

    # -- mechanics --
    def _at(self, at: datetime) -> None:
        self._clock = at if self._clock is None or at > self._clock else self._clock + timedelta(milliseconds=1)

    def _now(self) -> datetime:
        self._clock += timedelta(milliseconds=1)
        return self._clock

    def _add(self, node: str, previous: list[TaskRow], token="start") -> TaskRow:
        task = TaskRow(len(self.tasks), node, self._now(), token, [p.index for p in previous])
        self.tasks.append(task)
        return task

    def _done(self, task: TaskRow, *, started: bool) -> TaskRow:
        if started and task.started is None:
            task.started = self._now()
        task.status = STATUS.DONE
        task.finished = self._now()
        return task

    def _open(self, node: str) -> TaskRow:
        for task in reversed(self.tasks):
            if task.node == node and task.status in ACTIVE:
                return task
        raise ValueError(f"no open {node} task")

    def _human(self, node: str, previous: TaskRow, owner=None, token="start") -> TaskRow:
        task = self._add(node, [previous], token)
        if owner is not None:  # .Assign(): assigned on creation
            task.owner = owner
            task.status = STATUS.ASSIGNED
        return task

    def _complete(self, node: str, by, at: datetime) -> TaskRow:
        """A person takes (assign) and completes (start, execute) the open task of `node`."""
        self._at(at)
        task = self._open(node)
        task.owner = by
        return self._done(task, started=True)

    def _gateway(self, node: str, previous: TaskRow) -> TaskRow:
        return self._done(self._add(node, [previous], previous.token), started=False)

    def _request(self, previous: TaskRow, deadline: datetime) -> None:
        answer = self._human("answer_request", previous)
        timer = self._add("answer_request__timeout", [answer])  # the boundary timer, armed with its host
        timer.status = STATUS.SCHEDULED
        timer.scheduled = deadline

    # -- the steps --
    def submit(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("submit", []), started=True)
        receipt = self._done(self._add("confirm_receipt", [start]), started=True)
        self._human("check_completeness", receipt)

    def check(self, by, at: datetime, *, complete: bool, deadline: datetime | None = None) -> None:
        task = self._complete("check_completeness", by, at)
        gateway = self._gateway("is_complete", task)
        if complete:
            self._human("assign_reviewers", gateway)
        else:
            self._request(gateway, deadline)

    def answer(self, by, at: datetime) -> None:
        task = self._complete("answer_request", by, at)
        timer = self._open("answer_request__timeout")
        timer.status, timer.finished = STATUS.CANCELED, self._now()
        self._human("check_completeness", task)

    def timeout(self, at: datetime) -> None:
        """The deadline passed: the timer fires and cancels the organisation's task."""
        self._at(at)
        timer = self._open("answer_request__timeout")
        timer.started = self._now()
        host = self._open("answer_request")
        host.status, host.finished = STATUS.CANCELED, self._now()
        self._done(timer, started=False)
        self._human("decide_overdue", timer)

    def overdue(self, by, at: datetime, *, extend: bool, deadline: datetime | None = None) -> None:
        task = self._complete("decide_overdue", by, at)
        gateway = self._gateway("is_extended", task)
        if extend:
            self._request(gateway, deadline)
        else:
            self._human("propose", gateway)

    def assign(self, by, at: datetime, reviewers: list) -> None:
        task = self._complete("assign_reviewers", by, at)
        split = self._gateway("split_reviews", task)
        for slot, reviewer in enumerate(reviewers, start=1):
            self._human(SLOT_NODES[slot][0], split, owner=reviewer, token=(split.index, slot))

    def review(self, slot: int, by, at: datetime, *, conflict: bool = False) -> None:
        review_node, gateway_node, reassign_node = SLOT_NODES[slot]
        task = self._complete(review_node, by, at)
        gateway = self._gateway(gateway_node, task)
        if conflict:
            self._human(reassign_node, gateway, token=task.token)
        else:
            self._join(gateway)

    def reassign(self, slot: int, by, at: datetime, reviewer) -> None:
        review_node, _, reassign_node = SLOT_NODES[slot]
        task = self._complete(reassign_node, by, at)
        self._human(review_node, task, owner=reviewer, token=task.token)

    def _join(self, arriving: TaskRow) -> None:
        join = next((t for t in self.tasks if t.node == "join_reviews" and t.status in ACTIVE), None)
        if join is None:
            join = self._add("join_reviews", [arriving], "start")  # a split token loses its last part
            join.status, join.started = STATUS.STARTED, self._now()
        else:
            join.previous.append(arriving.index)
        split = arriving.token[0]
        waiting = any(
            t.status in ACTIVE and isinstance(t.token, tuple) and t.token[0] == split and t is not join
            for t in self.tasks
        )
        if not waiting:
            self._done(join, started=False)
            self._human("propose", join)

    def propose(self, by, at: datetime) -> None:
        task = self._complete("propose", by, at)
        self._human("approve", task)

    def approve(self, by, at: datetime, *, approved: bool) -> None:
        """The approver signs (approved=True, either outcome) or sends the proposal back."""
        task = self._complete("approve", by, at)
        gateway = self._gateway("is_approved", task)
        if approved:
            self._add("create_letter", [gateway])  # waits for the Celery task
        else:
            self._human("propose", gateway)

    def letter(self, at: datetime, *, granted: bool = True) -> None:
        """The Celery task stored the letter and finished the step; the organisation is told; a grant is opened for
        an approval; the process ends."""
        self._at(at)
        handle = self._open("create_letter")
        handle.started = self._now()
        self._done(handle, started=False)
        notify = self._done(self._add("notify_organisation", [handle]), started=True)
        last = self._gateway("is_grant", notify)
        if granted:
            last = self._done(self._add("open_grant", [last]), started=True)
        end = self._done(self._add("end", [last]), started=True)
        self.status, self.finished = PROCESS.DONE, end.finished

    def cancel(self, at: datetime) -> None:
        """Withdrawal or cancellation: every task still active is canceled, then the process."""
        self._at(at)
        for task in self.tasks:
            if task.status in ACTIVE:
                task.status, task.finished = STATUS.CANCELED, self._now()
        self.status, self.finished = PROCESS.CANCELED, self._now()

    # -- reading --
    def token(self, task: TaskRow, ids: list[int]) -> str:
        if task.token == "start":
            return "start"
        split, branch = task.token
        return f"start/{ids[split]}_{branch}"

    def open_nodes(self) -> list[str]:
        return [t.node for t in self.tasks if t.status in ACTIVE]


# --------------------------------------------------------------------------------------------------------------
# What to generate
# --------------------------------------------------------------------------------------------------------------

# Where an application stands today, and how often (percent of all applications).
TARGET_WEIGHTS = {
    "draft": 9,
    "check": 10,  # check_completeness open (first check, or again after an answer)
    "answer": 6,  # answer_request open: missing items requested, deadline ahead
    "overdue": 2,  # decide_overdue open: the deadline passed without an answer
    "assign": 7,  # assign_reviewers open
    "review": 10,  # review_first / review_second open (assigned to the reviewers)
    "reassign": 1,  # a reviewer declared a conflict: reassign_first / reassign_second open
    "propose": 7,  # propose open
    "approve": 7,  # approve open: a decision is proposed, a second person must approve it
    "approved": 20,
    "rejected": 12,
    "withdrawn": 6,
    "cancelled": 3,
}

# The first applications take these paths, shortest version, so every step exists even in a small data set.
COVERAGE = [
    ("check", {}),
    ("answer", {}),
    ("overdue", {}),
    ("assign", {}),
    ("review", {"reviewers": 1}),
    ("review", {"reviewers": 2, "slots": ("open", "open")}),
    ("review", {"reviewers": 2, "slots": ("done", "open")}),
    ("reassign", {"reviewers": 1}),
    ("reassign", {"reviewers": 2, "slots": ("open", "reassign")}),
    ("propose", {"reviewers": 1}),
    ("approve", {"reviewers": 1, "dual": True}),  # proposed by a clerk who also approves
    ("approved", {"reviewers": 1}),
    ("rejected", {"reviewers": 1}),
    ("withdrawn", {}),  # at the completeness check
    ("cancelled", {"reviewers": 1}),  # during the review
    ("draft", {}),
]
# The first organisations have these legal forms and seats, so every programme finds applicants.
FIRST_ORGANISATIONS = [
    ("ev", "bremen"),
    ("informal", "bremen"),
    ("ev", "bremerhaven"),
    ("religious", "bremen"),
    ("ggmbh", "bremen"),
    ("informal", "bremerhaven"),
]
OPEN_TARGETS = {"check", "answer", "overdue", "assign", "review", "reassign", "propose", "approve"}

# Hours a step typically waits before someone completes it: (low, high).
WAITS = {
    "check": (3, 240),
    "answer": (6, None),  # before the deadline
    "extend": (2, 96),
    "lapse": (2, 96),
    "assign": (2, 120),
    "review": (20, 500),
    "reassign": (3, 72),
    "declare": (1, 48),
    "propose": (6, 240),
    "approve": (1, 120),
    "letter": (0.002, 0.05),
    "download": (2, 300),
    "withdrawn": (4, 400),
    "cancelled": (4, 400),
}

ROLE_EMAIL = {
    "clerk": "clerk",
    "reviewer": "reviewer",
    "approver": "approver",
    "programme administrator": "programme",
    "payment officer": "payments",
}

PROGRAMMES = [
    {
        "title_de": "Projektförderung für Migrant*innenorganisationen",
        "title_en": "Project funding for migrant organisations",
        "description_de": "Zeitlich begrenzte Projekte: Sprachcafés, Empowerment, Qualifizierung, Hausaufgabenhilfe. "
        "Entschieden wird zu den Stichtagen 28. Februar und 15. August.",
        "description_en": "Time-limited projects: language cafés, empowerment, qualification, homework help. "
        "Decisions at the cut-off dates 28 February and 15 August.",
        "who_may_apply_de": "Migrant*innenorganisationen in Bremen und Bremerhaven, auch ohne Rechtsform.",
        "who_may_apply_en": "Migrant organisations in Bremen and Bremerhaven, also without a legal form.",
        "financing_method": "fehlbedarf",
        "min_amount": Decimal("500.00"),
        "max_amount": Decimal("15000.00"),
        "reviewers_required": 2,
        "documents": [("statutes", "ev"), ("project_description", "")],
        "budget": (120_000, 400_000),
        "call_title": "Stichtag {closes:%d.%m.%Y}",
    },
    {
        "title_de": "Stadtteilfonds Begegnung",
        "title_en": "Neighbourhood encounter fund",
        "description_de": "Kleine Zuschüsse für Begegnung und ehrenamtliches Engagement im Stadtteil.",
        "description_en": "Small grants for encounters and unpaid volunteering in the neighbourhood.",
        "who_may_apply_de": "Migrant*innenorganisationen, Initiativen ohne Rechtsform und Religionsgemeinschaften.",
        "who_may_apply_en": "Migrant organisations, informal initiatives and religious communities.",
        "financing_method": "festbetrag",
        "fixed_amount": Decimal("1500.00"),
        "min_amount": Decimal("100.00"),
        "max_amount": Decimal("3000.00"),
        "reviewers_required": 1,
        "documents": [("project_description", "")],
        "budget": (30_000, 90_000),
        "call_title": "Stadtteilfonds {opens:%Y} – Runde {round}",
    },
    {
        "title_de": "Empowerment und Qualifizierung",
        "title_en": "Empowerment and qualification",
        "description_de": "Qualifizierung von Ehrenamtlichen und Empowerment-Angebote; 80 % der Kosten werden "
        "gefördert, 10 % tragen Sie selbst.",
        "description_en": "Training for volunteers and empowerment; 80 % of the costs are funded, you pay 10 %.",
        "who_may_apply_de": "Organisationen mit Rechtsform; Initiativen ohne Rechtsform können nicht beantragen.",
        "who_may_apply_en": "Organisations with a legal form; informal initiatives cannot apply.",
        "financing_method": "anteil",
        "share_percent": Decimal("80.00"),
        "own_share_percent": Decimal("10.00"),
        "informal_initiatives_may_apply": False,
        "min_amount": Decimal("1000.00"),
        "max_amount": Decimal("20000.00"),
        "reviewers_required": 2,
        "documents": [("statutes", "ev"), ("tax_exemption", "ggmbh"), ("project_description", "")],
        "budget": (80_000, 250_000),
        "call_title": "Förderaufruf {opens:%m/%Y}",
    },
    {
        "title_de": "Sprachbrücken",
        "title_en": "Language bridges",
        "description_de": "Sprachcafés, Übersetzung und Begleitung: die Kosten werden vollständig übernommen.",
        "description_en": "Language cafés, interpreting and accompaniment: all costs are covered.",
        "who_may_apply_de": "Alle Migrant*innenorganisationen und Initiativen.",
        "who_may_apply_en": "All migrant organisations and initiatives.",
        "financing_method": "voll",
        "min_amount": Decimal("200.00"),
        "max_amount": Decimal("5000.00"),
        "reviewers_required": 1,
        "documents": [("project_description", "")],
        "budget": (40_000, 120_000),
        "call_title": "Sprachbrücken {opens:%Y}/{round}",
    },
    {
        "title_de": "Integrationsfonds Bremerhaven",
        "title_en": "Bremerhaven integration fund",
        "description_de": "Projekte von Organisationen mit Sitz in Bremerhaven.",
        "description_en": "Projects of organisations based in Bremerhaven.",
        "who_may_apply_de": "Organisationen und Initiativen mit Sitz in Bremerhaven.",
        "who_may_apply_en": "Organisations and initiatives based in Bremerhaven.",
        "financing_method": "fehlbedarf",
        "seat_scope": "bremerhaven",
        "min_amount": Decimal("500.00"),
        "max_amount": Decimal("10000.00"),
        "reviewers_required": 1,
        "documents": [("project_description", "")],
        "budget": (40_000, 150_000),
        "call_title": "Integrationsfonds Bremerhaven {opens:%Y} – Runde {round}",
    },
]

DOCUMENT_FILES = {
    "statutes": "Satzung.pdf",
    "tax_exemption": "Freistellungsbescheid.pdf",
    "project_description": "Projektbeschreibung.pdf",
    "police_certificate": "Fuehrungszeugnis.pdf",
}


def placeholder_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF with a few lines of text (Latin-1), standing in for uploads and letters."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = "BT /F1 16 Tf 56 780 Td (" + text(title) + ") Tj ET"
    for number, line in enumerate(lines, start=1):
        body += f" BT /F1 11 Tf 56 {760 - 18 * number} Td (" + text(line) + ") Tj ET"
    stream = body.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def slug(value: str) -> str:
    value = value.replace("ı", "i").replace("ß", "ss").replace("ø", "o").replace("đ", "d")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else "-" for c in value).strip("-")


def _id(person) -> int | None:
    return person.id if person is not None else None


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_DOWN)


def end_of_day(day: date) -> datetime:
    """The deadline of a request for missing items, as applications.services.items_request stores it."""
    return last_moment_of(day)


def local_date(at: datetime) -> date:
    return at.astimezone(BERLIN).date()


@dataclass
class Person:
    id: int
    name: str  # as str(user) shows it: the full name


@dataclass
class ProgrammeInfo:
    id: int
    method: str
    min_amount: Decimal
    max_amount: Decimal
    fixed_amount: Decimal | None
    share_percent: Decimal | None
    own_share_percent: Decimal
    reviewers: int
    informal_allowed: bool
    seat_scope: str
    required: dict  # legal form ("" = all) -> document kinds
    criteria: list[int]
    staff: dict = field(default_factory=dict)  # role -> [Person] who may work on it
    # The proof-of-use check's receipt sample and how long the file is kept (the programme's settings).
    sample_percent: Decimal = Decimal("20")
    always_checked_from: Decimal | None = None
    retention_years: int = 5


@dataclass
class CallInfo:
    id: int
    programme: ProgrammeInfo
    opens_at: datetime
    closes_at: datetime  # derived from the last day, as Call.set_closes_at does
    period_start: date
    period_end: date


@dataclass
class OrgInfo:
    id: int
    legal_form: str
    seat: str
    district: str
    representatives: list  # [Person]
    members: list  # [Person], the representatives included
    name: str = ""


@dataclass
class Step:
    action: str
    wait: float | str  # hours after the previous step, or "deadline"
    args: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Sizes:
    applications: int
    calls: int
    organisations: int


def generate(
    *,
    applications: int,
    calls: int,
    organisations: int,
    seed: int = 1,
    now: datetime | None = None,
    batch_size: int = 2000,
    out=None,
) -> dict:
    """Generate the data set; returns the number of rows written per table and the seconds per phase.

    Refuses (AlreadyGenerated) when generated people are already in the database. The same arguments, seed and
    `now` give the same data.
    """
    generator = Generator(Sizes(applications, calls, organisations), seed=seed, now=now, batch_size=batch_size, out=out)
    return generator.run()


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, now: datetime | None, batch_size: int, out):
        if min(sizes.applications, sizes.organisations) < 0 or sizes.calls < 1 or sizes.organisations < 1:
            raise ValueError("Generate at least one call and one organisation, and no negative number of applications.")
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.batch_size = max(1, batch_size)
        self.out = out or (lambda message: None)
        self.writer = Writer()
        self.nodes = _nodes()
        from workflow.flows import FundingFlow
        from workflow.flows.change import ChangeFlow
        from workflow.flows.grant import GrantFlow, InterimProofFlow, PaymentFlow

        flows = (FundingFlow, GrantFlow, PaymentFlow, ChangeFlow, InterimProofFlow)
        self.flow_nodes = {flow: _nodes(flow) for flow in flows}
        # Grants draw from their own random numbers, so the applications of a seed stay as they were.
        self.grant_rng = random.Random(f"grants-{seed}")
        self.accounts: dict[int, str] = {}  # organisation id -> IBAN of the account it gave
        from demo.generate_grants import GRANT_COVERAGE

        self.grant_coverage = list(GRANT_COVERAGE)
        self.timings: dict[str, float] = {}
        self.password = make_password(DEMO_PASSWORD)
        self.user_number = 0
        with translation.override("de"):
            self._labels()

    # -- running --
    def run(self) -> dict:
        from organisations.models import User

        existing = User.objects.filter(email__endswith="@" + DOMAIN).count()
        if existing:
            raise AlreadyGenerated(
                f"This database already holds generated data ({existing} people with an address @{DOMAIN}). "
                "Generate into an empty database, for example after `manage.py flush` (also after a run that "
                "stopped half-way: each batch of applications is committed on its own)."
            )
        started = time.monotonic()
        self._phase("staff, programmes and calls", self._reference)
        self._phase("organisations and their people", self._organisations)
        self._phase("applications and processes", self._applications)
        if connection.vendor == "postgresql":
            self._phase("statistics for the query planner (ANALYZE)", self._analyze)
        total = time.monotonic() - started
        self.timings["total"] = total
        self.out(f"Done in {total:.1f} s.")
        return {"rows": dict(self.writer.counts), "seconds": dict(self.timings)}

    def _phase(self, name: str, work) -> None:
        self.out(f"{name} ...")
        started = time.monotonic()
        work()
        self.timings[name] = time.monotonic() - started
        self.out(f"  {name}: {self.timings[name]:.1f} s")

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            for table in sorted(self.writer.counts):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    def _labels(self) -> None:
        """The labels application_snapshot writes into submitted versions (German, as most submissions are)."""
        from applications.models import Application, CostCategory, DecisionOutcome, FundingStatus
        from applications.services import DRAFT_FIELDS

        self.snapshot_labels = {name: str(Application._meta.get_field(name).verbose_name) for name in DRAFT_FIELDS}
        self.cost_label = str(translation.gettext("Cost line %(number)s"))
        self.funds_label = str(translation.gettext("Third-party funds %(number)s"))
        self.document_label = str(translation.gettext("Document: %(kind)s"))
        self.yes, self.no = str(translation.gettext("yes")), str(translation.gettext("no"))
        self.category_names = {value: str(label) for value, label in CostCategory.choices}
        self.funding_status_names = {value: str(label) for value, label in FundingStatus.choices}
        self.outcome_names = {value: str(label) for value, label in DecisionOutcome.choices}
        from applications.models import DocumentKind

        self.document_names = {value: str(label) for value, label in DocumentKind.choices}

    # -- people --
    def _user_row(self, email, first, last, language, joined, *, is_staff=False) -> tuple:
        return (email, self.password, first, last, language, is_staff, True, False, joined, "immediate")

    def _write_users(self, rows: list[tuple]) -> list[int]:
        from allauth.account.models import EmailAddress

        from organisations.models import User

        ids = self.writer.reserve(User, len(rows))
        table = self.writer.table(
            User,
            [
                "id",
                "email",
                "password",
                "first_name",
                "last_name",
                "language",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
                "notification_frequency",
            ],
        )
        self.writer.write(table, [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        addresses = self.writer.table(EmailAddress, ["user", "email", "verified", "primary"])
        self.writer.write(addresses, [(pk, row[0], True, True) for pk, row in zip(ids, rows, strict=True)])
        return ids

    def _person_name(self, pool: str) -> tuple[str, str]:
        first = self.rng.choice(FIRST_NAMES[pool])
        last = self.rng.choice(LAST_NAMES[pool if self.rng.random() < 0.85 else "de"])
        return first, last

    def _email(self, first: str, last: str) -> str:
        self.user_number += 1
        return f"{slug(first)}.{slug(last)}.{self.user_number}@{DOMAIN}"

    # -- phase 1: reference data --
    @transaction.atomic
    def _reference(self) -> None:
        from django.contrib.auth.models import Group

        from applications import roles
        from applications.models import Call, ChecklistItem, Programme, RequiredDocument, ReviewCriterion
        from demo.demo_data import CHECKLIST, CRITERIA, GUIDELINE, demo_authority
        from organisations.models import Topic, User

        roles.ensure_staff_groups()
        r = self.rng
        n = self.sizes.applications
        counts = {
            roles.CLERK: min(60, max(3, n // 2500)),
            roles.REVIEWER: min(150, max(5, n // 1000)),
            roles.APPROVER: min(20, max(2, n // 8000)),
            roles.PROGRAMME_ADMINISTRATOR: min(10, max(2, n // 15000)),
            roles.PAYMENT_OFFICER: min(20, max(2, n // 10000)),
        }
        staff_rows, staff_roles = [], []
        joined = self.now - timedelta(days=900)
        for role, count in counts.items():
            for number in range(1, count + 1):
                first, last = r.choice(STAFF_FIRST), r.choice(STAFF_LAST)
                email = f"{ROLE_EMAIL[role]}{number}@{DOMAIN}"
                is_admin = role == roles.PROGRAMME_ADMINISTRATOR
                staff_rows.append(self._user_row(email, first, last, "de", joined, is_staff=is_admin))
                # About one clerk in ten also approves: four eyes must keep them from approving their own proposals.
                extra = [roles.APPROVER] if role == roles.CLERK and number % 10 == 2 else []
                staff_roles.append(([role, *extra], f"{first} {last}", number))
        ids = self._write_users(staff_rows)
        groups = dict(Group.objects.filter(name__in=counts).values_list("name", "id"))
        self.writer.write(
            self.writer.table(User.groups.through, ["user", "group"]),
            [
                (pk, groups[role])
                for pk, (role_names, _, _) in zip(ids, staff_roles, strict=True)
                for role in role_names
            ],
        )
        self.staff = {role: [] for role in counts}
        team_of: dict[int, int | None] = {}
        for pk, (role_names, name, number) in zip(ids, staff_roles, strict=True):
            person = Person(pk, name)
            for role in role_names:
                self.staff[role].append(person)
            team_of[pk] = -1 if number % 3 == 0 else None  # a third of each role in a team (chosen below)

        # Programmes: as many as calls need (at most five), with checklist, rubric and required documents.
        self.programmes: list[ProgrammeInfo] = []
        authority = demo_authority()
        for spec in PROGRAMMES[: min(len(PROGRAMMES), self.sizes.calls)]:
            fields = {k: v for k, v in spec.items() if k not in ("documents", "budget", "call_title")}
            programme = Programme.objects.create(authority=authority, guideline=GUIDELINE, **fields)
            ChecklistItem.objects.bulk_create(
                ChecklistItem(programme=programme, text=text, order=order) for order, text in enumerate(CHECKLIST)
            )
            criteria = ReviewCriterion.objects.bulk_create(
                ReviewCriterion(programme=programme, name=name, weight=weight, order=order)
                for order, (name, weight) in enumerate(CRITERIA)
            )
            RequiredDocument.objects.bulk_create(
                RequiredDocument(programme=programme, kind=kind, legal_form=form) for kind, form in spec["documents"]
            )
            required: dict[str, list[str]] = {}
            for kind, form in spec["documents"]:
                required.setdefault(form, []).append(kind)
            self.programmes.append(
                ProgrammeInfo(
                    id=programme.pk,
                    method=programme.financing_method,
                    min_amount=programme.min_amount,
                    max_amount=programme.max_amount,
                    fixed_amount=programme.fixed_amount,
                    share_percent=programme.share_percent,
                    own_share_percent=programme.own_share_percent,
                    reviewers=programme.reviewers_required,
                    informal_allowed=programme.informal_initiatives_may_apply,
                    seat_scope=programme.seat_scope,
                    required=required,
                    criteria=[c.pk for c in criteria],
                    sample_percent=programme.receipt_sample_percent,
                    always_checked_from=programme.receipt_always_checked_from,
                    retention_years=programme.retention_years,
                )
            )
        # Programme teams: some staff work on one programme only, the others (not in any team) on all.
        team_rows = []
        for number, (pk, team) in enumerate(team_of.items()):
            if team == -1:
                programme = self.programmes[number % len(self.programmes)]
                team_of[pk] = programme.id
                team_rows.append((programme.id, pk))
        self.writer.write(self.writer.table(Programme.staff.through, ["programme", "user"]), team_rows)
        for programme in self.programmes:
            for role, people in self.staff.items():
                pool = [p for p in people if team_of[p.id] in (None, programme.id)]
                programme.staff[role] = pool

        # Calls: some closed, some open now, some to come.
        count = self.sizes.calls
        future = round(count * 0.15) if count >= 4 else 0
        current = max(1, round(count * 0.25))
        kinds = ["current"] * current + ["future"] * future + ["past"] * (count - current - future)
        self.calls: list[CallInfo] = []
        rounds: dict[int, int] = {}
        for index, kind in enumerate(kinds):
            info = self.programmes[index % len(self.programmes)]
            spec = PROGRAMMES[self.programmes.index(info)]
            if kind == "current":
                opens = self.now - timedelta(days=r.uniform(60, 240))
                closes = self.now + timedelta(days=r.uniform(20, 200))
            elif kind == "future":
                opens = self.now + timedelta(days=r.uniform(10, 90))
                closes = opens + timedelta(days=r.uniform(60, 180))
            else:
                closes = self.now - timedelta(days=r.uniform(5, 640))
                opens = closes - timedelta(days=r.uniform(90, 200))
            opens = opens.astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
            last_day = local_date(closes)
            rounds[info.id] = rounds.get(info.id, 0) + 1
            low, high = spec["budget"]
            call = Call.objects.create(
                programme_id=info.id,
                title=spec["call_title"].format(opens=opens, closes=last_day, round=rounds[info.id]),
                opens_at=opens,
                last_day=last_day,
                budget=Decimal(r.randrange(low, high, 5000)),
                project_period_start=opens.date(),
                project_period_end=last_day + timedelta(days=540),
            )
            period_end = last_day + timedelta(days=540)
            self.calls.append(CallInfo(call.pk, info, opens, call.closes_at, opens.date(), period_end))
        self.started_calls = [c for c in self.calls if c.opens_at < self.now]
        self.topics = [Topic.objects.get_or_create(name=name)[0].pk for name in TOPICS]

        # Files the generated documents and letters point to (not rendered per application).
        self.shared_documents = {
            kind: default_storage.save(
                f"documents/generated/{kind}.pdf",
                ContentFile(placeholder_pdf(name.removesuffix(".pdf"), ["Beispieldokument (generierte Daten)"])),
            )
            for kind, name in DOCUMENT_FILES.items()
        }
        self.letter_file = default_storage.save(
            "letters/generated/bescheid-beispiel.pdf",
            ContentFile(
                placeholder_pdf(
                    "Bescheid (Beispiel)",
                    [
                        "Dieser Bescheid gehoert zu generierten Beispieldaten.",
                        "Fuer echte Antraege erzeugt Teilhabe den Bescheid mit allen Angaben.",
                    ],
                )
            ),
        )
        from demo.generate_grants import base_rates_until, grant_letter_files

        self.grant_letter_files = grant_letter_files()
        self.base_rates, added = base_rates_until(local_date(self.now))
        self.out(
            f"  staff: {sum(counts.values())}, programmes: {len(self.programmes)}, calls: {len(self.calls)} "
            f"({kinds.count('past')} closed, {current} open, {future} to come)"
        )
        if added:
            self.out(
                "  base rates carried forward from the newest published one, so that interest on repayments can be "
                "computed (check them against the Bundesbank's): " + ", ".join(f"{day:%d.%m.%Y}" for day in added)
            )

    # -- phase 2: organisations, people, memberships --
    def _organisations(self) -> None:
        from organisations.models import Membership, Organisation

        r = self.rng
        names: set[str] = set()
        self.organisations: list[OrgInfo] = []
        total = self.sizes.organisations
        for start in range(0, total, 5000):
            with transaction.atomic():
                count = min(5000, total - start)
                org_ids = self.writer.reserve(Organisation, count)
                org_rows, topic_rows, user_rows, memberships = [], [], [], []
                for pk in org_ids:
                    row, info, pool, ui_language, created = self._organisation(pk, names)
                    org_rows.append(row)
                    for topic in r.sample(self.topics, r.choice([1, 1, 2, 2, 3])):
                        topic_rows.append((pk, topic))
                    people = r.choices([1, 2, 3], [50, 35, 15])[0]
                    for number in range(people):
                        first, last = self._person_name(pool)
                        language = ui_language if r.random() < 0.5 else "de"
                        joined = created + timedelta(days=r.uniform(0, 30))
                        user_rows.append(self._user_row(self._email(first, last), first, last, language, joined))
                        representative = number == 0 or (number == 1 and r.random() < 0.3)
                        memberships.append((info, f"{first} {last}", representative, joined))
                    self.organisations.append(info)
                user_ids = self._write_users(user_rows)
                membership_rows = []
                for user_id, (info, name, representative, joined) in zip(user_ids, memberships, strict=True):
                    person = Person(user_id, name)
                    info.members.append(person)
                    if representative:
                        info.representatives.append(person)
                    role = "representative" if representative else "member"
                    membership_rows.append((user_id, info.id, role, joined))
                self.writer.write(
                    self.writer.table(
                        Organisation,
                        [
                            "id",
                            "name",
                            "legal_form",
                            "register_number",
                            "seat",
                            "street",
                            "postcode",
                            "city",
                            "email",
                            "phone",
                            "languages",
                            "description",
                            "district",
                            "listed_since",
                            "created",
                        ],
                    ),
                    org_rows,
                )
                self.writer.write(self.writer.table(Organisation.topics.through, ["organisation", "topic"]), topic_rows)
                self.writer.write(
                    self.writer.table(Membership, ["user", "organisation", "role", "created"]), membership_rows
                )
            self.out(f"  {start + count:,} of {total:,} organisations")

    def _organisation(self, pk: int, names: set[str]):
        r = self.rng
        adjective, languages, pool, ui_language = r.choice(ORIGINS)
        seat = "bremerhaven" if r.random() < 0.15 else "bremen"
        legal_form = r.choices(["ev", "informal", "religious", "ggmbh", "other"], [40, 35, 10, 5, 10])[0]
        if len(self.organisations) < len(FIRST_ORGANISATIONS):
            legal_form, seat = FIRST_ORGANISATIONS[len(self.organisations)]
        districts = BREMERHAVEN_DISTRICTS if seat == "bremerhaven" else BREMEN_DISTRICTS
        district, postcodes, streets = r.choice(districts)
        city = "Bremerhaven" if seat == "bremerhaven" else "Bremen"
        for attempt in range(30):
            name = self._organisation_name(legal_form, adjective, district, city)
            if attempt >= 20:
                name = f"{name} – Gruppe {r.choice(districts)[0]} {attempt - 19}"
            if name not in names:
                break
        names.add(name)
        register = ""
        if legal_form == "ev" or (legal_form == "religious" and name.endswith("e.V.")):
            register = f"VR {r.randrange(100, 9999)} {'BHV' if seat == 'bremerhaven' else 'HB'}"
        created = self.now - timedelta(days=r.uniform(60, 2000))
        listed = created + timedelta(days=r.uniform(1, 50)) if r.random() < 0.4 else None
        # Every organisation that applies gives a postal address; an informal initiative one of its members' (c/o).
        care_of = "c/o " if legal_form == "informal" else ""
        row = (
            pk,
            name,
            legal_form,
            register,
            seat,
            f"{care_of}{r.choice(streets)} {r.randrange(1, 180)}",
            r.choice(postcodes),
            city,
            f"kontakt@{slug(name)[:40].strip('-')}.example" if r.random() < 0.7 else "",
            f"{'0471' if seat == 'bremerhaven' else '0421'} {r.randrange(100000, 9999999)}" if r.random() < 0.6 else "",
            languages,
            r.choice(DESCRIPTIONS),
            district,
            listed,
            created,
        )
        info = OrgInfo(pk, legal_form, seat, district, [], [], name)
        return row, info, pool, ui_language, created

    def _organisation_name(self, legal_form: str, adjective: str, district: str, city: str) -> str:
        r = self.rng
        place = r.choice([city, city, district, f"{city}-{district}" if city == "Bremen" else district])
        endings = {"m": "er", "f": "e", "n": "es"}
        if legal_form == "ev":
            noun, gender = r.choice(ASSOCIATION_TYPES)
            return f"{adjective}{endings[gender]} {noun} {place} e.V."
        if legal_form == "informal":
            if r.random() < 0.35:
                return f"{r.choice(INITIATIVE_PLAIN)} {district}"
            noun, gender = r.choice(INITIATIVE_TYPES)
            return f"{adjective}{endings[gender]} {noun} {place}"
        if legal_form == "religious":
            if r.random() < 0.5:
                return f"{r.choice(RELIGIOUS_PLAIN)} {place}"
            noun, gender = r.choice(RELIGIOUS_TYPES)
            return f"{adjective}{endings[gender]} {noun} {place}"
        if legal_form == "ggmbh":
            return f"{r.choice(COMPANY_NAMES)} {place} {r.choice(['gGmbH', 'gGmbH', 'gUG (haftungsbeschränkt)'])}"
        return f"{r.choice(OTHER_NAMES)} {place}"

    # -- phase 3: applications --
    def _targets(self) -> list[tuple[str, dict]]:
        total = self.sizes.applications
        targets = list(COVERAGE[:total])
        names, weights = zip(*TARGET_WEIGHTS.items(), strict=True)
        targets += [(name, {}) for name in self.rng.choices(names, weights, k=total - len(targets))]
        minimal = len(targets[: len(COVERAGE)])
        return [(name, {**options, "minimal": index < minimal}) for index, (name, options) in enumerate(targets)]

    def _applications(self) -> None:
        targets = self._targets()
        total = len(targets)
        started = time.monotonic()
        for start in range(0, total, self.batch_size):
            with transaction.atomic():
                batch = Batch(self)
                for target, options in targets[start : start + self.batch_size]:
                    batch.application(target, options)
                batch.write()
            done = start + len(targets[start : start + self.batch_size])
            elapsed = time.monotonic() - started
            self.out(f"  {done:,} of {total:,} applications ({elapsed:.0f} s, {done / max(elapsed, 0.001):,.0f}/s)")
        if self.sizes.applications and not self.started_calls:
            self.out("  (no call has opened yet, so there are no applications)")

    # -- choices shared by the batches --
    def eligible_programme(self, programme: ProgrammeInfo, organisation: OrgInfo) -> bool:
        if organisation.legal_form == "informal" and not programme.informal_allowed:
            return False
        return programme.seat_scope in ("either", organisation.seat)

    def organisation_for(self, programme: ProgrammeInfo) -> OrgInfo:
        for _ in range(50):
            organisation = self.rng.choice(self.organisations)
            if self.eligible_programme(programme, organisation):
                return organisation
        return organisation  # a programme no generated organisation fits; keep going rather than fail

    def staff_for(self, programme: ProgrammeInfo, role: str, exclude=()) -> Person:
        pool = [p for p in programme.staff[role] if p.id not in exclude]
        if not pool:
            pool = [p for p in self.staff[role] if p.id not in exclude] or self.staff[role]
        return self.rng.choice(pool)

    def wait(self, kind: str, high: float | None = None) -> float:
        low, default_high = WAITS[kind]
        high = high if high is not None else default_high
        return self.rng.uniform(low, max(low, high))


class Batch:
    """The rows of one batch of applications, planned, then written table by table."""

    def __init__(self, generator: Generator):
        self.g = generator
        self.rng = generator.rng
        # Rows refer to applications by their index in self.apps until ids are reserved in write().
        self.apps, self.cost_lines, self.funds, self.versions, self.documents = [], [], [], [], []
        self.requests, self.events = [], []
        self.processes: list[tuple[int, ProcessTrace]] = []  # (application index, trace)
        self.files: list[tuple[int, str, str]] = []  # (document index, kind, file name): documents with own files

    # -- one application --
    def application(self, target: str, options: dict) -> None:
        g, r = self.g, self.rng
        if not g.started_calls:
            return
        reviewers = options.get("reviewers")
        calls = [c for c in g.started_calls if reviewers is None or c.programme.reviewers == reviewers]
        calls = calls or g.started_calls
        if target == "draft" or (target == "withdrawn" and not options["minimal"] and r.random() < 0.2):
            self._draft(calls, withdrawn=target == "withdrawn")
            return
        steps, ending = self._plan(target, options, calls)
        self._submitted(target, ending, steps, calls, options)

    def _new_application(self, call: CallInfo, organisation: OrgInfo, created: datetime) -> dict:
        r = self.rng
        programme = call.programme
        kind, summary = r.choice(PROJECT_KINDS)
        target_group = r.choice(TARGET_GROUPS)
        title = r.choice(
            [f"{kind} in {organisation.district}", f"{kind} für {target_group}", f"{kind} {local_date(created).year}"]
        )
        requested, own, third, costs = self._financing(programme)
        creator = r.choice(organisation.members)
        contact = organisation.representatives[0]
        app = {
            "index": len(self.apps),
            "organisation": organisation,
            "call": call,
            "title": title[:200],
            "summary": summary,
            "requested_amount": requested,
            "aims": r.choice(AIMS),
            "target_group": target_group,
            "district": organisation.district,
            "volunteers": r.randrange(2, 40),
            "works_with_minors": r.random() < 0.3,
            "contact_name": contact.name,
            "contact_email": f"kontakt.{slug(contact.name)}@{DOMAIN}",
            "contact_phone": f"0{r.choice(['421', '471', '176', '151'])} {r.randrange(100000, 9999999)}",
            "own_funds": own,
            "status": "draft",
            "created_by": creator,
            "created": created,
            "updated": created,
            "submitted_at": None,
            "submitted_by": None,
            "costs": costs,
            "third": third,
            "decisions": [],
        }
        start = local_date(created) + timedelta(days=r.randrange(30, 120))
        app["period_start"] = max(start, call.period_start)
        app["period_end"] = min(app["period_start"] + timedelta(days=r.randrange(30, 330)), call.period_end)
        self.apps.append(app)
        self._event(app, "created", created, creator)
        return app

    def _financing(self, programme: ProgrammeInfo):
        """requested, own funds, third-party funds, total costs: a plan the programme's method turns into exactly
        the requested grant, without over-financing."""
        r = self.rng
        low, high = float(programme.min_amount), float(programme.max_amount)

        def amount(a, b, step=10):
            return money(round(r.uniform(a, b) / step) * step)

        third = amount(100, 2000, 50) if r.random() < 0.2 else money(0)
        if programme.method == "festbetrag":
            requested = programme.fixed_amount
            own = money(r.choice([0, 0, 50, 100, 150, 300]))
        elif programme.method == "anteil":
            share = programme.share_percent / 100
            costs = amount(low / float(share), high / float(share) * 0.8, 50)
            requested = money(costs * share)
            rest = costs - requested
            third = min(third, money(rest * Decimal("0.5")))
            return requested, rest - third, third, costs
        elif programme.method == "voll":
            requested = amount(low, high * 0.8)
            return requested, money(0), money(0), requested
        else:
            requested = amount(low, high * 0.8, 50)
            own = money(requested * Decimal(r.uniform(0.05, 0.3))).quantize(Decimal("1"))
            own = money(own)
        return requested, own, third, requested + own + third

    def _cost_plan(self, app: dict) -> None:
        r = self.rng
        costs = app["costs"]
        count = r.choices([1, 2, 3, 4, 5], [15, 30, 30, 15, 10])[0]
        categories = ["staff"] + r.sample(["material", "rent", "travel", "other"], k=min(count - 1, 4))
        rest = costs
        for number, category in enumerate(categories):
            last = number == len(categories) - 1
            if last:
                quantity, price = Decimal("1.00"), rest
            else:
                share = Decimal(r.uniform(0.1, 0.8 / len(categories) * 2 if len(categories) > 1 else 0.5))
                # never more than 60 % of what is left, so the last line keeps a positive amount
                part = money(min(costs * min(share, Decimal("0.6")), rest * Decimal("0.6")))
                quantity = Decimal(r.choice([1, 2, 4, 10, 12, 20, 40]))
                price = money(part / quantity)
                if price <= 0:
                    quantity, price = Decimal("1"), money(1)
                quantity = quantity.quantize(CENT)
            description = r.choice(COST_ITEMS[category])
            self.cost_lines.append((app["index"], category, description, quantity, price))
            app.setdefault("lines", []).append((category, description, quantity, price))
            rest -= money(quantity * price)
        if app["third"]:
            funder = r.choice(THIRD_PARTY_FUNDERS)
            status = r.choice(["applied", "granted"])
            self.funds.append((app["index"], funder, app["third"], status))
            app["funds"] = [(funder, app["third"], status)]

    def _documents(self, app: dict, at: datetime, *, own_files: bool, complete: bool) -> None:
        programme = app["call"].programme
        kinds = list(programme.required.get("", [])) + list(programme.required.get(app["organisation"].legal_form, []))
        if app["works_with_minors"]:
            kinds.append("police_certificate")
        if not complete:
            kinds = [k for k in kinds if self.rng.random() < 0.5]
        app["documents"] = []
        for kind in dict.fromkeys(kinds):
            name = DOCUMENT_FILES[kind]
            uploaded = at + timedelta(minutes=self.rng.uniform(5, 600))
            self.documents.append(
                [
                    app["index"],
                    kind,
                    None if own_files else self.g.shared_documents[kind],
                    name,
                    app["created_by"].id,
                    uploaded,
                ]
            )
            app["documents"].append((kind, name))
            if own_files:
                self.files.append((len(self.documents) - 1, kind, name))

    def _event(self, app: dict, kind: str, at: datetime, actor: Person | None = None, note: str = "") -> None:
        self.events.append((app["index"], kind, at, actor.id if actor else None, note))
        app["updated"] = max(app["updated"], at)

    # -- drafts --
    def _draft(self, calls: list[CallInfo], *, withdrawn: bool) -> None:
        g, r = self.g, self.rng
        open_calls = [c for c in calls if c.closes_at > g.now] or calls
        call = r.choice(open_calls if r.random() < 0.85 else calls)
        organisation = g.organisation_for(call.programme)
        latest = min(call.closes_at, g.now - HOUR)
        created = call.opens_at + (latest - call.opens_at) * r.random()
        app = self._new_application(call, organisation, created)
        if r.random() < 0.7:
            self._cost_plan(app)
        else:
            app["requested_amount"] = None if r.random() < 0.5 else app["requested_amount"]
        self._documents(app, created, own_files=not withdrawn, complete=False)
        if r.random() < 0.3:
            app["summary"] = ""
        edited = created + (g.now - created) * r.random() * 0.5
        app["updated"] = edited
        if withdrawn:
            at = edited + (g.now - edited) * r.random()
            app["status"] = "withdrawn"
            self._event(app, "withdrawn", at, organisation.representatives[0], r.choice(WITHDRAW_REASONS))

    # -- planning a path through the flow --
    def _plan(self, target: str, options: dict, calls: list[CallInfo]) -> tuple[list[Step], str | None]:
        g, r = self.g, self.rng
        minimal = options["minimal"]
        ending = None
        if target in ("withdrawn", "cancelled"):
            ending = target
            target = r.choice(["check", "check", "answer", "assign", "review", "propose", "approve"])
            if minimal:
                target = "check" if ending == "withdrawn" else "review"
        reviewers = options.get("reviewers") or r.choice(calls).programme.reviewers
        options["reviewers_planned"] = reviewers
        steps: list[Step] = []

        lapse = (
            target in ("propose", "approve", "rejected")
            and not minimal
            and r.random() < (0.3 if target == "rejected" else 0.08)
        )
        if target in ("answer", "overdue") or lapse:
            rounds = 1 if minimal or r.random() < 0.85 else 2
        elif target == "check":
            rounds = 0 if minimal or r.random() < 0.7 else 1
        else:
            rounds = 0 if minimal or r.random() < 0.78 else (1 if r.random() < 0.85 else 2)
        for number in range(rounds):
            last = number == rounds - 1
            days = r.choice([14, 14, 14, 21, 28])
            stays_open = last and target == "answer" and not ending
            steps.append(Step("request", g.wait("check"), {"days": days, "stays_open": stays_open}))
            if last and target == "answer":
                if not minimal and r.random() < 0.25:
                    steps[-1].args["stays_open"] = False
                    days = r.choice([7, 14])
                    steps += [
                        Step("timeout", "deadline"),
                        Step("extend", g.wait("extend"), {"days": days, "stays_open": stays_open}),
                    ]
                break
            if last and (target == "overdue" or lapse):
                steps.append(Step("timeout", "deadline"))
                if lapse:
                    steps.append(Step("lapse", g.wait("lapse")))
                break
            if not minimal and r.random() < 0.12:
                days = r.choice([7, 14])
                steps += [Step("timeout", "deadline"), Step("extend", g.wait("extend"), {"days": days})]
            steps.append(Step("answer", g.wait("answer", high=(days - 1) * 24)))
        if target in ("check", "answer", "overdue"):
            return steps, ending

        if not lapse:
            steps.append(Step("complete", g.wait("check")))
            if target == "assign":
                return steps, ending
            steps += self._review_steps(target, options)
            if target in ("review", "reassign"):
                return steps, ending

        if target == "rejected" or lapse:
            outcome = "reject"
        elif target == "approved":
            outcome = "approve"
        else:
            outcome = r.choices(["approve", "reject"], [80, 20])[0]
        if not minimal and r.random() < 0.08:
            steps.append(Step("propose", g.wait("propose"), {"outcome": "reject" if lapse else "approve"}))
            steps.append(Step("send_back", g.wait("approve")))
        if target == "propose":
            return steps, ending
        steps.append(Step("propose", g.wait("propose"), {"outcome": outcome}))
        if target == "approve":
            return steps, ending
        steps.append(Step("approve", g.wait("approve")))
        steps.append(Step("letter", g.wait("letter")))
        if r.random() < 0.75:
            steps.append(Step("download", g.wait("download")))
        return steps, ending

    def _review_steps(self, target: str, options: dict) -> list[Step]:
        """Assignment, then per slot a timeline (conflict, reassignment, review); both slots run in parallel."""
        g, r = self.g, self.rng
        minimal = options["minimal"]
        count = options["reviewers_planned"]
        if target == "review":
            states = options.get("slots") or (
                ("open",)
                if count == 1
                else (("open", "open") if minimal else r.choice([("open", "open"), ("done", "open"), ("open", "done")]))
            )
        elif target == "reassign":
            states = options.get("slots") or (
                ("reassign",) if count == 1 else r.choice([("reassign", "open"), ("done", "reassign")])
            )
        else:
            states = ("done",) * count
        events: list[tuple[float, Step]] = []
        for slot, state in enumerate(states[:count], start=1):
            offset = 0.0
            if state == "reassign" or (state != "reassign" and not minimal and r.random() < 0.04):
                offset += g.wait("declare")
                events.append((offset, Step("conflict", 0, {"slot": slot})))
                if state == "reassign":
                    continue
                offset += g.wait("reassign")
                events.append((offset, Step("reassign", 0, {"slot": slot})))
            if state == "done":
                offset += g.wait("review")
                events.append((offset, Step("review", 0, {"slot": slot})))
            elif state == "open" and not minimal and r.random() < 0.3:
                offset += g.wait("declare")
                events.append((offset, Step("declare", 0, {"slot": slot})))
        steps = [Step("assign", g.wait("assign"), {"reviewers": count})]
        previous = 0.0
        for offset, step in sorted(events, key=lambda item: item[0]):
            step.wait = offset - previous
            previous = offset
            steps.append(step)
        return steps

    # -- placing the path in time and writing it down --
    def _submitted(self, target: str, ending: str | None, steps: list[Step], calls: list[CallInfo], options) -> None:
        g, r = self.g, self.rng
        longest = sum(s.wait for s in steps if s.wait != "deadline") * HOUR
        for index, step in enumerate(steps):  # a deadline is as far as the days of the request before it
            if step.wait == "deadline":
                days = next(s.args["days"] for s in reversed(steps[:index]) if s.action in ("request", "extend"))
                longest += timedelta(days=days + 1)
        programme_calls = [c for c in calls if c.programme.reviewers == options["reviewers_planned"]] or calls
        room = g.now - min(c.opens_at for c in programme_calls) - longest  # time left around the path
        if ending:
            after = g.wait(ending) * HOUR
        elif target in OPEN_TARGETS:
            after = timedelta(hours=min(r.expovariate(1 / 96), 720))
            if target == "answer":
                after = min(after, timedelta(days=5))
        else:
            after = max(room, timedelta(0)) * r.random()
        latest_start = g.now - after - longest
        containing = [c for c in programme_calls if c.opens_at <= latest_start <= c.closes_at]
        earlier = [c for c in programme_calls if c.opens_at <= latest_start]
        if target in OPEN_TARGETS and not ending and containing:
            call = r.choice(containing)
            start = latest_start
        elif earlier:
            call = r.choice(earlier)
            start = call.opens_at + (min(call.closes_at, latest_start) - call.opens_at) * r.random()
        else:  # the path is longer than any call has been open: start at the first call's opening, and hurry
            call = min(programme_calls, key=lambda c: c.opens_at)
            start = call.opens_at + HOUR
        scale = 1.0
        available = g.now - after - start
        if longest > available:
            fixed = timedelta(days=sum(30 for s in steps if s.wait == "deadline"))
            scale = max(0.02, (available - fixed) / max(longest - fixed, HOUR))

        organisation = g.organisation_for(call.programme)
        representative = r.choice(organisation.representatives)
        created = max(call.opens_at + timedelta(minutes=5), start - timedelta(days=r.uniform(1, 21)))
        app = self._new_application(call, organisation, created)
        self._cost_plan(app)
        app["status"] = "submitted"
        app["submitted_at"], app["submitted_by"] = start, representative
        app["versions"] = []
        editable_later = target in ("answer", "overdue") and not ending
        self._documents(app, created, own_files=editable_later, complete=True)
        trace = ProcessTrace()
        trace.submit(start)
        self.processes.append((app["index"], trace))
        self._version(app, start, representative, final=not any(s.action == "answer" for s in steps))
        self._event(app, "submitted", start, representative)

        app["assignments"] = {}
        state = {"at": start, "deadline": None, "request": None, "assignments": app["assignments"], "options": options}
        for step in steps:
            if step.wait == "deadline":
                at = state["deadline"] + timedelta(seconds=r.uniform(1, 59))
            else:
                at = state["at"] + step.wait * scale * HOUR
            at = min(at, g.now - timedelta(minutes=2))
            state["at"] = max(at, state["at"] + timedelta(seconds=1))
            getattr(self, f"_do_{step.action}")(app, trace, state, step)
        if ending:
            at = min(state["at"] + after * min(scale, 1.0), g.now - timedelta(minutes=1))
            at = max(at, state["at"] + timedelta(seconds=1))
            if ending == "withdrawn":
                app["status"] = "withdrawn"
                self._event(app, "withdrawn", at, representative, r.choice(WITHDRAW_REASONS))
            else:
                app["status"] = "cancelled"
                self._event(
                    app,
                    "cancelled",
                    at,
                    g.staff_for(call.programme, "programme administrator"),
                    r.choice(CANCEL_REASONS),
                )
            trace.cancel(at)

    def _version(self, app: dict, at: datetime, by: Person, *, final: bool) -> None:
        g = self.g
        values = {name: app[name] for name in g.snapshot_labels}
        if not final:  # the first version lacked what was asked for later
            values["summary"] = values["summary"].split(".")[0]
            values["contact_phone"] = ""
        snapshot = {}
        for name, label in g.snapshot_labels.items():
            value = values[name]
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = g.yes if value else g.no
            snapshot[label] = str(value)
        for number, (category, description, quantity, price) in enumerate(app.get("lines", []), start=1):
            snapshot[g.cost_label % {"number": number}] = (
                f"{g.category_names[category]}: {description}, {quantity} × {price} = {money(quantity * price)}"
            )
        for number, (funder, amount, status) in enumerate(app.get("funds", []), start=1):
            snapshot[g.funds_label % {"number": number}] = f"{funder}: {amount} ({g.funding_status_names[status]})"
        for kind, name in app.get("documents", []):
            snapshot[g.document_label % {"kind": g.document_names[kind]}] = name
        app["versions"].append(at)
        self.versions.append((app["index"], len(app["versions"]), at, by.id, snapshot))

    # -- the steps, on the domain rows and on the process --
    def _do_request(self, app, trace, state, step):
        clerk = self.g.staff_for(app["call"].programme, "clerk")
        at = state["at"]
        days = step.args["days"]
        if step.args.get("stays_open"):  # the organisation still has time to answer today
            days = max(days, (local_date(self.g.now) - local_date(at)).days + self.rng.randrange(2, 10))
        deadline = end_of_day(local_date(at) + timedelta(days=days))
        message = self.rng.choice(ITEMS_MESSAGES)
        request = [app["index"], message, deadline, clerk.id, at, "", None, None]
        self.requests.append(request)
        state["request"], state["deadline"] = request, deadline
        app["status"] = "items_requested"
        self._event(app, "items_requested", at, clerk, message)
        trace.check(clerk.id, at, complete=False, deadline=deadline)

    def _do_answer(self, app, trace, state, step):
        at = state["at"]
        representative = self.rng.choice(app["organisation"].representatives)
        answer = self.rng.choice(ITEMS_ANSWERS)
        state["request"][5:8] = [answer, representative.id, at]
        app["status"] = "submitted"
        self._version(app, at, representative, final=True)
        self._event(app, "items_submitted", at, representative, answer)
        trace.answer(representative.id, at)

    def _do_timeout(self, app, trace, state, step):
        trace.timeout(state["at"])

    def _do_extend(self, app, trace, state, step):
        from applications.services import formats_date

        clerk = self.g.staff_for(app["call"].programme, "clerk")
        at = state["at"]
        days = step.args["days"]
        if step.args.get("stays_open"):
            days = max(days, (local_date(self.g.now) - local_date(at)).days + self.rng.randrange(2, 10))
        day = local_date(at) + timedelta(days=days)
        deadline = end_of_day(day)
        state["request"][2] = deadline
        state["deadline"] = deadline
        with translation.override("de"):
            note = formats_date(day)
        self._event(app, "extended", at, clerk, note)
        trace.overdue(clerk.id, at, extend=True, deadline=deadline)

    def _do_lapse(self, app, trace, state, step):
        clerk = self.g.staff_for(app["call"].programme, "clerk")
        app["status"] = "submitted"
        app["lapsed"] = True
        self._event(app, "missed", state["at"], clerk)
        trace.overdue(clerk.id, state["at"], extend=False)

    def _do_complete(self, app, trace, state, step):
        clerk = self.g.staff_for(app["call"].programme, "clerk")
        app["status"] = "in_review"
        self._event(app, "complete", state["at"], clerk)
        trace.check(clerk.id, state["at"], complete=True)

    def _do_assign(self, app, trace, state, step):
        g = self.g
        programme = app["call"].programme
        admin = g.staff_for(programme, "programme administrator")
        chosen: list[Person] = []
        for _ in range(step.args["reviewers"]):
            chosen.append(g.staff_for(programme, "reviewer", exclude={p.id for p in chosen}))
        at = state["at"]
        for slot, reviewer in enumerate(chosen, start=1):
            state["assignments"].setdefault(slot, []).append(self._assignment(app, slot, reviewer, admin, at))
        self._event(app, "reviewers", at, admin, ", ".join(p.name for p in chosen))
        trace.assign(admin.id, at, [p.id for p in chosen])

    def _assignment(self, app, slot, reviewer, admin, at) -> dict:
        criteria = app["call"].programme.criteria
        return {
            "app": app["index"],
            "slot": slot,
            "reviewer": reviewer,
            "by": admin,
            "at": at,
            "active": True,
            "review": None,
            "criteria": criteria,
        }

    def _current(self, state, slot) -> dict:
        return state["assignments"][slot][-1]

    def _do_declare(self, app, trace, state, step):
        assignment = self._current(state, step.args["slot"])
        assignment["review"] = {"conflict": False, "note": "", "declared": state["at"], "submitted": None}

    def _do_conflict(self, app, trace, state, step):
        slot = step.args["slot"]
        assignment = self._current(state, slot)
        note = self.rng.choice(CONFLICT_NOTES)
        assignment["review"] = {"conflict": True, "note": note, "declared": state["at"], "submitted": None}
        self._event(app, "conflict", state["at"], assignment["reviewer"], note)
        trace.review(slot, assignment["reviewer"].id, state["at"], conflict=True)

    def _do_reassign(self, app, trace, state, step):
        g = self.g
        slot = step.args["slot"]
        programme = app["call"].programme
        admin = g.staff_for(programme, "programme administrator")
        earlier = {a["reviewer"].id for a in state["assignments"][slot]}
        others = {self._current(state, s)["reviewer"].id for s in state["assignments"] if s != slot}
        reviewer = g.staff_for(programme, "reviewer", exclude=earlier | others)
        self._current(state, slot)["active"] = False
        state["assignments"][slot].append(self._assignment(app, slot, reviewer, admin, state["at"]))
        self._event(app, "reviewers", state["at"], admin, reviewer.name)
        trace.reassign(slot, admin.id, state["at"], reviewer.id)

    def _do_review(self, app, trace, state, step):
        slot = step.args["slot"]
        assignment = self._current(state, slot)
        at = state["at"]
        declared = (assignment["review"] or {}).get("declared") or at - (at - assignment["at"]) * self.rng.uniform(
            0.05, 0.5
        )
        assignment["review"] = {"conflict": False, "note": "", "declared": declared, "submitted": at}
        self._event(app, "reviewed", at, assignment["reviewer"])
        trace.review(slot, assignment["reviewer"].id, at)

    def _do_propose(self, app, trace, state, step):
        g, r = self.g, self.rng
        clerk = g.staff_for(app["call"].programme, "clerk")
        if state["options"].get("dual"):  # a clerk who also approves: four eyes must keep them out
            dual = [p for p in g.staff["clerk"] if p in g.staff["approver"]]
            clerk = dual[0] if dual else clerk
        outcome = step.args["outcome"]
        approving = outcome == "approve"
        amount = app["requested_amount"]
        if approving and r.random() < 0.25 and app["call"].programme.method != "festbetrag":
            amount = max(app["call"].programme.min_amount, money(amount * Decimal("0.8")).quantize(Decimal("10")))
            amount = money(min(amount, app["requested_amount"]))
        partial = approving and amount < app["requested_amount"]
        reason = None if approving else 1 if app.get("lapsed") else r.randrange(len(REJECTION_REASONS))
        decision = {
            "version": len(app["decisions"]) + 1,
            "outcome": outcome,
            "amount": amount if approving else None,
            "reasons": (
                PARTIAL_REASONS
                if partial
                else r.choice(["", "", "Das Projekt erfüllt die Ziele des Programms."])
                if approving
                else REJECTION_REASONS[reason]
            ),
            # The rules of a real proposal: grounds and weighing for what is refused, the memo's checks for a grant,
            # the plan's figures frozen, and a partial grant's gap closed by the organisation's own funds.
            "grounds": ["budget"] if partial else [] if approving else REJECTION_GROUNDS[reason],
            "weighing": WEIGHING if partial or (not approving and reason == 0) else "",
            "gap_closure": PARTIAL_GAP_CLOSURE if partial else "",
            "checks": approving,
            "period_start": app["period_start"] if approving else None,
            "period_end": app["period_end"] if approving else None,
            "conditions": r.choice(CONDITIONS) if approving else "",
            "status": "proposed",
            "proposed_by": clerk,
            "proposed_at": state["at"],
            "approved_by": None,
            "approved_at": None,
            "comment": "",
        }
        app["decisions"].append(decision)
        app["status"] = "proposed"
        self._event(app, "proposed", state["at"], clerk, g.outcome_names[outcome])
        trace.propose(clerk.id, state["at"])

    def _do_send_back(self, app, trace, state, step):
        decision = app["decisions"][-1]
        approver = self.g.staff_for(app["call"].programme, "approver", exclude={decision["proposed_by"].id})
        comment = self.rng.choice(SEND_BACK_COMMENTS)
        decision.update(status="sent_back", comment=comment)
        app["status"] = "in_review"
        self._event(app, "sent_back", state["at"], approver, comment)
        trace.approve(approver.id, state["at"], approved=False)

    def _do_approve(self, app, trace, state, step):
        decision = app["decisions"][-1]
        approver = self.g.staff_for(app["call"].programme, "approver", exclude={decision["proposed_by"].id})
        decision.update(status="approved", approved_by=approver, approved_at=state["at"])
        app["status"] = "approved" if decision["outcome"] == "approve" else "rejected"
        self._event(app, "approved", state["at"], approver)
        trace.approve(approver.id, state["at"], approved=True)

    def _do_letter(self, app, trace, state, step):
        decision = app["decisions"][-1]
        decision["letter"] = {"created": state["at"], "downloaded": None, "by": None}
        self._event(app, "letter", state["at"])
        trace.letter(state["at"], granted=decision["outcome"] == "approve")

    def _do_download(self, app, trace, state, step):
        member = self.rng.choice(app["organisation"].members)
        # `event`: where its history entry is, for the grant planner (a retrieval that delivers is recorded so)
        app["decisions"][-1]["letter"].update(downloaded=state["at"], by=member, event=len(self.events))
        self._event(app, "downloaded", state["at"], member)

    # -- writing --
    def write(self) -> None:
        from applications.models import (
            MEMO_CHECKS,
            Application,
            ApplicationEvent,
            ApplicationVersion,
            CostLine,
            Decision,
            DecisionGround,
            DecisionLetter,
            Document,
            ItemsRequest,
            Review,
            ReviewAssignment,
            Score,
            ThirdPartyFunding,
        )
        from demo.generate_grants import GrantPlanner
        from workflow.flows import FundingFlow
        from workflow.models import FundingProcess

        g, w = self.g, self.g.writer
        if not self.apps:
            return
        grants = GrantPlanner(self)
        grants.plan()  # before the rows below: a delivered letter marks the application's consent and the letter
        app_ids = w.reserve(Application, len(self.apps))
        w.write(
            w.table(
                Application,
                [
                    "id",
                    "organisation",
                    "call",
                    "title",
                    "summary",
                    "requested_amount",
                    "period_start",
                    "period_end",
                    "aims",
                    "target_group",
                    "district",
                    "volunteers",
                    "works_with_minors",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "own_funds",
                    "status",
                    "created_by",
                    "created",
                    "updated",
                    "submitted_at",
                    "submitted_by",
                    "delivery_consent_at",
                    "delivery_consent_by",
                ],
            ),
            [
                (
                    app_ids[a["index"]],
                    a["organisation"].id,
                    a["call"].id,
                    a["title"],
                    a["summary"],
                    a["requested_amount"],
                    a["period_start"],
                    a["period_end"],
                    a["aims"],
                    a["target_group"],
                    a["district"],
                    a["volunteers"],
                    a["works_with_minors"],
                    a["contact_name"],
                    a["contact_email"],
                    a["contact_phone"],
                    a["own_funds"],
                    a["status"],
                    a["created_by"].id,
                    a["created"],
                    a["updated"],
                    a["submitted_at"],
                    a["submitted_by"].id if a["submitted_by"] else None,
                    a["submitted_at"] if a.get("consent") else None,
                    a["submitted_by"].id if a.get("consent") else None,
                )
                for a in self.apps
            ],
        )
        w.write(
            w.table(CostLine, ["application", "category", "description", "quantity", "unit_price"]),
            [(app_ids[i], *rest) for i, *rest in self.cost_lines],
        )
        w.write(
            w.table(ThirdPartyFunding, ["application", "funder", "amount", "status"]),
            [(app_ids[i], *rest) for i, *rest in self.funds],
        )
        w.write(
            w.table(ApplicationVersion, ["application", "number", "submitted_at", "submitted_by", "snapshot"]),
            [(app_ids[i], *rest) for i, *rest in self.versions],
        )
        for document_index, kind, name in self.files:
            row = self.documents[document_index]
            row[2] = default_storage.save(
                f"documents/{app_ids[row[0]]}/{kind}-generated.pdf",
                ContentFile(placeholder_pdf(name.removesuffix(".pdf"), ["Beispieldokument (generierte Daten)"])),
            )
        sizes = {}
        for row in self.documents:
            if row[2] not in sizes:
                sizes[row[2]] = default_storage.size(row[2])
        w.write(
            w.table(
                Document,
                ["application", "kind", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"],
            ),
            [
                (app_ids[i], kind, path, name, "application/pdf", sizes[path], by, at)
                for i, kind, path, name, by, at in self.documents
            ],
        )
        w.write(
            w.table(
                ItemsRequest,
                [
                    "application",
                    "message",
                    "deadline",
                    "requested_by",
                    "requested_at",
                    "answer",
                    "answered_by",
                    "answered_at",
                ],
            ),
            [(app_ids[i], *rest) for i, *rest in self.requests],
        )

        # Review assignments and reviews come from the processes' state kept on the applications.
        assignments, reviews, scores = [], [], []
        for app in self.apps:
            for slot_assignments in app.get("assignments", {}).values():
                assignments.extend(slot_assignments)
        assignment_ids = w.reserve(ReviewAssignment, len(assignments))
        reviewed = [(pk, a) for pk, a in zip(assignment_ids, assignments, strict=True) if a["review"]]
        review_ids = w.reserve(Review, len(reviewed))
        for review_id, (assignment_id, assignment) in zip(review_ids, reviewed, strict=True):
            review = assignment["review"]
            submitted = review["submitted"] is not None
            double = submitted and self.rng.random() < 0.03
            reviews.append(
                (
                    review_id,
                    assignment_id,
                    review["conflict"],
                    review["note"],
                    self.rng.choice(REVIEW_MEMOS) if submitted else "",
                    double if submitted else None,
                    "Das Projekt wird auch aus einem Bundesprogramm gefördert." if double else "",
                    True if submitted else None,
                    review["declared"],
                    review["submitted"],
                )
            )
            if submitted:
                for criterion in assignment["criteria"]:
                    scores.append((review_id, criterion, self.rng.choice([2, 3, 3, 4, 4, 4, 5, 5]), ""))
        w.write(
            w.table(
                ReviewAssignment, ["id", "application", "slot", "reviewer", "assigned_by", "assigned_at", "active"]
            ),
            [
                (pk, app_ids[a["app"]], a["slot"], a["reviewer"].id, a["by"].id, a["at"], a["active"])
                for pk, a in zip(assignment_ids, assignments, strict=True)
            ],
        )
        w.write(
            w.table(
                Review,
                [
                    "id",
                    "assignment",
                    "conflict_of_interest",
                    "conflict_note",
                    "memo",
                    "double_funding",
                    "double_funding_note",
                    "own_funds_counted",
                    "declared_at",
                    "submitted_at",
                ],
            ),
            reviews,
        )
        w.write(w.table(Score, ["review", "criterion", "score", "comment"]), scores)

        decisions = [(app, d) for app in self.apps for d in app["decisions"]]
        decision_ids = w.reserve(Decision, len(decisions))
        for pk, (_app, d) in zip(decision_ids, decisions, strict=True):
            d["id"] = pk
        w.write(
            w.table(
                Decision,
                [
                    "id",
                    "application",
                    "version",
                    "outcome",
                    "amount",
                    "reasons",
                    "period_start",
                    "period_end",
                    "conditions",
                    "status",
                    "proposed_by",
                    "proposed_at",
                    "approved_by",
                    "approved_at",
                    "approver_comment",
                    "weighing",
                    "gap_closure",
                    "requested_amount",
                    "eligible_costs",
                    "own_funds",
                    "third_party_funds",
                    *(name for name, _label in MEMO_CHECKS),
                ],
            ),
            [
                (
                    pk,
                    app_ids[app["index"]],
                    d["version"],
                    d["outcome"],
                    d["amount"],
                    d["reasons"],
                    d["period_start"],
                    d["period_end"],
                    d["conditions"],
                    # A proposal whose procedure ended before approval released its budget reservation.
                    "lapsed"
                    if d["status"] == "proposed" and app["status"] in ("withdrawn", "cancelled")
                    else d["status"],
                    d["proposed_by"].id,
                    d["proposed_at"],
                    d["approved_by"].id if d["approved_by"] else None,
                    d["approved_at"],
                    d["comment"],
                    d["weighing"],
                    d["gap_closure"],
                    app["requested_amount"],
                    app["costs"],
                    app["own_funds"],
                    app["third"],
                    *(d["checks"] for _check in MEMO_CHECKS),
                )
                for pk, (app, d) in zip(decision_ids, decisions, strict=True)
            ],
        )
        w.write(
            w.table(DecisionGround, ["decision", "ground"]),
            [(pk, ground) for pk, (app, d) in zip(decision_ids, decisions, strict=True) for ground in d["grounds"]],
        )
        w.write(
            w.table(
                DecisionLetter,
                [
                    "decision",
                    "file",
                    "created",
                    "first_downloaded_at",
                    "first_downloaded_by",
                    "retrieved_at",
                    "retrieved_by",
                    "delivered_at",
                ],
            ),
            [
                (
                    pk,
                    g.letter_file,
                    d["letter"]["created"],
                    d["letter"].get("first", (d["letter"]["downloaded"], d["letter"]["by"]))[0],
                    _id(d["letter"].get("first", (d["letter"]["downloaded"], d["letter"]["by"]))[1]),
                    d["letter"]["downloaded"] if d["letter"].get("delivered") else None,
                    d["letter"]["by"].id if d["letter"].get("delivered") else None,
                    d["letter"].get("delivered"),
                )
                for pk, (app, d) in zip(decision_ids, decisions, strict=True)
                if "letter" in d
            ],
        )
        w.write(
            w.table(ApplicationEvent, ["application", "kind", "at", "actor", "note"]),
            [(app_ids[i], *rest) for i, *rest in self.events],
        )

        # The processes and their tasks.
        process_ids = self.write_processes(FundingFlow, [trace for _, trace in self.processes])
        w.write(
            w.table(FundingProcess, ["process_ptr", "application", "call", "programme", "organisation"]),
            [
                (pk, app_ids[index], app["call"].id, app["call"].programme.id, app["organisation"].id)
                for pk, (index, _) in zip(process_ids, self.processes, strict=True)
                for app in [self.apps[index]]
            ],
        )
        grants.write(app_ids)

    def write_processes(self, flow_class, traces: list[ProcessTrace]) -> list[int]:
        """The Process rows of `traces`, their Task rows and the links between them; returns the process ids."""
        g, w = self.g, self.g.writer
        nodes = g.flow_nodes[flow_class]
        process_ids = w.reserve(Process, len(traces))
        flow_ref = get_flow_ref(flow_class)
        w.write(
            w.table(Process, ["id", "flow_class", "status", "created", "finished", "data"]),
            [
                (pk, flow_ref, trace.status, trace.created, trace.finished, {})
                for pk, trace in zip(process_ids, traces, strict=True)
            ],
        )
        task_ids = w.reserve(Task, sum(len(trace.tasks) for trace in traces))
        task_rows, previous_rows = [], []
        offset = 0
        for process_id, trace in zip(process_ids, traces, strict=True):
            ids = task_ids[offset : offset + len(trace.tasks)]
            offset += len(trace.tasks)
            for task in trace.tasks:
                reference, task_type, permission = nodes[task.node]
                task_rows.append(
                    (
                        ids[task.index],
                        reference,
                        task_type,
                        task.status,
                        task.created,
                        task.started,
                        task.finished,
                        task.scheduled,
                        trace.token(task, ids),
                        task.owner,
                        permission if task_type == "HUMAN" else None,
                        process_id,
                        {},
                    )
                )
                previous_rows.extend((ids[task.index], ids[p]) for p in task.previous)
        w.write(
            w.table(
                Task,
                [
                    "id",
                    "flow_task",
                    "flow_task_type",
                    "status",
                    "created",
                    "started",
                    "finished",
                    "scheduled",
                    "token",
                    "owner",
                    "owner_permission",
                    "process",
                    "data",
                ],
            ),
            task_rows,
        )
        w.write(w.table(Task.previous.through, ["from_task", "to_task"]), previous_rows)
        return process_ids


# --------------------------------------------------------------------------------------------------------------
# Words: Bremen's districts, migrant organisations' names, projects, people
# --------------------------------------------------------------------------------------------------------------

# fmt: off

# District, postcodes, streets. The city of Bremen's Stadtteile, then Bremerhaven's.
BREMEN_DISTRICTS = [
    ("Mitte", ["28195"], ["Am Wall", "Schüsselkorb", "Knochenhauerstraße", "Bahnhofsplatz"]),
    ("Neustadt", ["28199", "28201"], ["Pappelstraße", "Lahnstraße", "Kornstraße", "Buntentorsteinweg"]),
    ("Obervieland", ["28277", "28279"], ["Kattenturmer Heerstraße", "Arsterdamm", "Theodor-Billroth-Straße"]),
    ("Huchting", ["28259"], ["Kirchhuchtinger Landstraße", "Amersfoorter Straße", "Obervielander Straße"]),
    ("Woltmershausen", ["28197"], ["Woltmershauser Straße", "Simon-Bolivar-Straße"]),
    ("Östliche Vorstadt", ["28203", "28205"], ["Ostertorsteinweg", "Sielwall", "Humboldtstraße"]),
    ("Schwachhausen", ["28209", "28211"], ["Schwachhauser Heerstraße", "Wachmannstraße", "Hollerallee"]),
    ("Vahr", ["28329"], ["Kurt-Schumacher-Allee", "August-Bebel-Allee", "Berliner Freiheit"]),
    ("Horn-Lehe", ["28359"], ["Leher Heerstraße", "Berckstraße", "Lilienthaler Heerstraße"]),
    ("Oberneuland", ["28355"], ["Oberneulander Landstraße", "Rockwinkeler Landstraße"]),
    ("Osterholz", ["28325", "28327"], ["Otto-Brenner-Allee", "Schweizer Straße", "Walliser Straße"]),
    ("Hemelingen", ["28309"], ["Hemelinger Heerstraße", "Westerwaldstraße", "Sebaldsbrücker Heerstraße"]),
    ("Findorff", ["28215"], ["Hemmstraße", "Admiralstraße", "Münchener Straße"]),
    ("Walle", ["28217", "28219"], ["Waller Heerstraße", "Vegesacker Straße", "Osterfeuerberger Ring"]),
    ("Gröpelingen", ["28237", "28239"], ["Lindenhofstraße", "Gröpelinger Heerstraße", "Liegnitzstraße"]),
    ("Burglesum", ["28717", "28719"], ["Lesumer Heerstraße", "Am Burgplatz", "Grambker Heerstraße"]),
    ("Vegesack", ["28755", "28757"], ["Gerhard-Rohlfs-Straße", "Breite Straße", "Aumunder Heerweg"]),
    ("Blumenthal", ["28777", "28779"], ["Landrat-Christians-Straße", "Lüssumer Heide", "Kapitän-Dallmann-Straße"]),
]
BREMERHAVEN_DISTRICTS = [
    ("Lehe", ["27568", "27576"], ["Hafenstraße", "Goethestraße", "Lutherstraße"]),
    ("Geestemünde", ["27570", "27572"], ["Georgstraße", "Schillerstraße", "Bülowstraße"]),
    ("Leherheide", ["27578"], ["Louise-Schroeder-Straße", "Adolf-Kolping-Straße"]),
    ("Wulsdorf", ["27572"], ["Weserstraße", "Ringstraße"]),
    ("Mitte", ["27568"], ["Bürgermeister-Smidt-Straße", "Columbusstraße"]),
    ("Schiffdorferdamm", ["27574"], ["Bei der Mühle", "Eichendorffstraße"]),
]

# Where migrant organisations' members come from: adjective stem, languages, the people's name pools, UI language.
ORIGINS = [
    ("Türkisch", "Türkisch, Deutsch", "tr", "tr"),
    ("Deutsch-Türkisch", "Türkisch, Deutsch", "tr", "de"),
    ("Kurdisch", "Kurdisch, Türkisch, Arabisch, Deutsch", "ku", "de"),
    ("Alevitisch", "Türkisch, Kurdisch, Deutsch", "tr", "tr"),
    ("Syrisch", "Arabisch, Kurdisch, Deutsch", "ar", "ar"),
    ("Arabisch", "Arabisch, Deutsch", "ar", "ar"),
    ("Irakisch", "Arabisch, Kurdisch, Deutsch", "ar", "ar"),
    ("Libanesisch", "Arabisch, Französisch, Deutsch", "ar", "ar"),
    ("Afghanisch", "Dari, Paschtu, Deutsch", "fa", "de"),
    ("Iranisch", "Farsi, Deutsch", "fa", "de"),
    ("Russischsprachig", "Russisch, Deutsch", "ru", "ru"),
    ("Ukrainisch", "Ukrainisch, Russisch, Deutsch", "uk", "uk"),
    ("Polnisch", "Polnisch, Deutsch", "pl", "de"),
    ("Bulgarisch", "Bulgarisch, Türkisch, Deutsch", "bg", "de"),
    ("Rumänisch", "Rumänisch, Deutsch", "ro", "de"),
    ("Eritreisch", "Tigrinya, Arabisch, Deutsch", "er", "en"),
    ("Ghanaisch", "Twi, Englisch, Deutsch", "af", "en"),
    ("Nigerianisch", "Englisch, Yoruba, Igbo, Deutsch", "af", "en"),
    ("Kamerunisch", "Französisch, Englisch, Deutsch", "af", "en"),
    ("Somalisch", "Somali, Arabisch, Deutsch", "er", "en"),
    ("Vietnamesisch", "Vietnamesisch, Deutsch", "vi", "de"),
    ("Lateinamerikanisch", "Spanisch, Portugiesisch, Deutsch", "es", "en"),
    ("Portugiesisch", "Portugiesisch, Deutsch", "es", "de"),
    ("Griechisch", "Griechisch, Deutsch", "gr", "de"),
    ("Albanisch", "Albanisch, Deutsch", "al", "de"),
    ("Bosnisch", "Bosnisch, Serbisch, Kroatisch, Deutsch", "al", "de"),
    ("Tamilisch", "Tamil, Englisch, Deutsch", "ta", "en"),
    ("Afrikanisch", "Französisch, Englisch, Deutsch", "af", "en"),
]

FIRST_NAMES = {
    "tr": ["Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Zeynep", "Hüseyin", "Elif", "Murat", "Hatice",
           "Kemal", "Derya", "Serkan", "Gül", "Cem", "Yasemin", "Hakan", "Leyla", "Orhan"],
    "ku": ["Rojda", "Berivan", "Azad", "Dilan", "Şivan", "Zozan", "Rêber", "Hêvî", "Baran", "Nûjîn", "Welat"],
    "ar": ["Ahmad", "Fatima", "Mohammed", "Aisha", "Omar", "Layla", "Yusuf", "Mariam", "Khaled", "Rania", "Samir",
           "Huda", "Tarek", "Nour", "Bilal", "Amal", "Hassan", "Salma"],
    "fa": ["Farid", "Maryam", "Reza", "Shirin", "Ali", "Parisa", "Hamid", "Zahra", "Navid", "Mahtab", "Sohrab"],
    "ru": ["Olga", "Sergej", "Natalia", "Alexander", "Irina", "Dmitri", "Swetlana", "Andrej", "Jelena", "Pawel"],
    "uk": ["Olena", "Oksana", "Taras", "Iryna", "Andrij", "Natalija", "Bohdan", "Kateryna", "Mykola", "Halyna"],
    "pl": ["Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Krzysztof", "Joanna", "Marek", "Ewa"],
    "bg": ["Ivan", "Maria", "Georgi", "Elena", "Dimitar", "Yordanka", "Stefan", "Desislava"],
    "ro": ["Andrei", "Ioana", "Mihai", "Elena", "Cristian", "Ana", "Florin", "Raluca"],
    "er": ["Abeba", "Yonas", "Senait", "Tesfay", "Mebrat", "Daniel", "Hiwet", "Amanuel", "Fatuma", "Abdi", "Hodan"],
    "af": ["Kwame", "Ama", "Chinedu", "Ngozi", "Kofi", "Abena", "Emeka", "Adaeze", "Jean-Pierre", "Aminata",
           "Moussa", "Grace"],
    "vi": ["Thi Lan", "Van Minh", "Thu Trang", "Duc Anh", "Ngoc Mai", "Quang Huy"],
    "es": ["María", "José", "Carmen", "Luis", "Ana", "Carlos", "Lucía", "João", "Mariana", "Pedro"],
    "gr": ["Eleni", "Giorgos", "Maria", "Nikos", "Sofia", "Kostas"],
    "al": ["Arben", "Drita", "Emina", "Adnan", "Lejla", "Besnik", "Amra", "Edin"],
    "ta": ["Priya", "Suresh", "Kavitha", "Rajan", "Lakshmi", "Senthil"],
    "de": ["Anna", "Thomas", "Julia", "Michael", "Sabine", "Stefan", "Katrin", "Andreas", "Claudia", "Jan",
           "Birgit", "Frank", "Monika", "Jens", "Heike", "Tobias", "Kerstin", "Lars", "Nicole", "Matthias"],
}
LAST_NAMES = {
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç",
           "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özdemir", "Polat"],
    "ku": ["Bozkurt", "Tekin", "Ekinci", "Zana", "Baran", "Akbulut", "Yüksel", "Güler"],
    "ar": ["Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Haidar", "Aziz", "Hamdan", "Ibrahim",
           "Youssef", "Karimi", "Darwish", "Suleiman"],
    "fa": ["Ahmadi", "Hosseini", "Rezaei", "Mohammadi", "Karimi", "Sadeghi", "Rahimi", "Azizi", "Noori"],
    "ru": ["Iwanow", "Petrowa", "Smirnow", "Kusnezowa", "Popow", "Wolkow", "Sokolowa", "Lebedew", "Morosow"],
    "uk": ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Oliynyk"],
    "pl": ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowski", "Zielińska"],
    "bg": ["Ivanova", "Georgiev", "Dimitrova", "Petrov", "Nikolova", "Hristov"],
    "ro": ["Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Constantin"],
    "er": ["Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Mohamed", "Abdullahi", "Warsame", "Tekle"],
    "af": ["Mensah", "Okafor", "Boateng", "Adeyemi", "Nkemelu", "Diallo", "Traoré", "Mbarga", "Owusu"],
    "vi": ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
    "es": ["García", "Rodríguez", "Martínez", "Silva", "Santos", "Pereira", "Fernández", "Oliveira"],
    "gr": ["Papadopoulos", "Georgiou", "Nikolaidou", "Konstantinou", "Dimitriou"],
    "al": ["Hoxha", "Krasniqi", "Berisha", "Hadžić", "Kovačević", "Begić", "Gashi"],
    "ta": ["Sivakumar", "Rajendran", "Krishnan", "Selvaraj", "Murugan"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Meyer", "Weber", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schröder", "Braun", "Krüger", "Hartmann", "Lange"],
}

# Organisation types: noun, grammatical gender (m, f, n) for the adjective's ending.
ASSOCIATION_TYPES = [
    ("Kulturverein", "m"), ("Elternverein", "m"), ("Frauenverein", "m"), ("Jugendverein", "m"), ("Sportverein", "m"),
    ("Bildungsverein", "m"), ("Förderverein", "m"), ("Seniorenverein", "m"), ("Studierendenverein", "m"),
    ("Nachbarschaftsverein", "m"), ("Kultur- und Bildungsverein", "m"), ("Integrationsverein", "m"),
    ("Kulturzentrum", "n"), ("Frauennetzwerk", "n"), ("Begegnungszentrum", "n"), ("Elternnetzwerk", "n"),
    ("Forum", "n"), ("Gemeinschaftszentrum", "n"), ("Bildungswerk", "n"),
]
INITIATIVE_TYPES = [
    ("Initiative", "f"), ("Frauengruppe", "f"), ("Elterninitiative", "f"), ("Jugendgruppe", "f"),
    ("Tanzgruppe", "f"), ("Selbsthilfegruppe", "f"), ("Community", "f"), ("Musikgruppe", "f"),
    ("Nachbarschaftsinitiative", "f"), ("Netzwerk", "n"), ("Frauennetzwerk", "n"), ("Sprachcafé", "n"),
]
INITIATIVE_PLAIN = [
    "Frauencafé", "Sprachcafé", "Elterncafé", "Nachbarschaftstreff", "Mütterzentrum", "Hausaufgabenhilfe",
    "Interkultureller Garten", "Welcome-Treff", "Kochtreff International", "Fahrradwerkstatt International",
]
RELIGIOUS_TYPES = [
    ("Gemeinde", "f"), ("Kirchengemeinde", "f"), ("Moscheegemeinde", "f"), ("Kulturgemeinde", "f"),
    ("Gemeinde e.V.", "f"),
]
RELIGIOUS_PLAIN = [
    "Alevitische Gemeinde", "Eritreisch-Orthodoxe Gemeinde", "Russisch-Orthodoxe Kirchengemeinde",
    "Ukrainische Griechisch-Katholische Gemeinde", "Tamilischer Hindu-Tempelverein", "Islamisches Kulturzentrum",
    "Afrikanische Pfingstgemeinde", "Syrisch-Orthodoxe Gemeinde", "Jesidisches Zentrum", "Bosnisch-Islamische Gemeinde",
]
COMPANY_NAMES = [
    "Brücken bauen", "Vielfalt bildet", "Interkulturelles Bildungswerk", "Neue Nachbarn", "Zusammen wachsen",
    "Sprachbrücke", "Weltoffen Lernen", "Migration und Arbeit", "Bunte Stadt", "Ankommen und Bleiben",
]
OTHER_NAMES = [
    "Dachverband der Migrant*innenorganisationen", "Stiftung Interkultur", "Genossenschaft Weltladen",
    "Arbeitskreis Migration", "Bündnis Vielfalt", "Landesnetzwerk Migrantinnen",
]

TOPICS = [
    "Bildung", "Empowerment", "Kultur", "Sprache", "Eltern und Familie", "Nachbarschaft", "Sport", "Jugend",
    "Frauen", "Senior*innen", "Gesundheit", "Arbeit und Ausbildung", "Religion und Dialog", "Beratung",
    "Ankommen in Bremen",
]

DESCRIPTIONS = [
    "Wir sind ein ehrenamtlich organisierter Zusammenschluss und treffen uns jede Woche im Stadtteil.",
    "Eltern unterstützen Eltern: Hausaufgabenhilfe, Elterncafé und Begleitung zu Behörden.",
    "Wir bieten Sprachkurse, Beratung und Begegnung für Neuzugewanderte an.",
    "Unser Verein pflegt Sprache und Kultur und bringt Menschen aus der Nachbarschaft zusammen.",
    "Frauen stärken Frauen: Austausch, Workshops und gemeinsame Ausflüge.",
    "Wir organisieren Sport- und Freizeitangebote für Kinder und Jugendliche.",
    "Wir begleiten Familien beim Ankommen, übersetzen und vermitteln Kontakte.",
    "Musik, Tanz und Feste verbinden bei uns die Generationen.",
]

# Projects: what, for whom, what it aims at.
PROJECT_KINDS = [
    ("Sprachcafé", "Wöchentliche Treffen, bei denen Teilnehmende Deutsch üben und sich austauschen."),
    ("Hausaufgabenhilfe", "Ehrenamtliche helfen Schulkindern zweimal pro Woche bei den Hausaufgaben."),
    ("Elterncafé", "Ein offener Treffpunkt für Eltern mit Beratung zu Schule und Kita."),
    ("Empowerment-Workshops", "Workshops zu Rechten, Selbstbehauptung und Teilhabe im Alltag."),
    ("Nachbarschaftsfest", "Ein Fest mit Musik, Essen und Informationsständen für den ganzen Stadtteil."),
    ("Theaterprojekt", "Jugendliche entwickeln ein Theaterstück über ihre Geschichten und führen es auf."),
    ("Fußballturnier", "Ein Turnier für gemischte Teams aus verschiedenen Vereinen und Schulen."),
    ("Computerkurs", "Grundlagen am Computer und Smartphone: Online-Termine, E-Mails, Formulare."),
    ("Beratungssprechstunde", "Eine muttersprachliche Sprechstunde zu Behördenbriefen und Anträgen."),
    ("Kochabende", "Gemeinsames Kochen von Gerichten aus vielen Ländern, mit Gesprächen über das Ankommen."),
    ("Mentoring", "Ehrenamtliche Mentorinnen und Mentoren begleiten Jugendliche beim Übergang in die Ausbildung."),
    ("Bewerbungstraining", "Lebenslauf, Anschreiben und Vorstellungsgespräch üben, mit Unterstützung aus Betrieben."),
    ("Kulturfest", "Ein Fest mit Tanz, Musik und Lesungen, offen für alle."),
    ("Lesepatenschaften", "Lesepatinnen lesen mit Kindern in zwei Sprachen."),
    ("Schwimmkurs für Frauen", "Ein Schwimmkurs in geschützten Zeiten mit einer Trainerin."),
    ("Fahrradkurs", "Erwachsene lernen Fahrradfahren und die Verkehrsregeln."),
    ("Erste-Hilfe-Kurs", "Ein Erste-Hilfe-Kurs mit Übersetzung in die Herkunftssprachen."),
    ("Gesprächskreis", "Ein begleiteter Gesprächskreis für Menschen mit Fluchterfahrung."),
    ("Musikgruppe", "Proben und Auftritte einer generationenübergreifenden Musikgruppe."),
    ("Ausflugsreihe", "Ausflüge zu Orten in Bremen und umzu, um die Stadt kennenzulernen."),
    ("Seniorentreff", "Ein Treffpunkt für ältere Menschen gegen Einsamkeit, mit Bewegung und Gesprächen."),
    ("Gartenprojekt", "Ein interkultureller Garten, in dem Familien gemeinsam Gemüse anbauen."),
]
TARGET_GROUPS = [
    "Eltern mit Kindern im Grundschulalter", "Frauen aus der Nachbarschaft", "Jugendliche zwischen 14 und 21 Jahren",
    "Senior*innen", "neu zugewanderte Familien", "Geflüchtete aus der Ukraine", "Kinder von 6 bis 12 Jahren",
    "Menschen, die Deutsch lernen", "Alleinerziehende", "junge Erwachsene auf Ausbildungssuche",
]
AIMS = [
    "Die Teilnehmenden sprechen sicherer Deutsch und kennen Angebote im Stadtteil.",
    "Kinder verbessern ihre Leistungen in der Schule; Eltern kennen das Bildungssystem besser.",
    "Menschen aus verschiedenen Herkunftsländern lernen sich kennen und bauen Vorurteile ab.",
    "Frauen vernetzen sich, kennen ihre Rechte und nutzen Beratungsangebote.",
    "Jugendliche finden einen Ausbildungsplatz oder eine Perspektive nach der Schule.",
    "Ältere Menschen sind weniger allein und bleiben in Bewegung.",
]
COST_ITEMS = {
    "staff": ["Honorare für Kursleitung", "Honorar Übersetzung", "Aufwandsentschädigungen Ehrenamtliche",
              "Honorar Trainerin", "Honorar Referent*in"],
    "material": ["Lernmaterial und Bücher", "Bastel- und Spielmaterial", "Lebensmittel für Kochabende",
                 "Trikots und Bälle", "Druck von Flyern"],
    "rent": ["Raummiete Gemeindezentrum", "Miete Bürgerhaus", "Miete Sporthalle"],
    "travel": ["Fahrkarten für Ausflüge", "Fahrtkosten Referent*innen", "Busmiete"],
    "other": ["Versicherung", "Öffentlichkeitsarbeit", "Verpflegung beim Fest"],
}
THIRD_PARTY_FUNDERS = [
    "Stiftung Bremer Bürgerengagement", "Sparkasse Bremen Stiftung", "Aktion Mensch", "Ortsamt (Globalmittel)",
    "Deutsche Stiftung für Engagement und Ehrenamt", "Bundesprogramm Demokratie leben!", "Kirchengemeinde",
]

ITEMS_MESSAGES = [
    "Bitte reichen Sie die Satzung nach.",
    "Im Kostenplan fehlt die Aufstellung der Honorare. Bitte ergänzen Sie Stundenzahl und Stundensatz.",
    "Bitte laden Sie die Projektbeschreibung als PDF hoch.",
    "Der Finanzierungsplan ist nicht ausgeglichen. Bitte prüfen Sie die Eigenmittel.",
    "Bitte bestätigen Sie, wer Ihre Organisation vertritt, und nennen Sie eine Telefonnummer.",
    "Bitte reichen Sie das erweiterte Führungszeugnis für die Kursleitung nach.",
]
ITEMS_ANSWERS = [
    "Die Unterlagen sind jetzt hochgeladen.",
    "Wir haben den Kostenplan ergänzt.",
    "Anbei die Satzung. Vielen Dank für den Hinweis.",
    "Der Finanzierungsplan ist korrigiert.",
    "Telefonnummer und Vertretung sind ergänzt.",
]
CONFLICT_NOTES = [
    "Ich bin Mitglied im Vorstand der antragstellenden Organisation.",
    "Eine Verwandte von mir leitet das Projekt.",
    "Ich habe die Organisation beim Antrag beraten.",
]
REVIEW_MEMOS = [
    "Plausibel und gut geplant. Die Zielgruppe wird gut erreicht.",
    "Das Projekt passt zu den Zielen des Programms; die Kosten sind angemessen.",
    "Gute Idee, der Zeitplan ist aber knapp. Die Kosten sind nachvollziehbar.",
    "Erfahrener Träger, realistische Planung, klarer Nutzen für den Stadtteil.",
    "Die Honorare sind hoch angesetzt; inhaltlich überzeugend.",
]
# The grounds (applications.models.ReasonGround) of each rejection reason below, in the same order.
REJECTION_GROUNDS = [["budget", "priority"], ["incomplete"], ["other"], ["eligibility"]]
PARTIAL_REASONS = "Die Mittel des Aufrufs reichen nicht, um alle förderfähigen Anträge in voller Höhe zu bewilligen."
WEIGHING = (
    "Alle förderfähigen Anträge des Aufrufs werden in der Rangfolge ihrer Bewertung gefördert; die Kürzung "
    "verteilt die verfügbaren Mittel gleichmäßig und lässt das Projekt durchführbar."
)
PARTIAL_GAP_CLOSURE = "Die Organisation deckt den Rest aus weiteren Eigenmitteln (schriftliche Zusage liegt vor)."
REJECTION_REASONS = [
    "Die Mittel des Aufrufs reichen nicht für alle förderfähigen Anträge. Andere Anträge erreichen die Ziele des "
    "Programms besser.",
    "Die angeforderten Unterlagen wurden nicht eingereicht; der Antrag kann nicht geprüft werden.",
    "Das Projekt ist bereits aus anderen öffentlichen Mitteln gefördert (Doppelförderung).",
    "Das Projekt entspricht nicht dem Förderzweck des Programms.",
]
CONDITIONS = [
    "",
    "",
    "Der Zuwendungsgeber ist in der Öffentlichkeitsarbeit zu nennen.",
    "Bei Arbeit mit Minderjährigen ist vor Beginn ein erweitertes Führungszeugnis vorzulegen.",
]
SEND_BACK_COMMENTS = [
    "Bitte begründen Sie die Höhe der Honorare.",
    "Der Bewilligungszeitraum passt nicht zum Projektzeitraum.",
    "Bitte prüfen Sie die Eigenmittel noch einmal.",
]
WITHDRAW_REASONS = [
    "Wir haben eine andere Förderung erhalten.",
    "Das Projekt findet leider nicht statt.",
    "Unsere Kursleitung ist weggezogen.",
    "",
]
CANCEL_REASONS = [
    "Der Antrag wurde doppelt eingereicht.",
    "Die Organisation hat sich aufgelöst.",
    "Das Verfahren wird auf Wunsch der Organisation in einem anderen Programm fortgesetzt.",
]

STAFF_FIRST = FIRST_NAMES["de"] + ["Aylin", "Emre", "Natalia", "Samira", "Dariusz", "Olga", "Karim", "Leila"]
STAFF_LAST = LAST_NAMES["de"] + ["Yıldırım", "Nowak", "Haddad", "Petrowa", "Becker-Aydın", "Kowalczyk"]
# fmt: on
