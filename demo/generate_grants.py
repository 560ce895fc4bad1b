"""The grants of generated approvals: the grant with its plan version 1, its `GrantProcess`, payment requests with
their `PaymentProcess` in every state, and for a share of the grants the proof of use, its check and a reclaim.

Planned per batch of applications, next to them (see `demo.generate.Batch.write`), with the same row writer; the
process rows mirror what `workflow.flows.grant.GrantFlow` and `PaymentFlow` leave at each step, and
tests/test_generate_data.py compares them with real runs.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation
from viewflow.workflow.status import PROCESS, STATUS

from demo.generate import BERLIN, CENT, ProcessTrace, local_date, money
from grants.finality import add_months, final_from

# Where a generated grant stands today, and how often (percent of grants whose dates allow it).
GRANT_WEIGHTS = {
    "running": 40,  # final; payment requests in every state
    "appealed": 3,
    "proof_submitted": 12,  # the proof of use waits for the clerk's check
    "check_proposed": 8,  # the check waits for the second person
    "hearing": 4,
    "revoked": 4,  # revocation decided, repayment outstanding
    "closed": 20,
}
# The first grants take these states (and payment patterns), so every step exists even in a small data set.
GRANT_COVERAGE = [
    ("awaiting", ()),
    ("appealed", ()),
    ("running", ("paid", "requested")),
    ("running", ("refused", "certified")),
    ("running", ("released",)),
    ("closed", ()),
    ("revoked", ()),
    ("proof_submitted", ()),
    ("check_proposed", ()),
    ("hearing", ()),
]
# The payment requests of a running grant: the status of each in order (the earlier ones are done).
PAYMENT_PATTERNS = [
    (),
    ("requested",),
    ("certified",),
    ("paid", "requested"),
    ("paid", "certified"),
    ("released",),
    ("paid", "released"),
    ("paid",),
    ("paid", "paid"),
    ("refused", "paid"),
    ("paid", "refused", "requested"),
]
PAYMENT_PURPOSES = [
    "Honorare für die ersten Wochen",
    "Raummiete und Material",
    "Honorare und Fahrtkosten",
    "Material für die Gruppenarbeit",
    "Aufwandsentschädigungen der Ehrenamtlichen",
    "Verpflegung und Raummiete für die Veranstaltungen",
]
REFUSAL_NOTES = [
    "Der Bedarf ist noch nicht absehbar; bitte rufen Sie die Mittel kurz vor der Fälligkeit ab.",
    "Der Betrag passt nicht zum Finanzierungsplan; bitte erläutern Sie ihn.",
]
CHECK_MEMOS = [
    "Sachbericht schlüssig, Belegliste vollständig; die Stichprobe stimmt mit der Liste überein.",
    "Ausgaben wie geplant belegt; kleinere Umschichtungen zwischen den Positionen im Rahmen von ANBest-P Nr. 1.2.",
]
HEARING_TEXT = (
    "Die zuwendungsfähigen Ausgaben lagen unter dem Plan; nach ANBest-P Nr. 2 ermäßigt sich die Zuwendung. "
    "Wir beabsichtigen, den Bescheid insoweit zu widerrufen und den Betrag zurückzufordern."
)
HEARING_ANSWER = "Einige Termine sind ausgefallen; wir zahlen den Betrag zurück."
REVOCATION_REASONS = "Die zuwendungsfähigen Ausgaben lagen unter dem Plan; die Anhörung brachte nichts anderes."
REVOCATION_WEIGHING = (
    "Intendiertes Ermessen: besondere Umstände, die gegen den Widerruf sprechen, sind nicht erkennbar."
)
PAYEES = ["Honorarkraft", "Bürgerhaus", "Druckerei Weser", "Bäckerei am Markt", "BSAG", "Schreibwaren Nord"]


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=BERLIN)


class GrantTrace(ProcessTrace):
    """The Task rows of one GrantProcess, step by step, as `GrantFlow` leaves them."""

    flow = "grant"

    def open(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("open", []), started=True)
        self._add("become_final", [start])  # waits for the end of the appeal period (a Handle)

    def final(self, at: datetime) -> None:
        self._at(at)
        handle = self._open("become_final")
        handle.started = self._now()
        self._done(handle, started=False)
        told = self._done(self._add("tell_final", [handle]), started=True)
        self._human("submit_proof", told)

    def submit_proof(self, by, at: datetime) -> None:
        task = self._complete("submit_proof", by, at)
        self._human("check_proof", task)

    def check(self, by, at: datetime) -> None:
        task = self._complete("check_proof", by, at)
        self._human("approve_check", self._gateway("is_proof_complete", task))

    def approve_check(self, by, at: datetime, *, reclaim: bool) -> None:
        task = self._complete("approve_check", by, at)
        gateway = self._gateway("is_reclaim", self._gateway("is_check_approved", task))
        if reclaim:
            self._human("hear", gateway)
        else:
            self._close(gateway)

    def hear(self, by, at: datetime, deadline: datetime) -> None:
        task = self._complete("hear", by, at)
        answer = self._human("await_answer", task)
        timer = self._add("await_answer__timeout", [answer])
        timer.status, timer.scheduled = STATUS.SCHEDULED, deadline

    def answer(self, by, at: datetime) -> None:
        task = self._complete("await_answer", by, at)
        timer = self._open("await_answer__timeout")
        timer.status, timer.finished = STATUS.CANCELED, self._now()
        self._human("decide_revocation", task)

    def propose_revocation(self, by, at: datetime) -> None:
        task = self._complete("decide_revocation", by, at)
        self._human("approve_revocation", self._gateway("is_dropped", task))

    def approve_revocation(self, by, at: datetime) -> None:
        task = self._complete("approve_revocation", by, at)
        self._human("await_repayment", self._gateway("is_revoked", task))

    def _close(self, previous) -> None:
        close = self._done(self._add("close", [previous]), started=True)
        end = self._done(self._add("end", [close]), started=True)
        self.status, self.finished = PROCESS.DONE, end.finished


class PaymentTrace(ProcessTrace):
    """The Task rows of one PaymentProcess, as `PaymentFlow` leaves them."""

    flow = "payment"

    def request(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("request", []), started=True)
        self._human("certify", start)

    def certify(self, by, at: datetime, *, certified: bool) -> None:
        task = self._complete("certify", by, at)
        gateway = self._gateway("is_certified", task)
        if certified:
            self._human("release", gateway)
        else:
            self._tell(gateway)

    def release(self, by, at: datetime) -> None:
        """Released, or refused by the second person: either way the organisation is told and the process ends."""
        self._tell(self._complete("release", by, at))

    def _tell(self, previous) -> None:
        told = self._done(self._add("tell_decided", [previous]), started=True)
        end = self._done(self._add("end", [told]), started=True)
        self.status, self.finished = PROCESS.DONE, end.finished


@dataclass
class GrantPlan:
    app: dict
    decision: dict
    state: str
    opened: datetime
    trace: GrantTrace
    final_on: date | None = None
    lines: list = field(default_factory=list)  # (category, description, amount)
    payments: list = field(default_factory=list)  # dicts
    appeal: tuple | None = None
    proof: dict | None = None
    check: dict | None = None
    claim: dict | None = None
    closed_at: datetime | None = None
    retain_until: date | None = None


def iban_for(number: int) -> str:
    """A German IBAN with valid check digits (bank code 29050101, Sparkasse Bremen; a made-up account)."""
    bban = f"29050101{number % 10**10:010d}"
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


class GrantPlanner:
    """Plans the grants of one batch's approved applications and writes their rows after the applications'."""

    def __init__(self, batch):
        self.batch = batch
        self.g = batch.g
        self.r = batch.g.grant_rng
        self.plans: list[GrantPlan] = []

    # -- planning (before the application rows are written: delivery marks the letter and the application) --
    def plan(self) -> None:
        for app in self.batch.apps:
            decision = app["decisions"][-1] if app["decisions"] else None
            if not decision or decision["outcome"] != "approve" or "letter" not in decision:
                continue
            self._plan(app, decision)

    def _plan(self, app: dict, decision: dict) -> None:
        g, r = self.g, self.r
        letter = decision["letter"]
        opened = letter["created"]
        trace = GrantTrace()
        trace.open(opened)
        plan = GrantPlan(app, decision, "awaiting", opened, trace)
        plan.lines = [(c, d, money(q * p)) for c, d, q, p in app["lines"]]
        self.plans.append(plan)
        today = local_date(g.now)
        wanted = g.grant_coverage[0] if g.grant_coverage else None
        if wanted == ("awaiting", ()):
            g.grant_coverage.pop(0)
            return
        representatives = app["organisation"].representatives
        if wanted and not any(p.id == getattr(letter["by"], "id", None) for p in representatives):
            # A coverage grant: its letter is retrieved by a representative a few hours after it was issued.
            at = min(opened + timedelta(hours=r.uniform(2, 48)), g.now - timedelta(minutes=5))
            letter.update(downloaded=at, by=r.choice(representatives))
            self._event(app, "downloaded", at, letter["by"])
        downloaded = letter["downloaded"]
        # Retrieval by a representative delivers the letter the next day (the organisation consented at submission).
        if downloaded is None or not any(p.id == letter["by"].id for p in representatives):
            return
        app["consent"] = True
        letter["delivered"] = local_date(downloaded) + timedelta(days=1)
        final_on = final_from(letter["delivered"])
        if wanted and wanted[0] != "appealed" and final_on > today:
            return  # too young for the state wanted: the next grant takes it
        if wanted:
            g.grant_coverage.pop(0)
        if (wanted and wanted[0] == "appealed") or (not wanted and r.random() < 0.03):
            lodged = min(letter["delivered"] + timedelta(days=r.randrange(3, 25)), today)
            plan.state = "appealed"
            plan.appeal = (lodged, g.staff_for(app["call"].programme, "clerk"))
            self._event(app, "appeal_lodged", _at_nine(lodged), plan.appeal[1])
            return
        if final_on > today:
            return
        plan.final_on = final_on
        final_at = datetime.combine(final_on, time(3), tzinfo=BERLIN)  # the hourly job, at night
        trace.final(final_at)
        self._event(app, "grant_final", final_at)
        if wanted:
            plan.state, pattern = wanted
        else:
            weights = dict(GRANT_WEIGHTS)
            if app["period_end"] + timedelta(days=30) > today:  # the project still runs: no proof of use yet
                weights = {"running": 1}
            plan.state = r.choices(list(weights), list(weights.values()))[0]
            pattern = r.choice(PAYMENT_PATTERNS)
        if plan.state == "running":
            self._payments(plan, pattern, final_at)
        else:
            self._payments(plan, ("paid",), final_at, whole=True)
            self._proof(plan)

    def _event(self, app: dict, kind: str, at: datetime, actor=None, note: str = "") -> None:
        self.batch._event(app, kind, min(at, self.g.now - timedelta(minutes=1)), actor, note)

    # -- payments --
    def _payments(self, plan: GrantPlan, statuses: tuple, start: datetime, *, whole: bool = False) -> None:
        g, r = self.g, self.r
        app, amount = plan.app, plan.decision["amount"]
        programme = app["call"].programme
        left = amount
        at = start
        latest = g.now - timedelta(minutes=30)
        for number, status in enumerate(statuses, start=1):
            last = number == len(statuses)
            part = left if whole or last and status != "refused" else money(amount * Decimal(r.uniform(0.2, 0.5)))
            part = max(min(part, left), CENT)
            at = min(at + timedelta(hours=r.uniform(12, 400)), latest - timedelta(hours=len(statuses) - number + 1))
            representative = r.choice(app["organisation"].representatives)
            needed = min(
                max(local_date(at), app["period_start"]) + timedelta(days=r.randrange(3, 35)), app["period_end"]
            )
            payment = {
                "number": number,
                "amount": part,
                "purpose": r.choice(PAYMENT_PURPOSES),
                "needed_on": needed,
                "status": status,
                "requested_by": representative,
                "requested_at": at,
                "certified_by": None,
                "certified_at": None,
                "released_by": None,
                "released_at": None,
                "paid_on": None,
                "note": "",
                "trace": PaymentTrace(),
            }
            trace = payment["trace"]
            trace.request(at)
            self._event(app, "pay_requested", at, representative, f"{formats.number_format(part, 2)} EUR")
            if status != "requested":
                clerk = g.staff_for(programme, "clerk")
                at = min(at + timedelta(hours=r.uniform(2, 72)), latest)
                if status == "refused":
                    payment["note"] = r.choice(REFUSAL_NOTES)
                    trace.certify(clerk.id, at, certified=False)
                    self._event(app, "pay_refused", at, clerk, payment["note"])
                else:
                    payment.update(certified_by=clerk, certified_at=at)
                    trace.certify(clerk.id, at, certified=True)
                    self._event(app, "pay_certified", at, clerk, f"#{number}")
            if status in ("released", "paid"):
                officer = g.staff_for(programme, "payment officer")
                at = min(at + timedelta(hours=r.uniform(1, 48)), latest)
                payment.update(released_by=officer, released_at=at)
                trace.release(officer.id, at)
                self._event(app, "pay_released", at, officer, f"{formats.number_format(part, 2)} EUR")
                if status == "paid":
                    paid_on = min(local_date(at) + timedelta(days=r.randrange(1, 4)), local_date(latest))
                    payment["paid_on"] = paid_on
                    self._event(app, "pay_paid", _at_nine(paid_on), officer, f"{formats.number_format(part, 2)} EUR")
            if status != "refused":
                left -= part
            plan.payments.append(payment)

    # -- proof of use, check, reclaim --
    def _proof(self, plan: GrantPlan) -> None:
        g, r = self.g, self.r
        app, trace = plan.app, plan.trace
        programme = app["call"].programme
        today = local_date(g.now)
        latest = g.now - timedelta(minutes=20)
        last_paid = max(_at_nine(p["paid_on"]) for p in plan.payments)
        submitted = min(max(_at_nine(app["period_end"] + timedelta(days=r.randrange(10, 150))), last_paid), latest)
        representative = r.choice(app["organisation"].representatives)
        reclaim = plan.state in ("hearing", "revoked")
        actual = [money(amount * Decimal(r.uniform(0.55, 0.8))) if reclaim else amount for _, _, amount in plan.lines]
        for _ in range(5):  # spent so much less that the grant on the actual figures falls below what was paid
            if not reclaim or self._recalculated(plan, actual) < plan.decision["amount"]:
                break
            actual = [money(spent * Decimal("0.6")) for spent in actual]
        else:
            plan.state, reclaim = "closed", False  # a plan the method never lowers: the check confirms it
        plan.proof = {
            "due_on": app["period_end"] + timedelta(days=183),
            "status": "submitted",
            "actual": actual,
            "submitted_at": submitted,
            "submitted_by": representative,
            "own": app["own_funds"],
            "third": app["third"],
            "receipts": self._receipts(plan, actual),
        }
        trace.submit_proof(representative.id, submitted)
        if plan.state == "proof_submitted":
            return
        clerk = g.staff_for(programme, "clerk")
        checked = min(submitted + timedelta(hours=r.uniform(24, 600)), latest)
        grant_on_actual = self._recalculated(plan, actual)
        balance = grant_on_actual - plan.decision["amount"]
        plan.check = {
            "memo": r.choice(CHECK_MEMOS),
            "recalculated": grant_on_actual,
            "paid": plan.decision["amount"],
            "balance": balance,
            "result": "to_reclaim" if balance < 0 else "confirmed",
            "status": "proposed",
            "checked_by": clerk,
            "checked_at": checked,
            "approved_by": None,
            "approved_at": None,
        }
        trace.check(clerk.id, checked)
        self._event(app, "proof_checked", checked, clerk)
        if plan.state == "check_proposed":
            return
        approver = g.staff_for(programme, "approver", exclude={clerk.id})
        approved = min(checked + timedelta(hours=r.uniform(2, 120)), latest)
        plan.check.update(status="approved", approved_by=approver, approved_at=approved)
        plan.proof["status"] = "checked"
        plan.retain_until = add_months(local_date(approved), 12 * 5)  # five years after the check
        trace.approve_check(approver.id, approved, reclaim=reclaim)
        self._event(app, "proof_approved", approved, approver)
        if not reclaim:
            plan.closed_at = approved + timedelta(milliseconds=50)
            self._event(app, "grant_closed", plan.closed_at)
            return
        hearing_at = min(approved + timedelta(hours=r.uniform(24, 240)), latest)
        deadline = local_date(hearing_at) + timedelta(days=21)
        if plan.state == "hearing":
            deadline = max(deadline, today + timedelta(days=r.randrange(3, 21)))  # still open today
        plan.claim = {
            "amount": -balance,
            "known_on": local_date(approved),
            "deadline": deadline,
            "sent_by": clerk,
            "sent_at": hearing_at,
            "answer": "",
            "answered_at": None,
            "answered_by": None,
            "status": "hearing",
        }
        from applications.deadlines import last_moment_of

        trace.hear(clerk.id, hearing_at, last_moment_of(deadline))
        self._event(app, "hearing", hearing_at, clerk)
        if plan.state == "hearing":
            return
        answered = min(hearing_at + timedelta(hours=r.uniform(24, 240)), latest)
        proposed = min(answered + timedelta(hours=r.uniform(2, 120)), latest)
        decided = min(proposed + timedelta(hours=r.uniform(2, 72)), latest)
        approver = g.staff_for(programme, "approver", exclude={clerk.id})
        plan.claim.update(
            answer=HEARING_ANSWER,
            answered_at=answered,
            answered_by=representative,
            status="decided",
            proposed_by=clerk,
            proposed_at=proposed,
            approved_by=approver,
            approved_at=decided,
            effective_on=max(p["paid_on"] for p in plan.payments),
            repay_by=local_date(decided) + timedelta(days=30),
        )
        trace.answer(representative.id, answered)
        trace.propose_revocation(clerk.id, proposed)
        trace.approve_revocation(approver.id, decided)
        self._event(app, "hearing_answered", answered, representative)
        self._event(app, "revoke_proposed", proposed, clerk)
        self._event(app, "revoked", decided, approver)

    def _recalculated(self, plan: GrantPlan, actual: list[Decimal]) -> Decimal:
        """The grant on the actual figures by the programme's method (as `grants.recalculation` computes it)."""
        programme, amount = plan.app["call"].programme, plan.decision["amount"]
        total = sum(actual, Decimal("0.00"))
        if programme.method == "festbetrag":
            return min(amount, total)
        if programme.method == "anteil":
            return min(amount, (total * programme.share_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP))
        if programme.method == "voll":
            return min(amount, total - plan.app["third"])
        return min(amount, max(total - plan.app["own_funds"] - plan.app["third"], Decimal("0.00")))

    def _receipts(self, plan: GrantPlan, actual: list[Decimal]) -> list[tuple]:
        r = self.r
        receipts = []
        start = plan.app["period_start"]
        days = max((plan.app["period_end"] - start).days, 1)
        for line_index, spent in enumerate(actual):
            count = r.randrange(1, 5)
            parts = [money(spent / count)] * (count - 1)
            parts.append(spent - sum(parts, Decimal("0.00")))
            for part in parts:
                if part <= 0:
                    continue
                category, description, _amount = plan.lines[line_index]
                day = start + timedelta(days=r.randrange(days))
                receipts.append((line_index, day, r.choice(PAYEES), description, part))
        return receipts

    # -- writing (after the applications, decisions and funding processes of the batch) --
    def write(self, app_ids: list[int]) -> None:
        from grants.models import (
            Appeal,
            Claim,
            Grant,
            PaymentRequest,
            PlanLine,
            PlanVersion,
            ProofCheck,
            ProofLine,
            ProofOfUse,
            Receipt,
        )
        from organisations.models import BankAccount
        from workflow.flows.grant import GrantFlow, PaymentFlow
        from workflow.models import GrantProcess, PaymentProcess

        if not self.plans:
            return
        g, w = self.g, self.g.writer
        plans = self.plans
        with translation.override("de"):
            note = translation.gettext("As approved in the decision of %(date)s.")
            notes = [
                note % {"date": formats.date_format(local_date(p.decision["approved_at"]), "SHORT_DATE_FORMAT")}
                for p in plans
            ]

        # The organisation's account, given before its first payment request.
        accounts = []
        for plan in plans:
            organisation = plan.app["organisation"]
            if plan.payments and organisation.id not in g.accounts:
                first = plan.payments[0]
                g.accounts[organisation.id] = iban_for(organisation.id)
                given = first["requested_at"] - timedelta(hours=self.r.uniform(1, 200))
                holder = organisation.name[:70] if organisation.legal_form != "informal" else first["requested_by"].name
                accounts.append(
                    (
                        organisation.id,
                        holder,
                        g.accounts[organisation.id],
                        first["requested_by"].id,
                        first["requested_by"].name,
                        given,
                    )
                )
        w.write(
            w.table(BankAccount, ["organisation", "holder", "iban", "changed_by", "changed_by_name", "changed_at"]),
            accounts,
        )

        grant_ids = w.reserve(Grant, len(plans))
        status_of = {
            "awaiting": "awaiting_finality",
            "appealed": "appealed",
            "running": "running",
            "proof_submitted": "running",
            "check_proposed": "running",
            "hearing": "reclaim",
            "revoked": "reclaim",
            "closed": "closed",
        }
        rows = []
        for pk, plan in zip(grant_ids, plans, strict=True):
            app, d, programme = plan.app, plan.decision, plan.app["call"].programme
            rows.append(
                (
                    pk,
                    app_ids[app["index"]],
                    d["id"],
                    app["organisation"].id,
                    programme.id,
                    d["amount"],
                    programme.method,
                    programme.share_percent,
                    programme.fixed_amount,
                    app["costs"],
                    app["own_funds"],
                    app["third"],
                    d["period_start"],
                    d["period_end"],
                    6,
                    status_of[plan.state],
                    plan.opened,
                    plan.final_on,
                    plan.closed_at,
                    plan.retain_until,
                )
            )
        w.write(
            w.table(
                Grant,
                [
                    "id",
                    "application",
                    "decision",
                    "organisation",
                    "programme",
                    "amount",
                    "financing_method",
                    "share_percent",
                    "fixed_amount",
                    "eligible_costs",
                    "own_funds",
                    "third_party_funds",
                    "period_start",
                    "period_end",
                    "payment_period_weeks",
                    "status",
                    "opened_at",
                    "final_on",
                    "closed_at",
                    "retain_until",
                ],
            ),
            rows,
        )
        version_ids = w.reserve(PlanVersion, len(plans))
        w.write(
            w.table(
                PlanVersion,
                [
                    "id",
                    "grant",
                    "number",
                    "eligible_costs",
                    "own_funds",
                    "third_party_funds",
                    "amount",
                    "valid_from",
                    "note",
                ],
            ),
            [
                (
                    pk,
                    grant_id,
                    1,
                    p.app["costs"],
                    p.app["own_funds"],
                    p.app["third"],
                    p.decision["amount"],
                    p.opened,
                    text,
                )
                for pk, grant_id, p, text in zip(version_ids, grant_ids, plans, notes, strict=True)
            ],
        )
        line_ids = w.reserve(PlanLine, sum(len(p.lines) for p in plans))
        line_rows, line_id_of = [], {}
        offset = 0
        for version_id, plan in zip(version_ids, plans, strict=True):
            for position, (category, description, amount) in enumerate(plan.lines, start=1):
                line_id_of[(id(plan), position - 1)] = line_ids[offset]
                line_rows.append((line_ids[offset], version_id, position, category, description, amount))
                offset += 1
        w.write(w.table(PlanLine, ["id", "version", "position", "category", "description", "amount"]), line_rows)
        w.write(
            w.table(Appeal, ["grant", "kind", "lodged_on", "outcome", "recorded_by", "recorded_at"]),
            [
                (grant_id, "action", p.appeal[0], "pending", p.appeal[1].id, min(_at_nine(p.appeal[0]), g.now))
                for grant_id, p in zip(grant_ids, plans, strict=True)
                if p.appeal
            ],
        )

        # Payment requests and their processes.
        payments = [(grant_id, p, pay) for grant_id, p in zip(grant_ids, plans, strict=True) for pay in p.payments]
        payment_ids = w.reserve(PaymentRequest, len(payments))
        w.write(
            w.table(
                PaymentRequest,
                [
                    "id",
                    "grant",
                    "number",
                    "amount",
                    "purpose",
                    "needed_on",
                    "status",
                    "requested_by",
                    "requested_at",
                    "certified_by",
                    "certified_at",
                    "released_by",
                    "released_at",
                    "paid_on",
                    "note",
                    "payee_holder",
                    "payee_iban",
                ],
            ),
            [
                (
                    pk,
                    grant_id,
                    pay["number"],
                    pay["amount"],
                    pay["purpose"],
                    pay["needed_on"],
                    pay["status"],
                    pay["requested_by"].id,
                    pay["requested_at"],
                    pay["certified_by"].id if pay["certified_by"] else None,
                    pay["certified_at"],
                    pay["released_by"].id if pay["released_by"] else None,
                    pay["released_at"],
                    pay["paid_on"],
                    pay["note"],
                    (p.app["organisation"].name[:70] if pay["released_by"] else ""),
                    g.accounts[p.app["organisation"].id] if pay["released_by"] else "",
                )
                for pk, (grant_id, p, pay) in zip(payment_ids, payments, strict=True)
            ],
        )
        process_ids = self.batch.write_processes(PaymentFlow, [pay["trace"] for _, _, pay in payments])
        w.write(
            w.table(PaymentProcess, ["process_ptr", "payment", "call", "programme", "organisation"]),
            [
                (pk, payment_id, p.app["call"].id, p.app["call"].programme.id, p.app["organisation"].id)
                for pk, payment_id, (_, p, _) in zip(process_ids, payment_ids, payments, strict=True)
            ],
        )
        process_ids = self.batch.write_processes(GrantFlow, [p.trace for p in plans])
        w.write(
            w.table(GrantProcess, ["process_ptr", "grant", "call", "programme", "organisation"]),
            [
                (pk, grant_id, p.app["call"].id, p.app["call"].programme.id, p.app["organisation"].id)
                for pk, grant_id, p in zip(process_ids, grant_ids, plans, strict=True)
            ],
        )

        # Proofs of use, their checks and claims.
        proofs = [(grant_id, p) for grant_id, p in zip(grant_ids, plans, strict=True) if p.proof]
        proof_ids = w.reserve(ProofOfUse, len(proofs))
        w.write(
            w.table(
                ProofOfUse,
                [
                    "id",
                    "grant",
                    "kind",
                    "due_on",
                    "status",
                    "report",
                    "purpose_achieved",
                    "actual_own_funds",
                    "actual_third_party_funds",
                    "created",
                    "updated",
                    "submitted_at",
                    "submitted_by",
                ],
            ),
            [
                (
                    pk,
                    grant_id,
                    "final",
                    p.proof["due_on"],
                    p.proof["status"],
                    PROOF_REPORT,
                    True,
                    p.proof["own"],
                    p.proof["third"],
                    p.proof["submitted_at"] - timedelta(days=3),
                    p.proof["submitted_at"],
                    p.proof["submitted_at"],
                    p.proof["submitted_by"].id,
                )
                for pk, (grant_id, p) in zip(proof_ids, proofs, strict=True)
            ],
        )
        w.write(
            w.table(ProofLine, ["proof", "plan_line", "actual"]),
            [
                (pk, line_id_of[(id(p), index)], spent)
                for pk, (_, p) in zip(proof_ids, proofs, strict=True)
                for index, spent in enumerate(p.proof["actual"])
            ],
        )
        w.write(
            w.table(Receipt, ["proof", "position", "date", "payee", "purpose", "amount", "plan_line"]),
            [
                (pk, position, day, payee, purpose, amount, line_id_of[(id(p), index)])
                for pk, (_, p) in zip(proof_ids, proofs, strict=True)
                for position, (index, day, payee, purpose, amount) in enumerate(p.proof["receipts"], start=1)
            ],
        )
        checks = [(pk, p) for pk, (_, p) in zip(proof_ids, proofs, strict=True) if p.check]
        check_ids = w.reserve(ProofCheck, len(checks))
        w.write(
            w.table(
                ProofCheck,
                [
                    "id",
                    "proof",
                    "version",
                    *CHECK_FIELDS,
                    "memo",
                    "sample_seed",
                    "sample_note",
                    "recalculated_grant",
                    "paid",
                    "balance",
                    "result",
                    "explanation",
                    "status",
                    "checked_by",
                    "checked_at",
                    "approved_by",
                    "approved_at",
                ],
            ),
            [
                (
                    check_id,
                    proof_id,
                    1,
                    *(True for _ in CHECK_FIELDS),
                    c["memo"],
                    "",
                    "",
                    c["recalculated"],
                    c["paid"],
                    c["balance"],
                    c["result"],
                    EXPLANATION,
                    c["status"],
                    c["checked_by"].id,
                    c["checked_at"],
                    c["approved_by"].id if c["approved_by"] else None,
                    c["approved_at"],
                )
                for check_id, (proof_id, p) in zip(check_ids, checks, strict=True)
                for c in [p.check]
            ],
        )
        check_of = {id(p): check_id for check_id, (_, p) in zip(check_ids, checks, strict=True)}
        w.write(
            w.table(
                Claim,
                [
                    "grant",
                    "proof_check",
                    "status",
                    "amount",
                    "known_on",
                    "hearing_text",
                    "hearing_deadline",
                    "hearing_sent_by",
                    "hearing_sent_at",
                    "answer",
                    "answered_at",
                    "answered_by",
                    "scope",
                    "ground",
                    "revoked_amount",
                    "reasons",
                    "weighing",
                    "effective_on",
                    "proposed_by",
                    "proposed_at",
                    "approved_by",
                    "approved_at",
                    "repay_by",
                ],
            ),
            [
                (
                    grant_id,
                    check_of[id(p)],
                    c["status"],
                    c["amount"],
                    c["known_on"],
                    HEARING_TEXT,
                    c["deadline"],
                    c["sent_by"].id,
                    c["sent_at"],
                    c["answer"],
                    c["answered_at"],
                    c["answered_by"].id if c["answered_by"] else None,
                    *(
                        (
                            "partial",
                            "recalculation",
                            c["amount"],
                            REVOCATION_REASONS,
                            REVOCATION_WEIGHING,
                            c["effective_on"],
                            c["proposed_by"].id,
                            c["proposed_at"],
                            c["approved_by"].id,
                            c["approved_at"],
                            c["repay_by"],
                        )
                        if c["status"] == "decided"
                        else ("", "", None, "", "", None, None, None, None, None, None)
                    ),
                )
                for grant_id, p in zip(grant_ids, plans, strict=True)
                if p.claim
                for c in [p.claim]
            ],
        )


PROOF_REPORT = "Das Projekt wurde durchgeführt; die Treffen fanden regelmäßig statt und erreichten die Zielgruppe."
EXPLANATION = "Neu berechnet nach der Finanzierungsart des Bescheids auf den tatsächlichen Ausgaben und Einnahmen."
CHECK_FIELDS = ("check_in_time", "check_report", "check_figures", "check_sample", "check_plan", "check_funds")
