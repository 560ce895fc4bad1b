"""The grants of generated approvals, in every state of their life after the decision.

For each approval with a letter: the grant with its plan version 1 and its `GrantProcess`; how it became final (the
appeal period, a waiver, or an appeal that ended) or the appeal still pending; the draft of the proof of use that
finality opens; payment requests with their `PaymentProcess` in every state; changes reported with their
`ChangeProcess` (noted, refused, open, or amended with plan version 2 and its letter); interim proofs of use; and for
a share of the grants the final proof of use, its check (with missing items requested or the check sent back on the
way), and money reclaimed: the hearing, the revocation, repayments until the claim is settled, or the claim dropped;
the letters after the decision (hearing, revocation, amendment, closing) with their delivery receipts.

Planned per batch of applications, next to them (see `demo.generate.Batch.write`), with the same row writer. Every
row is what the services leave at that step (`grants.services`, `.proofs`, `.checks`, `.claims`, `.changes`,
`.letters`): the same columns, the same history entries with their notes in German, the figures computed by the same
pure functions (recalculation, receipt sample, interest). The process rows mirror what `workflow.flows.grant` and
`workflow.flows.change` leave; tests/test_generate_data.py runs the real flows next to the traces and compares them.
What is left out: the messages to the organisation (the generator writes no outbox rows at all).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import formats, translation
from django.utils.translation import gettext
from viewflow.workflow.status import PROCESS, STATUS

from applications.deadlines import last_moment_of
from applications.formatting import format_money
from demo.generate import BERLIN, CENT, ProcessTrace, local_date, money, placeholder_pdf
from grants.finality import add_months, appeal_period_end, final_from

ZERO = Decimal("0.00")

# Where a generated grant stands today, and how often (percent of final grants whose project has ended).
GRANT_WEIGHTS = {
    "running": 36,  # payment requests in every state; changes reported; interim proofs
    "proof_submitted": 9,  # the proof of use waits for the clerk's check
    "proof_items_requested": 2,  # the clerk asked for missing items: the organisation's turn again
    "check_proposed": 6,  # the check waits for the second person
    "check_sent_back": 1,  # the second person sent the check back: the clerk's turn again
    "to_hear": 1,  # money to reclaim: the hearing is to be sent
    "hearing": 3,  # the organisation may answer until the deadline
    "to_decide": 1,  # answered (or the deadline passed): revoke or drop
    "revocation_proposed": 1,
    "revoked": 3,  # revocation decided, no repayment yet
    "repaying": 2,  # repaid in part
    "repaid": 3,  # settled with interest: closed
    "dropped": 1,  # the answer to the hearing explained it: closed
    "closed": 20,  # confirmed by the check: closed
}
RECLAIM_STATES = {"to_hear", "hearing", "to_decide", "revocation_proposed", "revoked", "repaying", "repaid", "dropped"}
# How a grant became final (percent): the appeal period ran out, the organisation waived the appeal, or an appeal
# was lodged and ended. Besides, 3 % of the delivered decisions have an appeal pending.
FINALITY_WEIGHTS = {"period": 82, "waiver": 12, "appeal": 6}
APPEAL_OUTCOMES = {"dismissed": 50, "withdrawn": 35, "upheld": 15}
# Changes reported (percent of running grants; grants further on only had noted or refused ones).
CHANGE_WEIGHTS = {None: 87, "noted": 5, "amended": 3, "refused": 1, "reported": 2, "proposed": 2}
LATER_CHANGE_WEIGHTS = {None: 94, "noted": 5, "refused": 1}

# The first grants take these states, payment patterns and paths, so every step exists even in a small data set.
# Options: "final" (period, waiver, appeal) with "outcome" of the appeal; "change"; "interim" (a submitted interim
# proof); "items" (missing items requested, then sent again); "sent_back" (the first check sent back);
# "timeout" (the hearing's deadline passed without an answer).
GRANT_COVERAGE = [
    ("awaiting", (), {}),
    ("appealed", (), {}),
    ("running", ("paid", "requested"), {"final": "waiver", "change": "noted"}),
    ("running", ("refused", "certified"), {"final": "appeal", "outcome": "dismissed", "change": "amended:period"}),
    ("running", ("released",), {"change": "reported"}),
    ("closed", (), {}),
    ("revoked", (), {}),
    ("proof_submitted", (), {}),
    ("check_proposed", (), {}),
    ("hearing", (), {}),
    ("repaid", (), {"partial": 1}),
    ("dropped", (), {}),
    ("repaying", (), {"partial": 1}),
    ("proof_items_requested", (), {}),
    ("check_sent_back", (), {}),
    ("to_decide", (), {"timeout": True}),
    ("revocation_proposed", (), {}),
    ("to_hear", (), {}),
    ("running", ("paid",), {"final": "appeal", "outcome": "withdrawn", "change": "proposed:period"}),
    ("running", (), {"final": "appeal", "outcome": "upheld", "change": "refused"}),
    ("closed", (), {"items": True, "sent_back": True}),
    ("to_decide", (), {}),
    ("running", ("paid",), {"interim": True}),
]
# The payment requests of a running grant: the status of each in order (the earlier ones are done), and how often.
# Released payments are paid within a day or two, so few wait for the finance office at any time.
PAYMENT_PATTERNS = {
    (): 10,
    ("requested",): 8,
    ("certified",): 6,
    ("paid", "requested"): 10,
    ("paid", "certified"): 6,
    ("released",): 1,
    ("paid", "released"): 1,
    ("paid",): 20,
    ("paid", "paid"): 15,
    ("refused", "paid"): 5,
    ("paid", "refused", "requested"): 3,
}
OPEN_PAYMENT_STATUSES = {"requested", "certified", "released"}
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
ITEMS_MESSAGE = (
    "Bitte reichen Sie die Belege zu den Honoraren nach und ergänzen Sie den Sachbericht um die Teilnahmezahlen."
)
SEND_BACK_COMMENT = "Bitte die Stichprobe noch einmal prüfen: zwei Belege passen nicht zur Position."
HEARING_TEXT = (
    "Die zuwendungsfähigen Ausgaben lagen unter dem Plan; nach ANBest-P Nr. 2 ermäßigt sich die Zuwendung. "
    "Wir beabsichtigen, den Bescheid insoweit zu widerrufen und den Betrag zurückzufordern."
)
HEARING_ANSWER = "Einige Termine sind ausgefallen; wir zahlen den Betrag zurück."
EXPLAINING_ANSWER = "Die fehlenden Ausgaben wurden aus einem zweiten Konto bezahlt; die Belege liegen jetzt bei."
DROP_REASON = "Die Antwort auf die Anhörung erklärt die Abweichung; die nachgereichten Belege decken die Ausgaben."
REVOCATION_REASONS = "Die zuwendungsfähigen Ausgaben lagen unter dem Plan; die Anhörung brachte nichts anderes."
REVOCATION_WEIGHING = (
    "Intendiertes Ermessen: besondere Umstände, die gegen den Widerruf sprechen, sind nicht erkennbar."
)
PROOF_REPORT = "Das Projekt wurde durchgeführt; die Treffen fanden regelmäßig statt und erreichten die Zielgruppe."
INTERIM_REPORT = "Das erste Projektjahr ist wie geplant verlaufen; die Gruppe trifft sich regelmäßig."
PAYEES = ["Honorarkraft", "Bürgerhaus", "Druckerei Weser", "Bäckerei am Markt", "BSAG", "Schreibwaren Nord"]
CHANGE_TEXTS = {
    "costs": "Die Raummiete fiel niedriger aus; wir setzen den Betrag für Material ein.",
    "period": "Zwei Termine mussten wegen Krankheit verschoben werden; wir bitten, den Zeitraum zu verlängern.",
    "other": "Wir möchten statt der Ausflüge ein Sommerfest im Stadtteil veranstalten.",
}
APPEAL_UPHELD_NOTE = (
    "Die Kürzung der Honorare war nicht begründet: Die Sätze entsprechen der Förderrichtlinie. Die Zuwendung wird "
    "entsprechend erhöht."
)
CHANGE_REFUSAL = (
    "Ein Sommerfest ist vom Zuwendungszweck nicht gedeckt; bitte führen Sie das Projekt wie beantragt durch."
)
GRANT_LETTER_TITLES = {
    "amendment": "Änderungsbescheid (Beispiel)",
    "hearing": "Anhörung (Beispiel)",
    "revocation": "Widerrufs- und Erstattungsbescheid (Beispiel)",
    "closing": "Abschlussmitteilung (Beispiel)",
}
CHECK_FIELDS = ("check_in_time", "check_report", "check_figures", "check_sample", "check_plan", "check_funds")


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=BERLIN)


def _hours(low: float, high: float, r) -> timedelta:
    return timedelta(hours=r.uniform(low, high))


def grant_letter_files() -> dict[str, str]:
    """The files the generated letters after the decision point to (one per kind, as for decision letters)."""
    return {
        kind: default_storage.save(
            f"letters/generated/{kind}-beispiel.pdf",
            ContentFile(placeholder_pdf(title, ["Dieses Schreiben gehoert zu generierten Beispieldaten."])),
        )
        for kind, title in GRANT_LETTER_TITLES.items()
    }


def base_rates_until(day: date) -> tuple[tuple, list[date]]:
    """The base rate table, extended to `day` where it lacks the rates of later half-years: each added row carries the
    newest rate forward, as an administrator would enter a rate that did not change. Returns the table and the days
    added. Without them no repayment after the newest rate could be recorded (`grants.claims.repayment_record`)."""
    from grants.interest import base_rate_missing_from, base_rates, rate_change_day_after
    from grants.models import BaseRate

    rates = base_rates()
    added = []
    while rates and base_rate_missing_from(rates, day) is not None:
        valid_from = rate_change_day_after(rates[-1][0])
        BaseRate.objects.create(valid_from=valid_from, rate=rates[-1][1])
        added.append(valid_from)
        rates = (*rates, (valid_from, rates[-1][1]))
    return rates, added


class GrantTrace(ProcessTrace):
    """The Task rows of one GrantProcess, step by step, as `GrantFlow` leaves them."""

    flow = "grant"

    def open(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("open", []), started=True)
        self._add("become_final", [start])  # waits for the end of the appeal period (a Handle)

    def final(self, at: datetime) -> None:
        """The decision is final (the hourly job, a waiver or the end of an appeal runs the handle)."""
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

    def request_items(self, by, at: datetime) -> None:
        """The clerk asks for missing items: the proof goes back to the organisation."""
        task = self._complete("check_proof", by, at)
        self._human("submit_proof", self._gateway("is_proof_complete", task))

    def approve_check(self, by, at: datetime, *, reclaim: bool, approved: bool = True) -> None:
        task = self._complete("approve_check", by, at)
        gateway = self._gateway("is_check_approved", task)
        if not approved:  # sent back to the clerk
            self._human("check_proof", gateway)
            return
        gateway = self._gateway("is_reclaim", gateway)
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

    def hearing_timeout(self, at: datetime) -> None:
        """The hearing's deadline passed without an answer: the timer fires and cancels the organisation's task."""
        self._at(at)
        timer = self._open("await_answer__timeout")
        timer.started = self._now()
        host = self._open("await_answer")
        host.status, host.finished = STATUS.CANCELED, self._now()
        self._done(timer, started=False)
        self._human("decide_revocation", timer)

    def propose_revocation(self, by, at: datetime) -> None:
        task = self._complete("decide_revocation", by, at)
        self._human("approve_revocation", self._gateway("is_dropped", task))

    def drop(self, by, at: datetime) -> None:
        task = self._complete("decide_revocation", by, at)
        self._close(self._gateway("is_dropped", task))

    def approve_revocation(self, by, at: datetime) -> None:
        task = self._complete("approve_revocation", by, at)
        self._human("await_repayment", self._gateway("is_revoked", task))

    def settle(self, by, at: datetime) -> None:
        """The repayment that settles the claim completes the task; the grant is closed."""
        self._close(self._complete("await_repayment", by, at))

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


class ChangeTrace(ProcessTrace):
    """The Task rows of one ChangeProcess, as `ChangeFlow` leaves them."""

    flow = "change"

    def report(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("report", []), started=True)
        self._human("assess", start)

    def assess(self, by, at: datetime, *, proposed: bool) -> None:
        """Noted or refused (the organisation is told, the process ends), or an amendment proposed."""
        task = self._complete("assess", by, at)
        gateway = self._gateway("is_proposed", task)
        if proposed:
            self._human("approve", gateway)
        else:
            self._tell(gateway)

    def approve(self, by, at: datetime) -> None:
        """The amendment approved (or refused by the second person)."""
        self._tell(self._complete("approve", by, at))

    def _tell(self, previous) -> None:
        told = self._done(self._add("tell_decided", [previous]), started=True)
        end = self._done(self._add("end", [told]), started=True)
        self.status, self.finished = PROCESS.DONE, end.finished


class InterimTrace(ProcessTrace):
    """The Task rows of one InterimProofProcess, as `InterimProofFlow` leaves them on submission."""

    flow = "interim"

    def submit(self, at: datetime) -> None:
        self._at(at)
        self.created = self._clock
        start = self._done(self._add("submit", []), started=True)
        self._human("review", start)


@dataclass
class GrantPlan:
    app: dict
    decision: dict
    opened: datetime
    trace: GrantTrace = field(default_factory=GrantTrace)
    state: str = "awaiting"
    amount: Decimal = ZERO
    eligible: Decimal = ZERO
    period_end: date | None = None
    final_on: date | None = None
    final_at: datetime | None = None
    waived_at: datetime | None = None
    waived_by: object = None
    appeal: dict | None = None
    versions: list = field(default_factory=list)  # dicts; "lines": [(category, description, amount)]
    payments: list = field(default_factory=list)  # dicts
    proofs: list = field(default_factory=list)  # dicts, each with its checks
    claim: dict | None = None
    changes: list = field(default_factory=list)  # dicts
    letters: list = field(default_factory=list)  # dicts
    closed_at: datetime | None = None
    retain_until: date | None = None
    partial: int | None = None  # repayments in part before the one that settles (None: chosen at random)

    @property
    def final_proof(self) -> dict | None:
        return next((p for p in self.proofs if p["kind"] == "final"), None)

    @property
    def status(self) -> str:
        if self.state in ("awaiting", "appealed"):
            return {"awaiting": "awaiting_finality", "appealed": "appealed"}[self.state]
        if self.closed_at is not None:
            return "closed"
        if self.claim is not None or (self.state == "to_hear"):
            return "reclaim"
        if self.state == "running":
            return "running"
        return "proof_in_review"


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
        from grants.models import GrantLetterKind, ProofKind

        with translation.override("de"):  # the history's notes, as the German office's services write them
            self.labels = {
                "final": str(ProofKind.FINAL.label),
                "interim": str(ProofKind.INTERIM.label),
                "again": gettext("sent again with the missing items"),
                **{f"letter:{kind.value}": str(kind.label) for kind in GrantLetterKind},
            }
            for app in self.batch.apps:
                decision = app["decisions"][-1] if app["decisions"] else None
                if not decision or decision["outcome"] != "approve" or "letter" not in decision:
                    continue
                self._plan(app, decision)

    def _plan(self, app: dict, decision: dict) -> None:
        g, r = self.g, self.r
        letter = decision["letter"]
        opened = letter["created"]
        plan = GrantPlan(app, decision, opened, amount=decision["amount"], eligible=app["costs"])
        plan.period_end = decision["period_end"]
        plan.trace.open(opened)
        plan.versions.append(
            {
                "number": 1,
                "lines": [(c, d, money(q * p)) for c, d, q, p in app["lines"]],
                "eligible": app["costs"],
                "own": app["own_funds"],
                "third": app["third"],
                "amount": decision["amount"],
                "valid_from": opened,
                "note": None,  # "As approved in the decision of …", written with the rows
            }
        )
        self.plans.append(plan)
        self._event(app, "grant_opened", opened + timedelta(milliseconds=8))
        today = local_date(g.now)
        if g.grant_coverage and g.grant_coverage[0][0] == "awaiting":
            g.grant_coverage.pop(0)
            return
        representatives = app["organisation"].representatives
        if letter["by"] is not None and not any(p.id == letter["by"].id for p in representatives):
            # A member not authorised to receive letters read it: `letter_download_record` notes that, and nothing
            # is delivered.
            self._retitle_download(app, letter, "read_unauthorised", "")
            if g.grant_coverage:
                letter["first"] = (letter["downloaded"], letter["by"])
        if g.grant_coverage and not any(p.id == getattr(letter["by"], "id", None) for p in representatives):
            # A coverage grant: its letter is retrieved by a representative a few hours after it was issued.
            at = min(opened + _hours(2, 48, r), g.now - timedelta(minutes=5))
            if letter.get("first"):
                at = min(max(at, letter["first"][0] + timedelta(minutes=10)), g.now - timedelta(minutes=5))
            letter.update(downloaded=at, by=r.choice(representatives), event=len(self.batch.events))
            self._event(app, "downloaded", at, letter["by"])
        downloaded = letter["downloaded"]
        # Retrieval by a representative delivers the letter the next day (the organisation consented at submission).
        if downloaded is None or not any(p.id == letter["by"].id for p in representatives):
            return
        app["consent"] = True
        letter["delivered"] = local_date(downloaded) + timedelta(days=1)
        note = gettext("Counts as delivered on %(date)s.") % {"date": letter["delivered"].strftime("%d.%m.%Y")}
        self._retitle_download(app, letter, "delivered", note)
        wanted = self._coverage(plan, downloaded, letter["delivered"])
        state, pattern, options = wanted or (None, None, {})
        if state == "appealed" or (state is None and r.random() < 0.03):
            self._appeal_pending(plan, letter["delivered"])
            if wanted:
                g.grant_coverage.remove(wanted)
            return
        how = options.get("final") or (
            "period" if wanted else r.choices(list(FINALITY_WEIGHTS), list(FINALITY_WEIGHTS.values()))[0]
        )
        if not self._final(plan, how, downloaded, letter["delivered"], options.get("outcome")):
            return  # too young to be final: the next grant takes the coverage entry
        if wanted:
            g.grant_coverage.remove(wanted)
        else:
            weights = dict(GRANT_WEIGHTS)
            if app["period_end"] + timedelta(days=30) > today:  # the project still runs: no proof of use yet
                weights = {"running": 1}
            state = r.choices(list(weights), list(weights.values()))[0]
            pattern = r.choices(list(PAYMENT_PATTERNS), list(PAYMENT_PATTERNS.values()))[0]
            change_weights = CHANGE_WEIGHTS if state == "running" else LATER_CHANGE_WEIGHTS
            options = {
                "change": r.choices(list(change_weights), list(change_weights.values()))[0],
                "interim": r.random() < 0.85,
                "items": r.random() < 0.1,
                "sent_back": r.random() < 0.08,
                "timeout": r.random() < 0.3,
            }
        plan.state, plan.partial = state, options.get("partial")
        if state == "running":
            self._payments(plan, pattern, plan.final_at)
            self._change(plan, options.get("change"), until=g.now - timedelta(hours=1))
            if options.get("interim") and len(plan.versions) == 1:
                self._interim(plan, always=bool(wanted))
        else:
            self._payments(plan, ("paid",), plan.final_at, whole=True)
            self._final_proof(plan, options)

    def _coverage(self, plan: GrantPlan, downloaded: datetime, delivered: date):
        """The first coverage entry this grant can take (its dates allow the state and the path), or None."""
        today = local_date(self.g.now)
        ended = plan.app["period_end"]
        for entry in self.g.grant_coverage:
            state, _pattern, options = entry
            if state == "appealed":
                return entry
            how = options.get("final", "period")
            final_at = datetime.combine(final_from(delivered), time(3), tzinfo=BERLIN)
            if how == "period" and final_at > self.g.now - timedelta(hours=1):
                continue
            if how == "appeal" and delivered + timedelta(days=5) > today:
                continue
            if options.get("interim") and not self._interim_possible(plan, final_at):
                continue
            # Reclaims take weeks after the proof of use: a hearing's deadline, then repayments.
            if state in RECLAIM_STATES - {"to_hear", "hearing"} and ended + timedelta(days=120) > today:
                continue
            if state != "running" and ended + timedelta(days=30) > today:
                continue
            return entry
        return None

    def _event(self, app: dict, kind: str, at: datetime, actor=None, note: str = "") -> None:
        self.batch._event(app, kind, min(at, self.g.now - timedelta(minutes=1)), actor, note)

    def _retitle_download(self, app: dict, letter: dict, kind: str, note: str) -> None:
        """What `letter_download_record` records of the newest download: a retrieval by a representative delivers
        the letter ("delivered", with the day); a member not authorised to receive letters only read it."""
        index = letter.get("event")
        app_index, event_kind, at, actor, _note = self.batch.events[index]
        assert app_index == app["index"] and event_kind == "downloaded"
        self.batch.events[index] = (app_index, kind, at, actor, note)

    # -- finality --
    def _appeal_pending(self, plan: GrantPlan, delivered: date) -> None:
        g, r = self.g, self.r
        app = plan.app
        lodged = min(delivered + timedelta(days=r.randrange(3, 25)), local_date(g.now))
        clerk = g.staff_for(app["call"].programme, "clerk")
        plan.state = "appealed"
        plan.appeal = self._appeal(lodged, clerk)
        self._event(app, "appeal_lodged", plan.appeal["recorded_at"], clerk)

    def _appeal(self, lodged: date, clerk) -> dict:
        return {
            "lodged_on": lodged,
            "recorded_by": clerk,
            "recorded_at": min(_at_nine(lodged) + _hours(0, 6, self.r), self.g.now - timedelta(minutes=30)),
            "outcome": "pending",
            "decided_on": None,
        }

    def _final(self, plan: GrantPlan, how: str, downloaded: datetime, delivered: date, outcome: str | None) -> bool:
        """Make the grant final the way asked, if its dates allow; False (and nothing recorded) if not."""
        g, r = self.g, self.r
        app = plan.app
        latest = g.now - timedelta(hours=1)
        today = local_date(g.now)
        period_final = final_from(delivered)
        if how == "waiver":
            # A representative waives the appeal once the letter is delivered, before the period would end anyway.
            waived = min(downloaded + _hours(0.5, 72, r), _at_nine(period_final) - timedelta(hours=12), latest)
            if waived <= downloaded:
                how = "period"
            else:
                person = r.choice(app["organisation"].representatives)
                plan.waived_at, plan.waived_by = waived, person
                self._became_final(plan, waived, local_date(waived))
                self._event(app, "appeal_waived", waived, person)
                self._proof_started(plan)
                return True
        if how == "appeal":
            lodged = delivered + timedelta(days=r.randrange(3, 25))
            lodged = min(lodged, appeal_period_end(delivered), today - timedelta(days=2))
            decided = min(lodged + timedelta(days=r.randrange(14, 150)), today - timedelta(days=1))
            if lodged >= delivered:
                clerk = g.staff_for(app["call"].programme, "clerk")
                appeal = self._appeal(lodged, clerk)
                ended = min(datetime.combine(decided, time(10), tzinfo=BERLIN) + _hours(0, 48, r), latest)
                if ended <= appeal["recorded_at"]:
                    return False
                outcome = outcome or r.choices(list(APPEAL_OUTCOMES), list(APPEAL_OUTCOMES.values()))[0]
                appeal.update(outcome=outcome, decided_on=decided)
                if outcome == "upheld":
                    appeal["note"] = APPEAL_UPHELD_NOTE  # the reasons the office must give
                plan.appeal = appeal
                self._event(app, "appeal_lodged", appeal["recorded_at"], clerk)
                self._became_final(plan, ended, decided)
                ended_by = g.staff_for(app["call"].programme, "clerk")
                self._event(app, "appeal_ended", ended, ended_by, self._outcome(outcome))
                self._proof_started(plan)
                if outcome == "upheld":
                    self._appeal_change(plan, ended + timedelta(milliseconds=10), ended_by)
                return True
            how = "period"
        final_at = datetime.combine(period_final, time(3), tzinfo=BERLIN)  # the hourly job, at night
        if final_at > latest:
            return False
        self._became_final(plan, final_at, period_final)
        self._event(app, "grant_final", final_at)
        self._proof_started(plan)
        return True

    def _appeal_change(self, plan: GrantPlan, at: datetime, by) -> None:
        """An upheld appeal opens the amendment that remedies it (`appeal_change_open`), waiting for the clerk."""
        change = {
            "kind": "appeal",
            "description": plan.appeal["note"],
            "new_period_end": None,
            "status": "reported",
            "reported_by": by,
            "reported_at": at,
            "proposed_amount": None,
            "proposed_by": None,
            "proposed_at": None,
            "approved_by": None,
            "approved_at": None,
            "decided_by": None,
            "decided_at": None,
            "note": "",
            "version": len(plan.versions) - 1,
            "lines": [],
            "amended": None,
            "appeal": plan.appeal,
            "trace": ChangeTrace(),
        }
        change["trace"].report(at)
        plan.changes.append(change)

    def _outcome(self, outcome: str) -> str:
        from grants.models import AppealOutcome

        return str(AppealOutcome(outcome).label)

    def _became_final(self, plan: GrantPlan, at: datetime, final_on: date) -> None:
        plan.state, plan.final_on, plan.final_at = "running", final_on, at
        plan.trace.final(at)

    def _proof_started(self, plan: GrantPlan) -> None:
        """Finality opens the draft of the final proof of use (`proof_open` in the flow's "tell" step)."""
        from django.conf import settings

        at = plan.final_at + timedelta(milliseconds=5)
        plan.proofs.append(self._draft("final", add_months(plan.period_end, settings.PROOF_OF_USE_MONTHS), at))
        self._event(plan.app, "proof_started", at, None, self.labels["final"])

    def _draft(self, kind: str, due_on: date, at: datetime) -> dict:
        return {
            "kind": kind,
            "due_on": due_on,
            "status": "draft",
            "version": 0,  # the plan version its lines belong to (the newest when it was opened)
            "report": "",
            "purpose_achieved": None,
            "own": None,
            "third": None,
            "actual": None,  # per plan line; None: 0 EUR each
            "receipts": [],
            "created": at,
            "updated": at,
            "submitted_at": None,
            "submitted_by": None,
            "checks": [],
            "trace": None,  # an interim proof's review process, once submitted
        }

    # -- payments --
    def _payments(self, plan: GrantPlan, statuses: tuple, start: datetime, *, whole: bool = False) -> None:
        g, r = self.g, self.r
        app, amount = plan.app, plan.amount
        programme = app["call"].programme
        left = amount
        at = start
        latest = g.now - timedelta(minutes=30)
        for number, status in enumerate(statuses, start=1):
            last = number == len(statuses)
            part = left if whole or last and status != "refused" else money(amount * Decimal(r.uniform(0.2, 0.5)))
            part = max(min(part, left), CENT)
            at = min(at + _hours(12, 400, r), latest - timedelta(hours=len(statuses) - number + 1))
            if last and status in OPEN_PAYMENT_STATUSES:
                # A request still with the office came in recently (it decides within days, and a released payment
                # is paid within a day or two).
                ago = timedelta(days=r.uniform(0.5, 2) if status == "released" else r.uniform(1, 12))
                at = max(at, min(g.now - ago, latest - timedelta(hours=2)))
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
            self._event(app, "pay_requested", at, representative, f"{format_money(part)} EUR")
            if status != "requested":
                clerk = g.staff_for(programme, "clerk")
                at = min(at + _hours(2, 72 if not last else 30, r), latest)
                if status == "refused":
                    payment["note"] = r.choice(REFUSAL_NOTES)
                    trace.certify(clerk.id, at, certified=False)
                    self._event(app, "pay_refused", at, clerk, payment["note"])
                else:
                    payment.update(certified_by=clerk, certified_at=at)
                    trace.certify(clerk.id, at, certified=True)
                    self._event(app, "pay_certified", at, clerk, f"#{number}")
            if status in ("released", "paid"):
                officer = g.staff_for(programme, "payment officer", exclude={payment["certified_by"].id})
                at = min(at + _hours(1, 48, r), latest)
                payment.update(released_by=officer, released_at=at)
                trace.release(officer.id, at)
                self._event(app, "pay_released", at, officer, f"{format_money(part)} EUR")
                if status == "paid":
                    paid_on = min(local_date(at) + timedelta(days=r.randrange(1, 4)), local_date(latest))
                    payment["paid_on"] = paid_on
                    marked = min(_at_nine(paid_on) + _hours(0, 8, r), latest)
                    self._event(app, "pay_paid", marked, officer, f"{format_money(part)} EUR")
            if status != "refused":
                left -= part
            plan.payments.append(payment)

    def _paid(self, plan: GrantPlan) -> Decimal:
        return sum((p["amount"] for p in plan.payments if p["status"] == "paid"), ZERO)

    # -- changes (ANBest-P Nr. 5) --
    def _change(self, plan: GrantPlan, kind: str | None, *, until: datetime) -> None:
        g, r = self.g, self.r
        if not kind or plan.final_at is None:
            return
        kind, _colon, what = kind.partition(":")  # "amended:period": the kind of change asked for, too
        app, programme = plan.app, plan.app["call"].programme
        if kind in ("reported", "proposed"):  # still with the office: reported recently
            reported = g.now - timedelta(days=r.uniform(1, 10))
        else:
            reported = plan.final_at + timedelta(days=r.uniform(5, 90))
            reported = min(reported, _at_nine(app["period_end"]), until - timedelta(days=2))
        if reported <= plan.final_at + timedelta(hours=1):
            return
        version = plan.versions[-1]
        lines = [amount for _category, _description, amount in version["lines"]]
        representative = r.choice(app["organisation"].representatives)
        change = {
            "kind": "costs",
            "new_period_end": None,
            "status": "reported",
            "reported_by": representative,
            "reported_at": reported,
            "proposed_amount": None,
            "proposed_by": None,
            "proposed_at": None,
            "approved_by": None,
            "approved_at": None,
            "decided_by": None,
            "decided_at": None,
            "note": "",
            "version": len(plan.versions) - 1,
            "lines": [],  # (line index, new amount) of the lines that change
            "amended": None,  # index of the plan version the amendment made
            "trace": ChangeTrace(),
        }
        beyond = kind in ("proposed", "amended")
        if kind == "refused":
            change["kind"] = "other"
        elif beyond and (what == "period" or len(lines) < 2 or r.random() < 0.6):
            change["kind"] = "period"
            change["new_period_end"] = plan.period_end + timedelta(days=r.randrange(30, 120))
        else:
            change["lines"] = self._shifted(lines, beyond=beyond)
        change["description"] = CHANGE_TEXTS[change["kind"]]
        plan.changes.append(change)
        trace = change["trace"]
        trace.report(reported)
        if kind == "reported":
            return
        clerk = g.staff_for(programme, "clerk")
        assessed = min(reported + _hours(2, 200 if not beyond else 60, r), until)
        if kind in ("noted", "refused"):
            change.update(status=kind, decided_by=clerk, decided_at=assessed)
            if kind == "refused":
                change["note"] = CHANGE_REFUSAL
            trace.assess(clerk.id, assessed, proposed=False)
            return
        change.update(status="proposed", proposed_amount=plan.amount, proposed_by=clerk, proposed_at=assessed)
        trace.assess(clerk.id, assessed, proposed=True)
        if kind == "proposed":
            return
        approver = g.staff_for(programme, "approver", exclude={clerk.id})
        approved = min(assessed + _hours(2, 120, r), until)
        self._amend(plan, change, approver, approved)
        trace.approve(approver.id, approved)

    def _shifted(self, lines: list[Decimal], *, beyond: bool) -> list[tuple[int, Decimal]]:
        """New amounts for two lines (the total unchanged), within the 20 % a line may move (ANBest-P Nr. 1.2) or
        beyond it; a single line is lowered by a tenth instead."""
        r = self.r
        if len(lines) < 2:
            return [(0, money(lines[0] * Decimal("0.9")))]
        first, second = r.sample(range(len(lines)), 2)
        low = min(lines[first], lines[second])
        shift = money(low * Decimal(r.uniform(0.3, 0.5) if beyond else r.uniform(0.05, 0.18)))
        if shift <= 0:
            return [(first, money(lines[first] * Decimal("0.9")))]
        return [(first, lines[first] - shift), (second, lines[second] + shift)]

    def _amend(self, plan: GrantPlan, change: dict, approver, at: datetime) -> None:
        """`change_approve`: plan version N+1, the grant's new figures and period, the amendment letter; drafts of
        the proof of use follow the new plan."""
        previous = plan.versions[-1]
        new = dict(change["lines"])
        lines = [(c, d, new.get(index, amount)) for index, (c, d, amount) in enumerate(previous["lines"])]
        eligible = sum((amount for _c, _d, amount in lines), ZERO)
        plan.versions.append(
            {
                "number": len(plan.versions) + 1,
                "lines": lines,
                "eligible": eligible,
                "own": previous["own"],
                "third": previous["third"],
                "amount": change["proposed_amount"],
                "valid_from": at,
                "note": change["description"],
            }
        )
        for proof in plan.proofs:
            if proof["status"] in ("draft", "items_requested"):
                proof["version"] = len(plan.versions) - 1
        previous_amount, previous_end = plan.amount, plan.period_end
        plan.amount, plan.eligible = change["proposed_amount"], eligible
        plan.period_end = change["new_period_end"] or plan.period_end
        change.update(
            status="amended",
            approved_by=approver,
            approved_at=at,
            decided_by=approver,
            decided_at=at,
            amended=len(plan.versions) - 1,
        )
        version = plan.versions[-1]
        self._letter(
            plan,
            "amendment",
            at,
            {
                "signed_by": approver.name,
                "contact": change["proposed_by"].name,
                "amount": plan.amount,
                "previous_amount": previous_amount,
                "period_start": plan.decision["period_start"],
                "period_end": plan.period_end,
                "previous_period_end": previous_end,
                "plan_version": version["number"],
                "eligible_costs": eligible,
                "own_funds": version["own"],
                "third_party_funds": version["third"],
                "lines": [
                    {"position": index, "description": d, "previous": old, "amount": new.get(index - 1, old)}
                    for index, (_c, d, old) in enumerate(previous["lines"], start=1)
                ],
                "reported_on": local_date(change["reported_at"]),
                "reasons": change["description"],
            },
        )

    # -- proofs of use --
    def _interim_possible(self, plan: GrantPlan, final_at: datetime) -> bool:
        """Whether the project runs past a year's end that lies, with the time to write the interim proof, between
        finality and today."""
        start, end = plan.decision["period_start"], plan.decision["period_end"]
        first = _at_nine(date(start.year + 1, 1, 2))
        return start.year < end.year and max(first, final_at) < self.g.now - timedelta(days=30)

    def _interim(self, plan: GrantPlan, *, always: bool) -> None:
        """Interim proofs (Zwischennachweis) for each year's end the project runs past: opened by a member after the
        year's end, submitted by a representative, which starts the office's review (`InterimProofFlow`)."""
        from django.conf import settings

        g, r = self.g, self.r
        app = plan.app
        latest = g.now - timedelta(hours=1)
        for year in range(plan.decision["period_start"].year, plan.period_end.year):
            year_end = date(year, 12, 31)
            opened = max(plan.final_at + timedelta(hours=2), _at_nine(year_end + timedelta(days=2)))
            opened += timedelta(days=r.uniform(0, 20))
            submitted = opened + timedelta(days=r.uniform(1, 25))
            if always:
                submitted = min(submitted, latest)
                opened = min(opened, submitted - timedelta(hours=1))
            if opened > latest or opened <= plan.final_at:
                return
            proof = self._draft("interim", add_months(year_end, settings.INTERIM_PROOF_MONTHS), opened)
            plan.proofs.append(proof)
            self._event(app, "proof_started", opened, None, self.labels["interim"])
            if submitted > latest or (not always and r.random() < 0.15):
                return  # still being written
            share = Decimal(r.uniform(0.3, 0.6))
            actual = [money(amount * share) for _c, _d, amount in plan.versions[0]["lines"]]
            first_day = max(plan.decision["period_start"], date(year, 1, 1))
            representative = r.choice(app["organisation"].representatives)
            proof.update(
                status="submitted",
                report=INTERIM_REPORT,
                purpose_achieved=True,
                own=money(app["own_funds"] * share),
                third=money(app["third"] * share),
                actual=actual,
                receipts=self._receipts(plan.versions[0], actual, first_day, year_end),
                submitted_at=submitted,
                submitted_by=representative,
                updated=submitted,
            )
            self._event(app, "proof_submitted", submitted, representative, self.labels["interim"])
            proof["trace"] = InterimTrace()  # the office's review starts with the submission
            proof["trace"].submit(submitted)
            if always:
                return  # one is enough to show

    def _final_proof(self, plan: GrantPlan, options: dict) -> None:
        g, r = self.g, self.r
        app, trace, state = plan.app, plan.trace, plan.state
        programme = app["call"].programme
        latest = g.now - timedelta(minutes=20)
        last_paid = max(_at_nine(p["paid_on"]) for p in plan.payments)
        submitted = _at_nine(app["period_end"] + timedelta(days=r.randrange(10, 150)))
        submitted = min(max(submitted, last_paid + timedelta(hours=2)), latest)
        self._change(plan, options.get("change"), until=submitted - timedelta(days=1))
        proof = plan.final_proof
        version = plan.versions[-1]
        reclaim = state in RECLAIM_STATES
        planned = [amount for _c, _d, amount in version["lines"]]
        actual = [money(amount * Decimal(r.uniform(0.55, 0.8))) for amount in planned] if reclaim else planned
        proof.update(own=app["own_funds"], third=app["third"], actual=actual)
        for _ in range(6):  # spent so much less that the grant on the actual figures falls below what was paid
            if not reclaim or self._recalculation(plan, proof).status == "to_reclaim":
                break
            actual = [money(spent * Decimal("0.6")) for spent in actual]
            proof["actual"] = actual
        else:
            plan.state = state = "closed"  # a plan the method never lowers: the check confirms it
            reclaim = False
            proof["actual"] = actual = planned
        last_receipt = min(app["period_end"], local_date(submitted))
        first_receipt = min(app["period_start"], last_receipt)
        representative = r.choice(app["organisation"].representatives)
        proof.update(
            status="submitted",
            report=PROOF_REPORT,
            purpose_achieved=True,
            receipts=self._receipts(version, actual, first_receipt, last_receipt),
            submitted_at=submitted,
            submitted_by=representative,
            updated=submitted,
        )
        trace.submit_proof(representative.id, submitted)
        self._event(app, "proof_submitted", submitted, representative, self.labels["final"])
        if state == "proof_items_requested" or options.get("items"):
            clerk = g.staff_for(programme, "clerk")
            requested = min(submitted + _hours(24, 400, r), latest)
            proof.update(status="items_requested", updated=requested)
            trace.request_items(clerk.id, requested)
            self._event(app, "proof_items", requested, clerk, ITEMS_MESSAGE)
            if state == "proof_items_requested":
                return
            submitted = min(requested + _hours(24, 400, r), latest)
            representative = r.choice(app["organisation"].representatives)
            proof.update(status="submitted", submitted_at=submitted, submitted_by=representative, updated=submitted)
            trace.submit_proof(representative.id, submitted)
            note = f"{self.labels['final']} – {self.labels['again']}"
            self._event(app, "proof_submitted", submitted, representative, note)
        if state == "proof_submitted":
            return
        recalculation = self._recalculation(plan, proof)
        clerk = g.staff_for(programme, "clerk")
        checked = min(submitted + _hours(24, 600, r), latest)
        check = self._propose_check(plan, proof, clerk, checked, recalculation)
        if state == "check_sent_back" or options.get("sent_back"):
            approver = g.staff_for(programme, "approver", exclude={clerk.id})
            sent_back = min(checked + _hours(2, 120, r), latest)
            check.update(status="sent_back", approver_comment=SEND_BACK_COMMENT)
            trace.approve_check(approver.id, sent_back, reclaim=False, approved=False)
            if state == "check_sent_back":
                return
            clerk = g.staff_for(programme, "clerk")
            checked = min(sent_back + _hours(2, 120, r), latest)
            check = self._propose_check(plan, proof, clerk, checked, recalculation)
        if state == "check_proposed":
            return
        approver = g.staff_for(programme, "approver", exclude={clerk.id})
        approved = min(checked + _hours(2, 120, r), latest)
        check.update(status="approved", approved_by=approver, approved_at=approved)
        proof.update(status="checked", updated=approved)
        plan.retain_until = add_months(local_date(approved), 12 * programme.retention_years)
        trace.approve_check(approver.id, approved, reclaim=reclaim)
        self._event(app, "proof_approved", approved, approver, self._result(check["result"]))
        if not reclaim:
            self._close(plan, approved + timedelta(milliseconds=40))
            return
        self._reclaim(plan, check, options)

    def _recalculation(self, plan: GrantPlan, proof: dict):
        """`grants.checks.recalculation_for`: the grant on the actual figures by the method fixed at approval."""
        from applications.financing import FinancingTerms
        from grants.recalculation import PlanLine as RecalculationLine
        from grants.recalculation import recalculate_grant

        programme = plan.app["call"].programme
        version = plan.versions[-1]
        return recalculate_grant(
            terms=FinancingTerms(
                method=programme.method,
                max_amount=plan.amount,
                share_percent=programme.share_percent,
                fixed_amount=programme.fixed_amount,
            ),
            approved_grant=version["amount"],
            plan_lines=[
                RecalculationLine(key=str(index), label=description, planned=amount)
                for index, (_c, description, amount) in enumerate(version["lines"])
            ],
            actual_costs={str(index): spent for index, spent in enumerate(proof["actual"])},
            actual_own_funds=proof["own"] or ZERO,
            actual_third_party_funds=proof["third"] or ZERO,
            paid=self._paid(plan),
        )

    def _result(self, result: str) -> str:
        from grants.models import CheckResult

        return str(CheckResult(result).label)

    def _propose_check(self, plan: GrantPlan, proof: dict, clerk, at: datetime, recalculation) -> dict:
        """`proof_check_propose`: the checklist, the memo, the recalculation and the interest on money used late; the
        receipt sample is drawn when the rows are written (it needs the receipts' ids)."""
        from grants.interest import BaseRateMissing, UsePeriod, late_use_interest

        result = recalculation.status
        payments = [(p["paid_on"], p["amount"]) for p in plan.payments if p["status"] == "paid"]
        late = ZERO
        if payments:
            try:
                spending = [(day, amount) for _line, day, _payee, _purpose, amount in proof["receipts"]]
                rates = self.g.base_rates
                late = late_use_interest(payments, spending, UsePeriod(weeks=6), local_date(at), rates).total
            except BaseRateMissing:
                late = ZERO
        check = {
            "version": len(proof["checks"]) + 1,
            "memo": self.r.choice(CHECK_MEMOS),
            "recalculated": recalculation.grant,
            "paid": recalculation.paid,
            "balance": -recalculation.balance if result == "to_reclaim" else recalculation.balance,
            "result": result,
            "explanation": "\n".join(recalculation.explanation),
            "late_use_interest": late,
            "status": "proposed",
            "checked_by": clerk,
            "checked_at": at,
            "approved_by": None,
            "approved_at": None,
            "approver_comment": "",
        }
        proof["checks"].append(check)
        plan.trace.check(clerk.id, at)
        self._event(plan.app, "proof_checked", at, clerk, self._result(result))
        return check

    def _receipts(self, version: dict, actual: list[Decimal], first: date, last: date) -> list[tuple]:
        """The receipt list: each line's actual costs in one to four receipts, dated within [first, last]."""
        r = self.r
        receipts = []
        days = max((last - first).days, 0)
        for line_index, spent in enumerate(actual):
            count = r.randrange(1, 5)
            parts = [money(spent / count)] * (count - 1)
            parts.append(spent - sum(parts, ZERO))
            for part in parts:
                if part <= 0:
                    continue
                _category, description, _amount = version["lines"][line_index]
                day = first + timedelta(days=r.randrange(days + 1))
                receipts.append((line_index, day, r.choice(PAYEES), description, part))
        return receipts

    # -- reclaim (§§ 28, 48/49, 49a VwVfG) --
    def _reclaim(self, plan: GrantPlan, check: dict, options: dict) -> None:
        g, r = self.g, self.r
        app, trace, state = plan.app, plan.trace, plan.state
        programme = app["call"].programme
        if state == "to_hear":
            return
        latest = g.now - timedelta(minutes=15)
        today = local_date(g.now)
        approved = check["approved_at"]
        amount = -check["balance"]
        clerk = g.staff_for(programme, "clerk")
        hearing_at = min(approved + _hours(24, 240, r), latest)
        deadline = local_date(hearing_at) + timedelta(days=21)
        if state == "hearing":
            deadline = max(deadline, today + timedelta(days=r.randrange(3, 21)))  # still open today
        timeout = options.get("timeout") and last_moment_of(deadline) + timedelta(hours=1) < latest
        claim = {
            "amount": amount,
            "known_on": local_date(approved),
            "deadline": deadline,
            "sent_by": clerk,
            "sent_at": hearing_at,
            "answer": "",
            "answered_at": None,
            "answered_by": None,
            "status": "hearing",
            "scope": "",
            "ground": "",
            "revoked_amount": None,
            "reasons": "",
            "weighing": "",
            "effective_on": None,
            "proposed_by": None,
            "proposed_at": None,
            "approved_by": None,
            "approved_at": None,
            "repay_by": None,
            "settled_on": None,
            "repayments": [],  # (received_on, amount, recorded_by, recorded_at)
        }
        plan.claim = claim
        trace.hear(clerk.id, hearing_at, last_moment_of(deadline))
        self._event(app, "hearing", hearing_at, clerk, f"{format_money(amount)} EUR")
        self._letter(plan, "hearing", hearing_at, self._hearing_context(plan, claim, check))
        if state == "hearing":
            return
        if timeout:
            fired = last_moment_of(deadline) + timedelta(minutes=r.uniform(1, 50))  # the timers' job
            trace.hearing_timeout(fired)
            ready = fired
        else:
            representative = r.choice(app["organisation"].representatives)
            answered = min(hearing_at + _hours(24, 240, r), last_moment_of(deadline) - timedelta(hours=1), latest)
            answer = EXPLAINING_ANSWER if state == "dropped" else HEARING_ANSWER
            claim.update(answer=answer, answered_at=answered, answered_by=representative, status="to_decide")
            trace.answer(representative.id, answered)
            self._event(app, "hearing_answered", answered, representative)
            ready = answered
        if state == "to_decide":
            return
        decided = min(ready + _hours(2, 120, r), latest)
        if state == "dropped":
            claim.update(status="dropped", reasons=DROP_REASON)
            trace.drop(clerk.id, decided)
            self._event(app, "claim_dropped", decided, clerk, DROP_REASON)
            self._close(plan, decided + timedelta(milliseconds=40))
            return
        effective = max(p["paid_on"] for p in plan.payments if p["paid_on"])
        claim.update(
            status="proposed",
            scope="partial" if amount < plan.amount else "full",
            ground="recalculation",
            revoked_amount=amount,
            reasons=REVOCATION_REASONS,
            weighing=REVOCATION_WEIGHING,
            effective_on=effective,
            repay_by=local_date(decided) + timedelta(days=30),
            proposed_by=clerk,
            proposed_at=decided,
        )
        trace.propose_revocation(clerk.id, decided)
        self._event(app, "revoke_proposed", decided, clerk, f"{format_money(amount)} EUR")
        if state == "revocation_proposed":
            return
        approver = g.staff_for(programme, "approver", exclude={clerk.id})
        revoked = min(decided + _hours(2, 72, r), latest)
        claim.update(status="decided", approved_by=approver, approved_at=revoked)
        claim["repay_by"] = max(claim["repay_by"], local_date(revoked))
        trace.approve_revocation(approver.id, revoked)
        self._event(app, "revoked", revoked, approver, f"{format_money(amount)} EUR")
        self._letter(plan, "revocation", revoked, lambda reference: self._revocation_context(plan, claim, reference))
        if state == "revoked":
            return
        self._repayments(plan, claim, revoked)

    def _repayments(self, plan: GrantPlan, claim: dict, revoked: datetime) -> None:
        """Repayments received (`repayment_record`): in part, or until principal and interest are settled, which
        completes the step and closes the grant."""
        from grants.interest import claim_balance

        g, r = self.g, self.r
        app = plan.app
        officer = g.staff_for(app["call"].programme, "payment officer")
        latest = g.now - timedelta(minutes=10)
        today = local_date(latest)
        principal, effective = claim["amount"], claim["effective_on"]
        partial = (
            plan.partial if plan.partial is not None else r.choice([1, 2] if plan.state == "repaying" else [0, 0, 1])
        )
        day = local_date(revoked)
        for number in range(partial + (plan.state == "repaid")):
            day = min(day + timedelta(days=r.randrange(3, 40)), today)
            recorded = min(datetime.combine(day, time(11), tzinfo=BERLIN) + _hours(0, 30, r), latest)
            recorded = max(recorded, revoked + timedelta(minutes=5))
            if recorded > latest:
                break
            settles = number == partial
            if settles:
                earlier = [(received, paid) for received, paid, *_rest in claim["repayments"]]
                owed = claim_balance(principal, effective, earlier, day, g.base_rates)
                amount = owed.total
            else:
                amount = money(principal * Decimal(r.uniform(0.15, 0.4)))
            claim["repayments"].append((day, amount, officer, recorded))
            self._event(app, "repaid", recorded, officer, f"{format_money(amount)} EUR")
            if settles:
                claim.update(status="settled", settled_on=day)
                plan.trace.settle(officer.id, recorded)
                self._close(plan, recorded + timedelta(milliseconds=40))
        if plan.state == "repaid" and claim["status"] != "settled":
            plan.state = "repaying" if claim["repayments"] else "revoked"

    # -- closing and letters --
    def _close(self, plan: GrantPlan, at: datetime) -> None:
        """`grant_close`: the grant is closed and the closing notice issued."""
        plan.closed_at = at
        self._event(plan.app, "grant_closed", at)
        proof = plan.final_proof
        check = proof["checks"][-1]
        context = {
            "final_amount": check["recalculated"],
            "paid": self._paid(plan),
            "result": check["result"],
            "retain_until": plan.retain_until,
            "grant_amount": plan.amount,
            "checked_on": local_date(check["approved_at"]),
        }
        if check["balance"] > 0:
            context["still_to_pay"] = check["balance"]
        context["proof_received_on"] = local_date(proof["submitted_at"])
        self._letter(plan, "closing", at + timedelta(milliseconds=5), context)

    def _lines(self, plan: GrantPlan) -> list[dict]:
        proof = plan.final_proof
        version = plan.versions[proof["version"]]
        return [
            {"position": position, "description": description, "planned": amount, "actual": spent}
            for position, ((_c, description, amount), spent) in enumerate(
                zip(version["lines"], proof["actual"], strict=True), start=1
            )
        ]

    def _hearing_context(self, plan: GrantPlan, claim: dict, check: dict) -> dict:
        return {
            "scope": "full" if claim["amount"] >= plan.amount else "partial",
            "revoked_amount": claim["amount"],
            "amount": claim["amount"],
            "facts": HEARING_TEXT,
            "answer_by": claim["deadline"],
            "grant_amount": plan.amount,
            "paid": self._paid(plan),
            "lines": self._lines(plan),
            "signed_by": claim["sent_by"].name,
            "recalculated_grant": check["recalculated"],
        }

    def _revocation_context(self, plan: GrantPlan, claim: dict, reference: str) -> dict:
        context = {
            "scope": claim["scope"],
            "ground": claim["ground"],
            "revoked_amount": claim["revoked_amount"],
            "effective_on": claim["effective_on"],
            "amount": claim["amount"],
            "repay_by": claim["repay_by"],
            "facts": claim["reasons"],
            "weighing": claim["weighing"],
            "known_on": claim["known_on"],
            "signed_by": claim["approved_by"].name,
            "grant_amount": plan.amount,
            "lines": self._lines(plan),
            "hearing_sent_on": local_date(claim["sent_at"]),
            "answer_by": claim["deadline"],
            "revocation_deadline": add_months(claim["known_on"], 12),
            "payment_reference": f"{reference} Erstattung",
        }
        if claim["answer"]:
            context["answer"] = claim["answer"]
            context["answered_on"] = local_date(claim["answered_at"])
        return context

    def _letter(self, plan: GrantPlan, kind: str, at: datetime, context) -> None:
        """`grant_letter_issue`: the next letter of its kind, rendered by the worker seconds later; a representative
        retrieves most letters within days, which delivers them the day after."""
        g, r = self.g, self.r
        number = sum(1 for letter in plan.letters if letter["kind"] == kind) + 1
        letter = {
            "kind": kind,
            "number": number,
            "created": at,
            "context": context,
            "rendered_at": min(at + timedelta(seconds=r.uniform(1, 30)), g.now),
            "retrieved_at": None,
            "retrieved_by": None,
            "delivered_at": None,
        }
        plan.letters.append(letter)
        label = self.labels[f"letter:{kind}"]
        self._event(plan.app, "letter", at, None, label)
        retrieved = at + _hours(2, 200, r)
        if r.random() < 0.75 and retrieved < g.now - timedelta(minutes=5):
            person = r.choice(plan.app["organisation"].representatives)
            delivered = local_date(retrieved) + timedelta(days=1)
            letter.update(retrieved_at=retrieved, retrieved_by=person, delivered_at=delivered)
            note = gettext("%(letter)s: counts as delivered on %(date)s.") % {
                "letter": label,
                "date": delivered.strftime("%d.%m.%Y"),
            }
            self._event(plan.app, "delivered", retrieved, person, note)

    # -- writing (after the applications, decisions and funding processes of the batch) --
    def write(self, app_ids: list[int]) -> None:
        if not self.plans:
            return
        with translation.override("de"):
            self._write(app_ids)

    def _write(self, app_ids: list[int]) -> None:
        from grants.models import Appeal, Grant, PaymentRequest, PlanLine, PlanVersion
        from organisations.models import BankAccount
        from workflow.flows.grant import GrantFlow, PaymentFlow
        from workflow.models import GrantProcess, PaymentProcess

        g, w = self.g, self.g.writer
        plans = self.plans
        note = gettext("As approved in the decision of %(date)s.")
        for plan in plans:
            approved = formats.date_format(local_date(plan.decision["approved_at"]), "SHORT_DATE_FORMAT")
            plan.versions[0]["note"] = note % {"date": approved}

        # The organisation's account, given before its first payment request.
        accounts = []
        for plan in plans:
            organisation = plan.app["organisation"]
            if plan.payments and organisation.id not in g.accounts:
                first = plan.payments[0]
                g.accounts[organisation.id] = iban_for(organisation.id)
                given = first["requested_at"] - _hours(1, 200, self.r)
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
        for grant_id, plan in zip(grant_ids, plans, strict=True):
            plan.grant_id = grant_id
            plan.reference = _reference(plan.app, app_ids[plan.app["index"]])
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
                    "waived_at",
                    "waived_by",
                    "closed_at",
                    "retain_until",
                ],
            ),
            [
                (
                    p.grant_id,
                    app_ids[p.app["index"]],
                    p.decision["id"],
                    p.app["organisation"].id,
                    p.app["call"].programme.id,
                    p.amount,
                    p.app["call"].programme.method,
                    p.app["call"].programme.share_percent,
                    p.app["call"].programme.fixed_amount,
                    p.eligible,
                    p.app["own_funds"],
                    p.app["third"],
                    p.decision["period_start"],
                    p.period_end,
                    6,
                    p.status,
                    p.opened,
                    p.final_on,
                    p.waived_at,
                    p.waived_by.id if p.waived_by else None,
                    p.closed_at,
                    p.retain_until,
                )
                for p in plans
            ],
        )
        versions = [(p, v) for p in plans for v in p.versions]
        version_ids = w.reserve(PlanVersion, len(versions))
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
                (pk, p.grant_id, v["number"], v["eligible"], v["own"], v["third"], v["amount"], v["valid_from"])
                + (v["note"],)
                for pk, (p, v) in zip(version_ids, versions, strict=True)
            ],
        )
        for pk, (_p, v) in zip(version_ids, versions, strict=True):
            v["id"] = pk
        line_ids = iter(w.reserve(PlanLine, sum(len(v["lines"]) for _p, v in versions)))
        line_rows = []
        for _p, v in versions:
            v["line_ids"] = []
            for position, (category, description, amount) in enumerate(v["lines"], start=1):
                pk = next(line_ids)
                v["line_ids"].append(pk)
                line_rows.append((pk, v["id"], position, category, description, amount))
        w.write(w.table(PlanLine, ["id", "version", "position", "category", "description", "amount"]), line_rows)
        appealed = [p for p in plans if p.appeal]
        for p, pk in zip(appealed, w.reserve(Appeal, len(appealed)), strict=True):
            p.appeal["id"] = pk
        w.write(
            w.table(
                Appeal,
                ["id", "grant", "kind", "lodged_on", "outcome", "decided_on", "note", "recorded_by", "recorded_at"],
            ),
            [
                (
                    p.appeal["id"],
                    p.grant_id,
                    "action",
                    p.appeal["lodged_on"],
                    p.appeal["outcome"],
                    p.appeal["decided_on"],
                    p.appeal.get("note", ""),
                    p.appeal["recorded_by"].id,
                    p.appeal["recorded_at"],
                )
                for p in appealed
            ],
        )

        # Payment requests and their processes.
        payments = [(p, pay) for p in plans for pay in p.payments]
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
                    p.grant_id,
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
                for pk, (p, pay) in zip(payment_ids, payments, strict=True)
            ],
        )
        process_ids = self.batch.write_processes(PaymentFlow, [pay["trace"] for _, pay in payments])
        w.write(
            w.table(PaymentProcess, ["process_ptr", "payment", "call", "programme", "organisation"]),
            [
                (pk, payment_id, *_scope(p))
                for pk, payment_id, (p, _) in zip(process_ids, payment_ids, payments, strict=True)
            ],
        )
        process_ids = self.batch.write_processes(GrantFlow, [p.trace for p in plans])
        w.write(
            w.table(GrantProcess, ["process_ptr", "grant", "call", "programme", "organisation"]),
            [(pk, p.grant_id, *_scope(p)) for pk, p in zip(process_ids, plans, strict=True)],
        )
        self._write_changes()
        self._write_proofs()
        self._write_claims()
        self._write_letters()

    def _write_changes(self) -> None:
        from grants.models import ChangeLine, ChangeReport
        from workflow.flows.change import ChangeFlow
        from workflow.models import ChangeProcess

        w = self.g.writer
        changes = [(p, c) for p in self.plans for c in p.changes]
        report_ids = w.reserve(ChangeReport, len(changes))
        w.write(
            w.table(
                ChangeReport,
                [
                    "id",
                    "grant",
                    "kind",
                    "description",
                    "new_period_end",
                    "status",
                    "reported_by",
                    "reported_at",
                    "proposed_amount",
                    "proposed_by",
                    "proposed_at",
                    "approved_by",
                    "approved_at",
                    "decided_by",
                    "decided_at",
                    "note",
                    "plan_version",
                    "appeal",
                ],
            ),
            [
                (
                    pk,
                    p.grant_id,
                    c["kind"],
                    c["description"],
                    c["new_period_end"],
                    c["status"],
                    c["reported_by"].id,
                    c["reported_at"],
                    c["proposed_amount"],
                    _id(c["proposed_by"]),
                    c["proposed_at"],
                    _id(c["approved_by"]),
                    c["approved_at"],
                    _id(c["decided_by"]),
                    c["decided_at"],
                    c["note"],
                    p.versions[c["amended"]]["id"] if c["amended"] is not None else None,
                    c["appeal"]["id"] if c.get("appeal") else None,
                )
                for pk, (p, c) in zip(report_ids, changes, strict=True)
            ],
        )
        w.write(
            w.table(ChangeLine, ["report", "plan_line", "amount"]),
            [
                (pk, p.versions[c["version"]]["line_ids"][index], amount)
                for pk, (p, c) in zip(report_ids, changes, strict=True)
                for index, amount in c["lines"]
            ],
        )
        process_ids = self.batch.write_processes(ChangeFlow, [c["trace"] for _p, c in changes])
        w.write(
            w.table(ChangeProcess, ["process_ptr", "report", "call", "programme", "organisation"]),
            [
                (pk, report_id, *_scope(p))
                for pk, report_id, (p, _c) in zip(process_ids, report_ids, changes, strict=True)
            ],
        )

    def _write_proofs(self) -> None:
        from grants.checks import sample_seed
        from grants.models import ProofCheck, ProofLine, ProofOfUse, Receipt
        from grants.sampling import pick_sample
        from workflow.flows.grant import InterimProofFlow
        from workflow.models import InterimProofProcess

        w = self.g.writer
        proofs = [(p, proof) for p in self.plans for proof in p.proofs]
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
                    p.grant_id,
                    proof["kind"],
                    proof["due_on"],
                    proof["status"],
                    proof["report"],
                    proof["purpose_achieved"],
                    proof["own"],
                    proof["third"],
                    proof["created"],
                    proof["updated"],
                    proof["submitted_at"],
                    _id(proof["submitted_by"]),
                )
                for pk, (p, proof) in zip(proof_ids, proofs, strict=True)
            ],
        )
        lines, receipts = [], []
        for proof_id, (p, proof) in zip(proof_ids, proofs, strict=True):
            proof["id"] = proof_id
            line_ids = p.versions[proof["version"]]["line_ids"]
            actual = proof["actual"] or [ZERO] * len(line_ids)
            lines.extend((proof_id, line_id, spent) for line_id, spent in zip(line_ids, actual, strict=True))
            receipts.extend((proof, p, line_ids, receipt) for receipt in proof["receipts"])
        w.write(w.table(ProofLine, ["proof", "plan_line", "actual"]), lines)
        reviewed = [(p, proof) for p, proof in proofs if proof["trace"] is not None]
        process_ids = self.batch.write_processes(InterimProofFlow, [proof["trace"] for _p, proof in reviewed])
        w.write(
            w.table(InterimProofProcess, ["process_ptr", "proof", "call", "programme", "organisation"]),
            [(pk, proof["id"], *_scope(p)) for pk, (p, proof) in zip(process_ids, reviewed, strict=True)],
        )
        receipt_ids = w.reserve(Receipt, len(receipts))
        # The sample of the newest check (`proof_check_propose` marks it; sending the check back clears it).
        by_proof: dict[int, list] = {}
        for pk, (proof, _p, _line_ids, receipt) in zip(receipt_ids, receipts, strict=True):
            by_proof.setdefault(proof["id"], []).append((pk, receipt[4]))
        in_sample = set()
        for p, proof in proofs:
            for check in proof["checks"]:
                pairs = by_proof.get(proof["id"], [])
                sample = None
                if pairs:
                    seed = sample_seed(_Proof(proof["id"], p.grant_id), check["version"])
                    programme = p.app["call"].programme
                    sample = pick_sample(
                        pairs, percent=programme.sample_percent, always_above=programme.always_checked_from, seed=seed
                    )
                check["sample_seed"] = sample.seed if sample else ""
                check["sample_note"] = sample.method_note if sample else gettext("There were no receipts to sample.")
                if check is proof["checks"][-1] and check["status"] != "sent_back" and sample:
                    in_sample.update(sample.ids)
        w.write(
            w.table(
                Receipt,
                ["id", "proof", "position", "date", "payee", "purpose", "amount", "plan_line", "in_sample"],
            ),
            [
                (pk, proof["id"], position, day, payee, purpose, amount, line_ids[index], pk in in_sample)
                for pk, (proof, _p, line_ids, (index, day, payee, purpose, amount)), position in zip(
                    receipt_ids, receipts, _positions(receipts), strict=True
                )
            ],
        )
        checks = [(proof, check) for _p, proof in proofs for check in proof["checks"]]
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
                    "late_use_interest",
                    "result",
                    "explanation",
                    "status",
                    "checked_by",
                    "checked_at",
                    "approved_by",
                    "approved_at",
                    "approver_comment",
                ],
            ),
            [
                (
                    pk,
                    proof["id"],
                    c["version"],
                    *(True for _ in CHECK_FIELDS),
                    c["memo"],
                    c["sample_seed"],
                    c["sample_note"],
                    c["recalculated"],
                    c["paid"],
                    c["balance"],
                    c["late_use_interest"],
                    c["result"],
                    c["explanation"],
                    c["status"],
                    c["checked_by"].id,
                    c["checked_at"],
                    _id(c["approved_by"]),
                    c["approved_at"],
                    c["approver_comment"],
                )
                for pk, (proof, c) in zip(check_ids, checks, strict=True)
            ],
        )
        for pk, (_proof, c) in zip(check_ids, checks, strict=True):
            c["id"] = pk

    def _write_claims(self) -> None:
        from grants.models import Claim, Repayment

        w = self.g.writer
        claims = [(p, p.claim) for p in self.plans if p.claim]
        claim_ids = w.reserve(Claim, len(claims))
        w.write(
            w.table(
                Claim,
                [
                    "id",
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
                    "settled_on",
                ],
            ),
            [
                (
                    pk,
                    p.grant_id,
                    p.final_proof["checks"][-1]["id"],
                    c["status"],
                    c["amount"],
                    c["known_on"],
                    HEARING_TEXT,
                    c["deadline"],
                    c["sent_by"].id,
                    c["sent_at"],
                    c["answer"],
                    c["answered_at"],
                    _id(c["answered_by"]),
                    c["scope"],
                    c["ground"],
                    c["revoked_amount"],
                    c["reasons"],
                    c["weighing"],
                    c["effective_on"],
                    _id(c["proposed_by"]),
                    c["proposed_at"],
                    _id(c["approved_by"]),
                    c["approved_at"],
                    c["repay_by"],
                    c["settled_on"],
                )
                for pk, (p, c) in zip(claim_ids, claims, strict=True)
            ],
        )
        w.write(
            w.table(Repayment, ["claim", "received_on", "amount", "recorded_by", "recorded_at"]),
            [
                (pk, day, amount, officer.id, recorded)
                for pk, (_p, c) in zip(claim_ids, claims, strict=True)
                for day, amount, officer, recorded in c["repayments"]
            ],
        )

    def _write_letters(self) -> None:
        from grants.letters import _json_safe
        from grants.models import GrantLetter

        g, w = self.g, self.g.writer
        rows = []
        for p in self.plans:
            for letter in p.letters:
                context = letter["context"]
                if callable(context):
                    context = context(p.reference)
                fixed = _json_safe({"issued_on": local_date(letter["created"]), **context})
                rows.append(
                    (
                        p.grant_id,
                        letter["kind"],
                        letter["number"],
                        fixed,
                        g.grant_letter_files[letter["kind"]],
                        letter["created"],
                        letter["rendered_at"],
                        letter["retrieved_at"],
                        _id(letter["retrieved_by"]),
                        letter["delivered_at"],
                    )
                )
        w.write(
            w.table(
                GrantLetter,
                [
                    "grant",
                    "kind",
                    "number",
                    "context",
                    "file",
                    "created",
                    "rendered_at",
                    "retrieved_at",
                    "retrieved_by",
                    "delivered_at",
                ],
            ),
            rows,
        )


@dataclass
class _Proof:
    """What `grants.checks.sample_seed` reads of a proof."""

    pk: int
    grant_id: int


def _id(person) -> int | None:
    return person.id if person is not None else None


def _scope(plan: GrantPlan) -> tuple:
    """The scope keys every process copies from its application: call, programme, organisation."""
    return plan.app["call"].id, plan.app["call"].programme.id, plan.app["organisation"].id


def _reference(app: dict, app_id: int) -> str:
    """`Application.reference`: the year of submission (as the database returns it, in UTC) and the id."""
    from datetime import UTC

    return f"TH-{(app['submitted_at'] or app['created']).astimezone(UTC).year}-{app_id:05d}"


def _positions(receipts: list) -> list[int]:
    """Each receipt's number in its proof's list: 1, 2, 3…"""
    counts: dict[int, int] = {}
    positions = []
    for proof, *_rest in receipts:
        counts[proof["id"]] = counts.get(proof["id"], 0) + 1
        positions.append(counts[proof["id"]])
    return positions
