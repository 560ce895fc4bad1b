"""The generated data set: the sizes asked for, every step of the flows open somewhere, process rows shaped exactly
as a real run of the funding, grant and payment flows leaves them, and usable by the real pages and services."""

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from applications import roles
from applications.deadlines import last_moment_of
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    CostLine,
    Decision,
    DecisionStatus,
    ItemsRequest,
    Programme,
)
from applications.services import (
    decision_send_back,
    items_answer,
    items_deadline_extend,
    items_request_lapse,
    review_declare,
    reviewer_reassign,
)
from demo import generate as generator
from demo import generate_grants as grant_generator
from grants import changes as grants_changes
from grants.checks import proof_check_approve, proof_check_propose, proof_check_send_back, proof_items_request
from grants.claims import claim_approve, claim_drop, claim_hearing, claim_propose_revocation, repayment_record
from grants.finality import final_from
from grants.letters import REQUIRED as REQUIRED_LETTER_KEYS
from grants.letters import grant_letter_render
from grants.models import (
    Appeal,
    AppealOutcome,
    ChangeReport,
    ChangeStatus,
    CheckStatus,
    Claim,
    ClaimStatus,
    Grant,
    GrantLetter,
    GrantLetterKind,
    GrantStatus,
    PaymentRequest,
    PaymentStatus,
    ProofCheck,
    ProofKind,
    ProofOfUse,
    ProofStatus,
)
from grants.services import appeal_record, payment_certify, payment_refuse, payment_release, payments_mark_paid
from organisations.models import BankAccount, Membership, Organisation, User
from tests.factories import ApplicationFactory, UserFactory
from tests.support.grant_fixtures import IBAN, deliver
from tests.support.process import approve, assign, confirm_complete, open_task, propose, review, through_review
from workflow.flows import FundingFlow
from workflow.flows.change import ChangeFlow
from workflow.flows.grant import GrantFlow, InterimProofFlow, PaymentFlow
from workflow.grant_services import (
    appeal_end_and_continue,
    appeal_waive_and_continue,
    claim_answer_and_continue,
    grant_make_final,
    payment_request_and_start,
)
from workflow.models import ChangeProcess, FundingProcess, GrantProcess, InterimProofProcess, PaymentProcess
from workflow.selectors import STAFF_NODES, staff_tasks
from workflow.services import (
    application_cancel_and_end,
    application_submit_and_start,
    application_withdraw_and_end,
    items_request_and_tell,
    task_complete,
)
from workflow.tasks import fire_due_timers

pytestmark = pytest.mark.usefixtures("tasks_in_process")  # they read what the tasks did

SIZES = {"applications": 200, "calls": 5, "organisations": 16}
ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Many people are created here; hashing each password the slow, safe way would only cost time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def generated(db):
    out = StringIO()
    call_command("generate_data", seed=1, stdout=out, **SIZES)
    return out.getvalue()


# -- the shape of a process: what viewflow stored, without ids and times ---------------------------------------


def db_shape(process_id: int, *, owners: bool = True) -> tuple:
    tasks = list(Task.objects.filter(process_id=process_id).order_by("pk"))
    position = {task.pk: index for index, task in enumerate(tasks)}
    previous = defaultdict(list)
    links = Task.previous.through.objects.filter(from_task__process_id=process_id)
    for from_id, to_id in links.values_list("from_task_id", "to_task_id"):
        previous[from_id].append(position[to_id])
    rows = []
    for task in tasks:
        token = task.token.token
        split = re.fullmatch(r"start/(\d+)_(\d+)", token)
        if split:
            token = f"start/#{position[int(split[1])]}_{split[2]}"
        rows.append(
            (
                task.flow_task.name,
                task.flow_task_type,
                task.status,
                token,
                tuple(sorted(previous[task.pk])),
                task.owner_id if owners else task.owner_id is not None,
                task.owner_permission,
                task.assigned is not None,
                task.started is not None,
                task.finished is not None,
                task.scheduled is not None,
                json.dumps(task.data, sort_keys=True),
                task.external_task_id,
            )
        )
    process = Process.objects.get(pk=process_id)
    return (process.flow_class, process.status, process.finished is not None, tuple(rows))


def trace_shape(trace: generator.ProcessTrace, flow_class=FundingFlow) -> tuple:
    nodes = generator._nodes(flow_class)
    rows = []
    for task in trace.tasks:
        _, task_type, permission = nodes[task.node]
        token = task.token if task.token == "start" else f"start/#{task.token[0]}_{task.token[1]}"
        rows.append(
            (
                task.node,
                task_type,
                task.status,
                token,
                tuple(sorted(task.previous)),
                task.owner,
                permission if task_type == "HUMAN" else None,
                False,
                task.started is not None,
                task.finished is not None,
                task.scheduled is not None,
                "{}",
                None,
            )
        )
    return (flow_class, trace.status, trace.finished is not None, tuple(rows))


def process_of(application) -> FundingProcess:
    return FundingProcess.objects.get(application=application)


# -- a real run of the funding flow, step by step, next to the generator's trace --------------------------------


class RealRun:
    """Drives one application through the real services (as the pages do) and the generator's ProcessTrace with the
    same steps, so both can be compared."""

    def __init__(self, people, *, reviewers_required=1):
        self.p = people
        call = people["call"]
        Programme.objects.filter(pk=call.programme_id).update(reviewers_required=reviewers_required)
        self.application = ApplicationFactory(
            organisation=people["organisation"], call=call, created_by=people["alice"]
        )
        self.trace = generator.ProcessTrace()
        self.clock = timezone.now()

    def _at(self):
        self.clock += timedelta(hours=5)
        return self.clock

    def _task(self, node):
        return open_task(self.application, node)

    def submit(self):
        application_submit_and_start(application=self.application, by=self.p["alice"])
        self.trace.submit(self._at())

    def request(self, days=10):
        clerk = self.p["clerk"]
        deadline = timezone.localdate() + timedelta(days=days)
        task_complete(
            task=self._task(FundingFlow.check_completeness),
            by=clerk,
            action=lambda process: items_request_and_tell(
                application=process.application, by=clerk, message="Bitte die Satzung.", deadline=deadline
            ),
        )
        self.trace.check(clerk.pk, self._at(), complete=False, deadline=self.clock + timedelta(days=days))

    def answer(self):
        alice = self.p["alice"]
        task_complete(
            task=self._task(FundingFlow.answer_request),
            by=alice,
            action=lambda process: items_answer(application=process.application, by=alice, answer="Anbei."),
        )
        self.trace.answer(alice.pk, self._at())

    def timeout(self):
        Task.objects.filter(
            process=process_of(self.application), flow_task_type="TIMER", status=STATUS.SCHEDULED
        ).update(scheduled=timezone.now() - timedelta(minutes=1))
        assert fire_due_timers() == 1
        self.trace.timeout(self._at())

    def extend(self, days=7):
        clerk = self.p["clerk"]
        deadline = timezone.localdate() + timedelta(days=days)
        task_complete(
            task=self._task(FundingFlow.decide_overdue),
            by=clerk,
            action=lambda process: items_deadline_extend(application=process.application, by=clerk, deadline=deadline),
        )
        self.trace.overdue(clerk.pk, self._at(), extend=True, deadline=self.clock + timedelta(days=days))

    def lapse(self):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(FundingFlow.decide_overdue),
            by=clerk,
            action=lambda process: items_request_lapse(application=process.application, by=clerk),
        )
        self.trace.overdue(clerk.pk, self._at(), extend=False)

    def complete(self):
        confirm_complete(self.application, by=self.p["clerk"])
        self.trace.check(self.p["clerk"].pk, self._at(), complete=True)

    def assign(self, *reviewers):
        assign(self.application, by=self.p["admin"], reviewers=list(reviewers))
        self.trace.assign(self.p["admin"].pk, self._at(), [r.pk for r in reviewers])

    def review(self, slot, reviewer):
        review(self.application, by=reviewer, slot=slot)
        self.trace.review(slot, reviewer.pk, self._at())

    def conflict(self, slot, reviewer):
        node = FundingFlow.review_first if slot == 1 else FundingFlow.review_second
        assignment = self.application.review_assignments.get(slot=slot, active=True)
        task_complete(
            task=self._task(node),
            by=reviewer,
            action=lambda process: review_declare(assignment=assignment, by=reviewer, conflict=True, note="verwandt"),
        )
        self.trace.review(slot, reviewer.pk, self._at(), conflict=True)

    def reassign(self, slot, reviewer):
        admin = self.p["admin"]
        node = FundingFlow.reassign_first if slot == 1 else FundingFlow.reassign_second
        task_complete(
            task=self._task(node),
            by=admin,
            action=lambda process: reviewer_reassign(
                application=process.application, slot=slot, by=admin, reviewer=reviewer
            ),
        )
        self.trace.reassign(slot, admin.pk, self._at(), reviewer.pk)

    def propose(self, outcome="approve"):
        propose(self.application, by=self.p["clerk"], outcome=outcome, amount=Decimal("900.00"), reasons="Gründe")
        self.trace.propose(self.p["clerk"].pk, self._at())

    def send_back(self):
        approver = self.p["approver"]
        task_complete(
            task=self._task(FundingFlow.approve),
            by=approver,
            action=lambda process: decision_send_back(
                decision=process.application.current_decision, by=approver, comment="Bitte prüfen."
            ),
        )
        self.trace.approve(approver.pk, self._at(), approved=False)

    def approve(self, capture):
        with capture(execute=True):  # the letter task runs after the commit
            approve(self.application, by=self.p["approver"])
        self.trace.approve(self.p["approver"].pk, self._at(), approved=True)
        self.trace.letter(self._at(), granted=self.application.current_decision.outcome == "approve")

    def withdraw(self):
        application_withdraw_and_end(application=self.application, by=self.p["alice"], reason="")
        self.trace.cancel(self._at())

    def cancel(self):
        application_cancel_and_end(application=self.application, by=self.p["admin"], reason="doppelt")
        self.trace.cancel(self._at())

    def real_shape(self, *, owners=True):
        return db_shape(process_of(self.application).pk, owners=owners)


@pytest.fixture
def people(alice, organisation, call, clerk, approver, programme_admin, reviewer, second_reviewer):
    third = UserFactory(email="rita@example.org", first_name="Rita", roles=[roles.REVIEWER])
    return {
        "alice": alice,
        "organisation": organisation,
        "call": call,
        "clerk": clerk,
        "approver": approver,
        "admin": programme_admin,
        "reviewers": [reviewer, second_reviewer, third],
    }


# The shortest real path to every step, and the steps' open nodes; the generator's coverage paths are these.
STEPS = {
    "check_completeness": (1, lambda run, r: None),
    "answer_request": (1, lambda run, r: run.request()),
    "decide_overdue": (1, lambda run, r: (run.request(), run.timeout())),
    "assign_reviewers": (1, lambda run, r: run.complete()),
    "review_first": (1, lambda run, r: (run.complete(), run.assign(r[0]))),
    "review_first+review_second": (2, lambda run, r: (run.complete(), run.assign(r[0], r[1]))),
    "join_reviews+review_second": (2, lambda run, r: (run.complete(), run.assign(r[0], r[1]), run.review(1, r[0]))),
    "reassign_first": (1, lambda run, r: (run.complete(), run.assign(r[0]), run.conflict(1, r[0]))),
    "reassign_second+review_first": (
        2,
        lambda run, r: (run.complete(), run.assign(r[0], r[1]), run.conflict(2, r[1])),
    ),
    "propose": (1, lambda run, r: (run.complete(), run.assign(r[0]), run.review(1, r[0]))),
    "approve": (1, lambda run, r: (run.complete(), run.assign(r[0]), run.review(1, r[0]), run.propose())),
    "withdrawn at check_completeness": (1, lambda run, r: run.withdraw()),
    "cancelled in review": (1, lambda run, r: (run.complete(), run.assign(r[0]), run.cancel())),
}


# -- sizes and coverage ------------------------------------------------------------------------------------------


def test_the_counts_match_the_arguments(generated):
    assert Application.objects.count() == SIZES["applications"]
    assert Call.objects.count() == SIZES["calls"]
    assert Organisation.objects.count() == SIZES["organisations"]
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT).exclude(submitted_at=None)
    assert FundingProcess.objects.count() == submitted.count()
    assert not FundingProcess.objects.filter(application__status=ApplicationStatus.DRAFT).exists()
    for organisation in Organisation.objects.all():
        roles_in = Counter(Membership.objects.filter(organisation=organisation).values_list("role", flat=True))
        assert 1 <= sum(roles_in.values()) <= 3 and roles_in["representative"] >= 1
    for role in (roles.CLERK, roles.REVIEWER, roles.APPROVER, roles.PROGRAMME_ADMINISTRATOR):
        assert User.objects.filter(groups__name=role).exists()
    staff = User.objects.filter(groups__isnull=False).distinct()
    in_a_team = staff.filter(staffed_programmes__isnull=False).distinct().count()
    assert 0 < in_a_team < staff.count()
    assert Organisation.objects.filter(listed_since__isnull=False).exists()
    assert Organisation.objects.filter(legal_form="informal").exists()
    now = timezone.now()
    assert Call.objects.filter(closes_at__lt=now).exists()
    assert Call.objects.filter(opens_at__lte=now, closes_at__gt=now).exists()
    assert Call.objects.filter(opens_at__gt=now).exists()
    assert "Done in" in generated and "applications and processes" in generated


def test_every_step_of_the_flow_has_open_tasks_and_every_status_occurs(generated):
    open_nodes = {task.flow_task for task in Task.objects.filter(status__in=ACTIVE)}
    funding_staff_nodes = {node for node in STAFF_NODES if node.flow_class is FundingFlow}
    assert funding_staff_nodes <= open_nodes
    assert {FundingFlow.answer_request, FundingFlow.join_reviews} <= open_nodes
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert Task.objects.filter(flow_task=FundingFlow.review_first, status=STATUS.ASSIGNED, owner__isnull=False).exists()
    assert Task.objects.filter(flow_task=FundingFlow.check_completeness, status=STATUS.NEW, owner=None).exists()


def test_the_domain_rows_agree_with_the_processes(generated):
    now = timezone.now()
    assert not Task.objects.filter(created__gt=now).exists()
    assert not ApplicationEvent.objects.filter(at__gt=now).exists()
    for process in FundingProcess.objects.select_related("application"):
        application = process.application
        open_nodes = sorted(t.flow_task.name for t in Task.objects.filter(process=process, status__in=ACTIVE))
        expected = {
            ApplicationStatus.SUBMITTED: [["check_completeness"], ["propose"]],
            ApplicationStatus.ITEMS_REQUESTED: [["answer_request", "answer_request__timeout"], ["decide_overdue"]],
            ApplicationStatus.DECISION_PROPOSED: [["approve"]],
        }.get(application.status)
        if expected:
            assert open_nodes in expected, (application.status, open_nodes)
        if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
            assert process.status == PROCESS.DONE and not open_nodes
            assert application.current_decision.status == DecisionStatus.APPROVED
            assert hasattr(application.current_decision, "letter")
        if application.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.CANCELLED):
            assert process.status == PROCESS.CANCELED and not open_nodes
        if "answer_request" in open_nodes:  # the organisation can still answer
            assert application.items_requests.get(answered_at=None).deadline > now
        if open_nodes == ["approve"]:
            assert application.current_decision.status == DecisionStatus.PROPOSED
        for task in Task.objects.filter(process=process, flow_task__in=[FundingFlow.review_first]).filter(
            status=STATUS.ASSIGNED
        ):
            assert application.review_assignments.get(slot=1, active=True).reviewer_id == task.owner_id
    for decision in Decision.objects.exclude(approved_by=None):
        assert decision.approved_by_id != decision.proposed_by_id


# -- shapes: generated rows equal what the real flow writes --------------------------------------------------


@pytest.mark.parametrize("step", list(STEPS))
def test_the_generated_tasks_at_each_step_are_shaped_like_a_real_run(generated, people, step):
    reviewers_required, path = STEPS[step]
    run = RealRun(people, reviewers_required=reviewers_required)
    run.submit()
    path(run, people["reviewers"])
    real = run.real_shape(owners=False)
    ours = {db_shape(p.pk, owners=False) for p in FundingProcess.objects.exclude(application=run.application)}
    assert real in ours, f"no generated process is shaped like a real one at {step}"


def test_the_generated_shape_of_ended_processes_equals_a_real_run(
    generated, people, django_capture_on_commit_callbacks
):
    r = people["reviewers"]
    ours = {db_shape(p.pk, owners=False) for p in FundingProcess.objects.all()}
    for outcome in ("approve", "reject"):
        run = RealRun(people)
        run.submit()
        run.complete()
        run.assign(r[0])
        run.review(1, r[0])
        run.propose(outcome)
        run.approve(django_capture_on_commit_callbacks)
        assert run.real_shape(owners=False) in ours, outcome


def test_the_trace_follows_the_real_flow_through_loops_conflicts_and_send_backs(
    people, django_capture_on_commit_callbacks
):
    r = people["reviewers"]
    run = RealRun(people, reviewers_required=2)
    run.submit()
    run.request()
    run.answer()
    assert run.real_shape() == trace_shape(run.trace)
    run.complete()
    run.assign(r[0], r[1])
    run.review(2, r[1])
    run.conflict(1, r[0])
    assert run.real_shape() == trace_shape(run.trace)
    run.reassign(1, r[2])
    run.review(1, r[2])
    run.propose()
    run.send_back()
    run.propose()
    run.approve(django_capture_on_commit_callbacks)
    assert run.real_shape() == trace_shape(run.trace)


def test_the_trace_follows_the_real_flow_through_deadlines(people, django_capture_on_commit_callbacks):
    run = RealRun(people)
    run.submit()
    run.request()
    run.timeout()
    run.extend()
    assert run.real_shape() == trace_shape(run.trace)
    run.timeout()
    run.lapse()
    run.propose(outcome="reject")
    run.approve(django_capture_on_commit_callbacks)
    assert run.real_shape() == trace_shape(run.trace)


def test_the_trace_follows_the_real_flow_when_a_process_is_ended_early(people):
    r = people["reviewers"]
    waiting = RealRun(people)
    waiting.submit()
    waiting.request()
    waiting.withdraw()
    assert waiting.real_shape() == trace_shape(waiting.trace)
    reviewing = RealRun(people, reviewers_required=2)
    reviewing.submit()
    reviewing.complete()
    reviewing.assign(r[0], r[1])
    reviewing.review(1, r[0])
    reviewing.cancel()
    assert reviewing.real_shape() == trace_shape(reviewing.trace)


# -- grants and payments: real runs of the grant and payment flows next to the generator's traces -------------------


class GrantRun:
    """Drives one grant through the real grant, payment and change flows (as the pages and services do) and the
    generator's GrantTrace, PaymentTrace and ChangeTrace with the same steps. The grant: 2,500 EUR by shortfall
    financing on a plan of 3,000 EUR with 500 EUR own funds."""

    def __init__(self, grant, people, payment_officer):
        self.grant, self.p, self.officer = grant, people, payment_officer
        self.trace = grant_generator.GrantTrace()
        self.clock = timezone.now()
        self.trace.open(self._at())
        self.payments = []  # (PaymentRequest, PaymentTrace)
        self.changes = []  # (ChangeReport, ChangeTrace)
        self.interims = []  # (ProofOfUse, InterimTrace)

    def _at(self):
        self.clock += timedelta(hours=5)
        return self.clock

    def _task(self, node, **lookup):
        lookup = lookup or {"process__grantprocess__grant": self.grant}
        return Task.objects.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED], **lookup)

    def final(self, how="period", outcome=AppealOutcome.DISMISSED):
        """The decision becomes final: the appeal period ends, the organisation waives the appeal, or an appeal is
        recorded and ends."""
        letter = deliver(self.grant, self.p["alice"])
        if how == "waiver":
            appeal_waive_and_continue(grant=self.grant, by=self.p["alice"])
        elif how == "appeal":
            today = timezone.localdate()
            appeal = appeal_record(grant=self.grant, by=self.p["clerk"], kind="action", lodged_on=today)
            note = "Die Kürzung war nicht begründet." if outcome == AppealOutcome.UPHELD else ""
            appeal_end_and_continue(appeal=appeal, by=self.p["clerk"], outcome=outcome, decided_on=today, note=note)
        else:
            assert grant_make_final(grant=self.grant, today=final_from(letter.delivered_at))
        self.trace.final(self._at())
        if how == "appeal" and outcome == AppealOutcome.UPHELD:  # the amendment that remedies it, for the clerk
            trace = grant_generator.ChangeTrace()
            trace.report(self._at())
            self.changes.append((self.grant.change_reports.get(kind="appeal"), trace))

    def request(self, amount="1000.00"):
        from organisations.services import bank_account_set

        bank_account_set(organisation=self.grant.organisation, by=self.p["alice"], holder="Verein", iban=IBAN)
        payment = payment_request_and_start(
            grant=self.grant,
            by=self.p["alice"],
            amount=Decimal(amount),
            purpose="Honorare",
            needed_on=max(timezone.localdate(), self.grant.period_start) + timedelta(days=5),
        )
        trace = grant_generator.PaymentTrace()
        trace.request(self._at())
        self.payments.append((payment, trace))
        return payment, trace

    def certify(self, payment, trace, *, refuse=False):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(PaymentFlow.certify, process__paymentprocess__payment=payment),
            by=clerk,
            action=lambda process: (
                payment_refuse(payment=process.payment, by=clerk, note="Nein.")
                if refuse
                else payment_certify(payment=process.payment, by=clerk)
            ),
        )
        trace.certify(clerk.pk, self._at(), certified=not refuse)

    def release(self, payment, trace, *, refuse=False):
        officer = self.officer
        task_complete(
            task=self._task(PaymentFlow.release, process__paymentprocess__payment=payment),
            by=officer,
            action=lambda process: (
                payment_refuse(payment=process.payment, by=officer, note="Nein.")
                if refuse
                else payment_release(payment=process.payment, by=officer)
            ),
        )
        trace.release(officer.pk, self._at())

    def paid_in_full(self):
        payment, trace = self.request(str(self.grant.amount))
        self.certify(payment, trace)
        self.release(payment, trace)
        payments_mark_paid(payments=[payment], by=self.officer, paid_on=timezone.localdate())

    def _fill(self, proof, actual):
        from grants.proofs import proof_update, receipt_add

        alice = self.p["alice"]
        line = proof.lines.get().plan_line
        proof_update(
            proof=proof,
            by=alice,
            report="Bericht",
            purpose_achieved=True,
            actual_own_funds=Decimal("500.00"),
            actual_third_party_funds=Decimal("0.00"),
            actuals={line.pk: Decimal(actual)},
        )
        receipt_add(
            proof=proof,
            by=alice,
            date=timezone.localdate(),
            payee="Trainerin",
            purpose="Honorar",
            amount=Decimal(actual),
            plan_line=line,
        )

    def submit_proof(self, actual):
        from grants.proofs import proof_open
        from workflow.grant_services import proof_submit_and_continue

        proof = proof_open(grant=self.grant)
        self._fill(proof, actual)
        proof_submit_and_continue(proof=proof, by=self.p["alice"], declaration=True)
        self.trace.submit_proof(self.p["alice"].pk, self._at())
        self.proof = proof

    def submit_interim(self, actual):
        """An interim proof: opened and submitted on the portal's pages, which starts the office's review."""
        from grants.proofs import proof_open
        from workflow.grant_services import interim_proof_submit_and_continue

        proof = proof_open(grant=self.grant, kind=ProofKind.INTERIM)
        self._fill(proof, actual)
        interim_proof_submit_and_continue(proof=proof, by=self.p["alice"], declaration=True)
        trace = grant_generator.InterimTrace()
        trace.submit(self._at())
        self.interims.append((proof, trace))

    def request_items(self):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(GrantFlow.check_proof),
            by=clerk,
            action=lambda process: proof_items_request(proof=self.proof, by=clerk, message="Bitte die Belege."),
        )
        self.trace.request_items(clerk.pk, self._at())

    def resubmit(self):
        from workflow.grant_services import proof_submit_and_continue

        proof_submit_and_continue(proof=self.proof, by=self.p["alice"], declaration=True)
        self.trace.submit_proof(self.p["alice"].pk, self._at())

    def check(self):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(GrantFlow.check_proof),
            by=clerk,
            action=lambda process: proof_check_propose(
                proof=self.proof, by=clerk, checks={"check_in_time": True}, memo="Geprüft."
            ),
        )
        self.trace.check(clerk.pk, self._at())

    def _latest_check(self):
        return self.proof.checks.order_by("-version").first()

    def approve_check(self):
        approver = self.p["approver"]
        check = self._latest_check()
        task_complete(
            task=self._task(GrantFlow.approve_check),
            by=approver,
            action=lambda process: proof_check_approve(check=check, by=approver),
        )
        self.trace.approve_check(approver.pk, self._at(), reclaim=check.result == "to_reclaim")

    def send_back(self):
        approver = self.p["approver"]
        check = self._latest_check()
        task_complete(
            task=self._task(GrantFlow.approve_check),
            by=approver,
            action=lambda process: proof_check_send_back(check=check, by=approver, comment="Bitte nachrechnen."),
        )
        self.trace.approve_check(approver.pk, self._at(), reclaim=False, approved=False)

    def hear(self):
        clerk = self.p["clerk"]
        deadline = timezone.localdate() + timedelta(days=21)
        task_complete(
            task=self._task(GrantFlow.hear),
            by=clerk,
            action=lambda process: claim_hearing(
                grant=process.grant,
                by=clerk,
                amount=Decimal("1000.00"),
                known_on=timezone.localdate(),
                text="Anhörung",
                deadline=deadline,
                proof_check=self._latest_check(),
            ),
        )
        self.trace.hear(clerk.pk, self._at(), last_moment_of(deadline))

    def answer(self):
        claim_answer_and_continue(claim=self.grant.claims.get(), by=self.p["alice"], answer="Wir zahlen zurück.")
        self.trace.answer(self.p["alice"].pk, self._at())

    def timeout(self):
        """The hearing's deadline has passed without an answer: the timers' job moves the process on."""
        self.grant.claims.update(hearing_deadline=timezone.localdate() - timedelta(days=1))
        Task.objects.filter(
            process__grantprocess__grant=self.grant, flow_task_type="TIMER", status=STATUS.SCHEDULED
        ).update(scheduled=timezone.now() - timedelta(minutes=1))
        assert fire_due_timers() == 1
        self.trace.hearing_timeout(self._at())

    def drop(self):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(GrantFlow.decide_revocation),
            by=clerk,
            action=lambda process: claim_drop(claim=self.grant.claims.get(), by=clerk, reason="Erklärt."),
        )
        self.trace.drop(clerk.pk, self._at())

    def propose_revocation(self):
        clerk = self.p["clerk"]
        claim = self.grant.claims.get()
        task_complete(
            task=self._task(GrantFlow.decide_revocation),
            by=clerk,
            action=lambda process: claim_propose_revocation(
                claim=claim,
                by=clerk,
                scope="partial",
                ground="recalculation",
                revoked_amount=Decimal("1000.00"),
                reasons="Gründe",
                weighing="Ermessen",
                effective_on=timezone.localdate(),
                repay_by=timezone.localdate() + timedelta(days=30),
            ),
        )
        self.trace.propose_revocation(clerk.pk, self._at())

    def approve_revocation(self):
        approver = self.p["approver"]
        claim = self.grant.claims.get()
        task_complete(
            task=self._task(GrantFlow.approve_revocation),
            by=approver,
            action=lambda process: claim_approve(claim=claim, by=approver),
        )
        self.trace.approve_revocation(approver.pk, self._at())

    def revoke(self):
        self.propose_revocation()
        self.approve_revocation()

    def repay(self, amount):
        """A repayment recorded on the repayment page: the step ends when the claim is settled."""
        task = self._task(GrantFlow.await_repayment)
        with transaction.atomic():
            _repayment, settled = repayment_record(
                claim=self.grant.claims.get(), by=self.officer, received_on=timezone.localdate(), amount=Decimal(amount)
            )
            if settled:
                task_complete(task=task, by=self.officer, action=lambda process: None)
        if settled:
            self.trace.settle(self.officer.pk, self._at())
        return settled

    def report_change(self, kind="costs", *, new_amount=None, new_period_end=None):
        from workflow.change_services import change_report_and_start

        line = self.grant.plan_versions.order_by("-number").first().lines.get()
        report = change_report_and_start(
            grant=self.grant,
            by=self.p["alice"],
            kind=kind,
            description="Es ändert sich etwas.",
            new_amounts={line.pk: Decimal(new_amount)} if new_amount else {},
            new_period_end=new_period_end,
        )
        trace = grant_generator.ChangeTrace()
        trace.report(self._at())
        self.changes.append((report, trace))
        return report, trace

    def assess(self, report, trace, action):
        clerk = self.p["clerk"]
        task_complete(
            task=self._task(ChangeFlow.assess, process__changeprocess__report=report),
            by=clerk,
            action=lambda process: action(report=process.report, by=clerk),
        )
        trace.assess(clerk.pk, self._at(), proposed=action is change_propose_same)

    def approve_change(self, report, trace):
        approver = self.p["approver"]
        task_complete(
            task=self._task(ChangeFlow.approve, process__changeprocess__report=report),
            by=approver,
            action=lambda process: change_approve(report=process.report, by=approver),
        )
        trace.approve(approver.pk, self._at())

    def real_shape(self, process=None, *, owners=True):
        return db_shape((process or self.grant.process).pk, owners=owners)

    def compare(self):
        """Every real process of this run is shaped exactly as its trace."""
        assert self.real_shape() == trace_shape(self.trace, GrantFlow)
        for payment, trace in self.payments:
            assert db_shape(payment.process.pk) == trace_shape(trace, PaymentFlow)
        for report, trace in self.changes:
            assert db_shape(report.process.pk) == trace_shape(trace, ChangeFlow)
        for proof, trace in self.interims:
            assert db_shape(proof.process.pk) == trace_shape(trace, InterimProofFlow)


def change_note(*, report, by):
    return grants_changes.change_note(report=report, by=by)


def change_refuse(*, report, by):
    return grants_changes.change_refuse(report=report, by=by, note="Nicht vom Zweck gedeckt.")


def change_propose_same(*, report, by):
    """An amendment that keeps the amount (a longer period, or costs shifted beyond the tolerance)."""
    return grants_changes.change_propose(report=report, by=by, amount=report.grant.amount)


def change_approve(*, report, by):
    return grants_changes.change_approve(report=report, by=by)


def generated_shapes(model) -> set:
    return {db_shape(process.pk, owners=False) for process in model.objects.all()}


def test_the_traces_follow_the_real_grant_and_payment_flows_to_a_reclaim(granted, people, payment_officer):
    run = GrantRun(granted, people, payment_officer)
    run.compare()
    run.final()
    first, first_trace = run.request("300.00")
    run.certify(first, first_trace, refuse=True)
    second, second_trace = run.request("300.00")
    run.certify(second, second_trace)
    run.release(second, second_trace, refuse=True)
    run.compare()
    run.paid_in_full()
    run.submit_proof(actual="2000.00")
    run.check()
    run.compare()
    run.approve_check()
    run.hear()
    run.compare()
    run.answer()
    run.revoke()
    run.compare()


def test_the_generated_grant_and_payment_processes_are_shaped_like_real_runs_at_every_step(
    generated, granted, people, payment_officer
):
    grants, payments = generated_shapes(GrantProcess), generated_shapes(PaymentProcess)
    run = GrantRun(granted, people, payment_officer)

    def seen(step):
        assert run.real_shape(owners=False) in grants, f"no generated grant process is shaped like a real one {step}"

    seen("waiting for finality")
    run.final()
    seen("when final")
    requested, _trace = run.request("300.00")
    certified, trace = run.request("200.00")
    run.certify(certified, trace)
    refused, trace = run.request("100.00")
    run.certify(refused, trace, refuse=True)
    for payment, step in ((requested, "requested"), (certified, "certified"), (refused, "refused")):
        assert db_shape(payment.process.pk, owners=False) in payments, step
    run.release(certified, trace_of(run, certified))
    assert db_shape(certified.process.pk, owners=False) in payments, "released"
    run.certify(requested, trace_of(run, requested))
    run.release(requested, trace_of(run, requested))
    rest, trace = run.request("2000.00")  # the rest of the 2,500 EUR, so that all is paid out
    run.certify(rest, trace)
    run.release(rest, trace)
    released = list(run.grant.payment_requests.filter(status=PaymentStatus.RELEASED))
    payments_mark_paid(payments=released, by=payment_officer, paid_on=timezone.localdate())
    run.submit_proof(actual="2000.00")
    seen("with the proof submitted")
    run.check()
    seen("with the check proposed")
    run.approve_check()
    run.hear()
    seen("in the hearing")
    run.answer()
    run.revoke()
    seen("revoked, waiting for the repayment")


def trace_of(run, payment):
    return next(trace for p, trace in run.payments if p.pk == payment.pk)


def test_a_generated_grant_closes_like_a_real_one(generated, granted, people, payment_officer):
    run = GrantRun(granted, people, payment_officer)
    run.final()
    run.paid_in_full()
    run.submit_proof(actual="3000.00")
    run.check()
    run.approve_check()
    run.compare()
    granted.refresh_from_db()
    assert granted.status == GrantStatus.CLOSED
    assert run.real_shape(owners=False) in generated_shapes(GrantProcess)


def test_the_generated_grants_agree_with_their_decisions_and_processes(generated):
    grants = Grant.objects.select_related("application", "decision__letter", "process")
    assert grants.count() == Application.objects.filter(status=ApplicationStatus.APPROVED).count()
    assert set(grants.values_list("status", flat=True)) == set(GrantStatus.values)
    assert not CostLine.objects.filter(unit_price__lte=0).exists()  # a plan line is never negative
    today = timezone.localdate()
    for grant in grants:
        assert grant.organisation_id == grant.application.organisation_id
        first = grant.plan_versions.get(number=1)
        assert first.amount == grant.decision.amount and [line.amount for line in first.lines.all()] == [
            line.amount for line in grant.application.cost_lines.order_by("pk")
        ]
        amended = grant.change_reports.filter(status=ChangeStatus.AMENDED)
        newest = grant.plan_versions.order_by("-number").first()
        assert newest.number == 1 + amended.count() and grant.amount == newest.amount
        assert all(report.plan_version.grant_id == grant.pk for report in amended)
        assert grant.process.status == (PROCESS.DONE if grant.status == GrantStatus.CLOSED else PROCESS.NEW)
        ended = grant.appeals.exclude(outcome=AppealOutcome.PENDING).first()
        if grant.waived_at:  # waived by a representative once the letter was delivered: final that day
            assert (
                grant.final_on == timezone.localdate(grant.waived_at)
                and grant.waived_by.memberships.get(organisation=grant.organisation).role == "representative"
            )
            assert grant.waived_at >= grant.decision.letter.retrieved_at
        elif ended:  # final on the day the appeal ended
            assert grant.final_on == ended.decided_on and ended.lodged_on <= ended.decided_on
        elif grant.final_on:
            assert grant.final_on == final_from(grant.decision.letter.delivered_at) <= today
        if grant.final_on:  # finality opened the draft of the final proof of use
            assert grant.proofs.filter(kind=ProofKind.FINAL).count() == 1
        assert (grant.status == GrantStatus.APPEALED) == grant.appeals.filter(outcome=AppealOutcome.PENDING).exists()
        claimed = grant.payment_requests.exclude(status=PaymentStatus.REFUSED).aggregate(total=Sum("amount"))
        assert (claimed["total"] or 0) <= grant.amount
        for letter in grant.letters.all():  # each letter's figures, as its kind requires, rendered
            assert all(letter.context.get(key) not in (None, "") for key in REQUIRED_LETTER_KEYS[letter.kind])
            assert letter.file and letter.rendered_at
    for payment in PaymentRequest.objects.select_related("process"):
        open_nodes = {t.flow_task for t in Task.objects.filter(process=payment.process, status__in=ACTIVE)}
        expected = {
            PaymentStatus.REQUESTED: {PaymentFlow.certify},
            PaymentStatus.CERTIFIED: {PaymentFlow.release},
        }.get(payment.status, set())
        assert open_nodes == expected, payment.status
        if payment.released_by_id:
            assert payment.released_by_id != payment.certified_by_id and payment.payee_iban
    assert set(PaymentRequest.objects.values_list("status", flat=True)) == set(PaymentStatus.values)
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert set(GrantLetter.objects.values_list("kind", flat=True)) == set(GrantLetterKind.values)
    assert set(ChangeReport.objects.values_list("status", flat=True)) == set(ChangeStatus.values)
    assert set(Appeal.objects.values_list("outcome", flat=True)) == set(AppealOutcome.values)
    assert set(ProofOfUse.objects.values_list("kind", "status")) >= {
        (ProofKind.FINAL, status) for status in ProofStatus.values
    } | {(ProofKind.INTERIM, ProofStatus.SUBMITTED)}
    assert Grant.objects.exclude(waived_at=None).exists()
    assert set(ProofCheck.objects.values_list("status", flat=True)) == set(CheckStatus.values)


def test_generated_repayments_settle_a_claim_with_its_interest_as_the_service_computes_it(generated):
    """A settled claim's repayments pay principal and interest to the cent; a claim repaid in part still owes."""
    from grants.claims import claim_position

    settled = Claim.objects.filter(status=ClaimStatus.SETTLED)
    assert settled.exists() and Claim.objects.filter(status=ClaimStatus.DECIDED, repayments__isnull=False).exists()
    for claim in Claim.objects.filter(repayments__isnull=False).distinct():
        last = claim.repayments.order_by("-received_on").first().received_on
        position = claim_position(claim, last)
        is_settled = position.remaining_principal <= 0 and position.remaining_interest <= 0
        assert is_settled == (claim.status == ClaimStatus.SETTLED), claim.status
        if is_settled:
            assert claim.settled_on == last and position.overpaid == 0
            assert claim.grant.status == GrantStatus.CLOSED


# -- every state after the decision: real runs next to the generated grants ------------------------------------------

# The history entries of the grant's life (payments aside) and of its letters.
GRANT_EVENTS = {
    "grant_opened",
    "grant_final",
    "appeal_waived",
    "appeal_lodged",
    "appeal_ended",
    "proof_started",
    "proof_submitted",
    "proof_items",
    "proof_checked",
    "proof_approved",
    "hearing",
    "hearing_answered",
    "revoke_proposed",
    "revoked",
    "claim_dropped",
    "repaid",
    "grant_closed",
    "letter",
    "downloaded",
    "delivered",
}
FREE_TEXT_EVENTS = {"proof_items", "claim_dropped", "appeal_lodged"}  # what the person typed


def _note(kind: str, note: str) -> str:
    """A history note without what differs from run to run: typed text, amounts, dates, numbers."""
    return "…" if kind in FREE_TEXT_EVENTS else re.sub(r"\d[\d.,]*", "#", note)


def _open_nodes(process) -> tuple:
    return tuple(sorted(t.flow_task.name for t in Task.objects.filter(process=process, status__in=ACTIVE)))


def grant_facts(grant) -> tuple:
    """What the services and flows left of a grant's life, without ids, times, amounts and typed text: its status
    and finality, appeals, plan versions, proofs of use with their checks, the claim with its repayments, the
    letters with the figures they fix, the reported changes, the open steps and the history entries."""
    grant = Grant.objects.get(pk=grant.pk)
    final = grant.proofs.filter(kind=ProofKind.FINAL).first()
    claim = grant.claims.first()
    decision_delivered = _note("delivered", gettext("Counts as delivered on %(date)s.") % {"date": "01.01.2000"})
    events = Counter(
        (event.kind, _note(event.kind, event.note))
        for event in grant.application.events.filter(kind__in=GRANT_EVENTS)
        if event.kind != "delivered" or _note("delivered", event.note) == decision_delivered
    )
    return (
        grant.status,
        grant.final_on is not None,
        grant.waived_at is not None,
        grant.closed_at is not None,
        grant.retain_until is not None,
        tuple(sorted(grant.appeals.values_list("outcome", flat=True))),
        grant.plan_versions.count(),
        tuple(
            sorted(
                (
                    p.kind,
                    p.status,
                    p.submitted_at is not None,
                    bool(p.report),
                    p.lines.count() == grant.plan_versions.order_by("-number").first().lines.count(),
                    p.receipts.exists(),
                    p.receipts.filter(in_sample=True).exists(),
                )
                for p in grant.proofs.all()
            )
        ),
        tuple(
            (c.version, c.status, c.result, bool(c.sample_seed), c.approved_by_id is not None, bool(c.approver_comment))
            for c in (final.checks.order_by("version") if final else [])
        ),
        claim
        and (
            claim.status,
            bool(claim.answer),
            claim.scope,
            claim.ground,
            claim.proposed_by_id is not None,
            claim.approved_by_id is not None,
            claim.repayments.count(),
            claim.settled_on is not None,
            claim.proof_check_id is not None,
        ),
        tuple(
            sorted((x.kind, x.number, x.rendered_at is not None, tuple(sorted(x.context))) for x in grant.letters.all())
        ),
        tuple(
            sorted(
                (r.status, r.plan_version.number if r.plan_version else None, r.lines.exists(), _open_nodes(r.process))
                for r in grant.change_reports.select_related("plan_version", "process")
            )
        ),
        _open_nodes(grant.process),
        frozenset(events.items()),
    )


def new_grant(people, capture, **fields):
    """An approved application (2,500 EUR of a 3,000 EUR plan with 500 EUR own funds) with its letter rendered."""
    application = ApplicationFactory(
        organisation=people["organisation"], call=people["call"], created_by=people["alice"], **fields
    )
    application_submit_and_start(application=application, by=people["alice"], delivery_consent=True)
    through_review(application, clerk=people["clerk"], admin=people["admin"], reviewer=people["reviewers"][0])
    propose(application, by=people["clerk"], amount=Decimal("2500.00"))
    with capture(execute=True):
        approve(application, by=people["approver"])
    return Grant.objects.get(application=application)


def _final_paid_submitted(run, actual):
    run.final()
    run.paid_in_full()
    run.submit_proof(actual=actual)


def _reclaim_path(run, seen):
    _final_paid_submitted(run, "2000.00")
    run.check()
    run.approve_check()
    seen("money to reclaim: the hearing to send")
    run.hear()


def _items_and_send_back(run, seen):
    _final_paid_submitted(run, "3000.00")
    run.request_items()
    seen("missing items requested")
    run.resubmit()
    run.check()
    run.send_back()
    run.check()
    run.approve_check()
    seen("closed after missing items and a check sent back")


def _check_sent_back(run, seen):
    _final_paid_submitted(run, "3000.00")
    run.check()
    run.send_back()
    seen("the check sent back")


def _hearing_deadline_passed(run, seen):
    _reclaim_path(run, seen)
    run.timeout()
    seen("the hearing's deadline passed: revoke or drop")


def _revoked_and_repaid(run, seen):
    _reclaim_path(run, seen)
    run.answer()
    seen("the hearing answered: revoke or drop")
    run.propose_revocation()
    seen("the revocation waiting for the second person")
    run.approve_revocation()
    assert not run.repay("400.00")
    seen("repaid in part")
    assert run.repay("600.00")
    seen("settled and closed")


def _dropped(run, seen):
    _reclaim_path(run, seen)
    run.answer()
    run.drop()
    seen("the claim dropped and the grant closed")


def _waived_and_change_noted(run, seen):
    run.final("waiver")
    report, trace = run.report_change(new_amount="2900.00")
    run.assess(report, trace, change_note)
    seen("the appeal waived, a change within the tolerance noted")


def _appeal_dismissed_and_amended(run, seen):
    run.final("appeal", AppealOutcome.DISMISSED)
    report, trace = run.report_change("period", new_period_end=run.grant.period_end + timedelta(days=60))
    run.assess(report, trace, change_propose_same)
    run.approve_change(report, trace)
    seen("after a dismissed appeal, the grant amended with plan version 2")


def _change_reported(run, seen):
    run.final()
    run.report_change(new_amount="2900.00")
    seen("a change waiting for the clerk")


def _appeal_withdrawn_and_amendment_proposed(run, seen):
    run.final("appeal", AppealOutcome.WITHDRAWN)
    report, trace = run.report_change("period", new_period_end=run.grant.period_end + timedelta(days=60))
    run.assess(report, trace, change_propose_same)
    seen("after a withdrawn appeal, an amendment waiting for the second person")


def _appeal_upheld_and_change_refused(run, seen):
    run.final("appeal", AppealOutcome.UPHELD)  # opens the amendment that remedies it, waiting for the clerk
    report, trace = run.report_change("other")
    run.assess(report, trace, change_refuse)
    seen("after an upheld appeal, its amendment waiting for the clerk and another change refused")


def _interim_proof(run, seen):
    run.final()
    run.submit_interim(actual="1000.00")
    seen("an interim proof of use submitted")


def _spanning_a_year_end():
    start = timezone.localdate() + timedelta(days=10)
    return {"period_start": start, "period_end": date(start.year, 12, 31) + timedelta(days=60)}


GRANT_PATHS = {
    "missing items and a check sent back": (_items_and_send_back, {}),
    "a check sent back": (_check_sent_back, {}),
    "a hearing without an answer": (_hearing_deadline_passed, {}),
    "revoked and repaid": (_revoked_and_repaid, {}),
    "a dropped claim": (_dropped, {}),
    "a waiver and a noted change": (_waived_and_change_noted, {}),
    "a dismissed appeal and an amendment": (_appeal_dismissed_and_amended, {}),
    "a reported change": (_change_reported, {}),
    "a withdrawn appeal and a proposed amendment": (_appeal_withdrawn_and_amendment_proposed, {}),
    "an upheld appeal and a refused change": (_appeal_upheld_and_change_refused, {}),
    "an interim proof of use": (_interim_proof, _spanning_a_year_end),
}


@pytest.mark.parametrize("path", list(GRANT_PATHS))
def test_the_generated_grants_are_shaped_like_real_runs_in_every_state(
    generated, people, payment_officer, path, django_capture_on_commit_callbacks
):
    """Drive a real grant along a path; at each step its processes equal the generator's traces, and some
    generated grant has the same process shapes and the same rows (`grant_facts`)."""
    grants = generated_shapes(GrantProcess)
    changes = generated_shapes(ChangeProcess)
    interims = generated_shapes(InterimProofProcess)
    facts = {grant_facts(grant) for grant in Grant.objects.all()}
    steps, fields = GRANT_PATHS[path]
    grant = new_grant(people, django_capture_on_commit_callbacks, **(fields() if callable(fields) else fields))
    run = GrantRun(grant, people, payment_officer)

    def seen(step):
        for letter in grant.letters.filter(rendered_at=None):  # as the worker renders them after the commit
            grant_letter_render(letter=letter)
        run.compare()
        assert run.real_shape(owners=False) in grants, f"no generated grant process is shaped like this: {step}"
        for report, _trace in run.changes:
            assert db_shape(report.process.pk, owners=False) in changes, f"no such change process: {step}"
        for proof, _trace in run.interims:
            assert db_shape(proof.process.pk, owners=False) in interims, f"no such interim review process: {step}"
        real = grant_facts(grant)
        near = [f for f in facts if f[0] == real[0] and f[-2] == real[-2]]
        assert real in facts, f"no generated grant has the rows of a real one: {step}\n{real}\nNEAR:\n" + "\n".join(
            str(f) for f in near
        )

    with django_capture_on_commit_callbacks(execute=True):  # letters are rendered after each commit
        steps(run, seen)


def test_a_generated_payment_officer_releases_a_generated_payment_on_its_page(client, generated):
    task = Task.objects.filter(flow_task=PaymentFlow.release, status=STATUS.NEW).first()
    payment = PaymentProcess.objects.get(pk=task.process_id).payment
    officer = User.objects.get(email=f"payments1@{generator.DOMAIN}")
    client.force_login(officer)
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200
    assert client.post(f"/staff/tasks/{task.pk}/", {"action": "accept"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RELEASED and payment.released_by == officer
    assert payment.payee_iban == BankAccount.objects.filter(organisation=payment.grant.organisation).get().iban


def test_a_generated_payment_officer_settles_a_generated_claim_with_its_interest_on_its_page(client, generated):
    """What a generated claim repaid in part still owes today, principal and interest, settles it on the page."""
    from grants.claims import claim_position

    claim = Claim.objects.filter(status=ClaimStatus.DECIDED, repayments__isnull=False).first()
    task = Task.objects.get(
        process__grantprocess__grant=claim.grant, flow_task=GrantFlow.await_repayment, status=STATUS.NEW
    )
    owed = claim_position(claim, timezone.localdate())
    assert owed.remaining_principal > 0
    client.force_login(User.objects.get(email=f"payments1@{generator.DOMAIN}"))
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200
    form = {"received_on": timezone.localdate().isoformat(), "amount": f"{owed.total:.2f}".replace(".", ",")}
    assert client.post(f"/staff/tasks/{task.pk}/", form).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED and claim.grant.status == GrantStatus.CLOSED
    assert claim.grant.letters.filter(kind=GrantLetterKind.CLOSING).exists()


def test_a_generated_approver_approves_a_generated_amendment_on_its_page(client, generated):
    task = Task.objects.filter(flow_task=ChangeFlow.approve, status=STATUS.NEW).first()
    report = ChangeProcess.objects.get(pk=task.process_id).report
    client.force_login(User.objects.get(email=f"approver1@{generator.DOMAIN}"))
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200
    assert client.post(f"/staff/tasks/{task.pk}/", {"action": "approve"}).status_code == 302
    report.refresh_from_db()
    grant = report.grant
    assert report.status == ChangeStatus.AMENDED and report.plan_version == grant.plan_versions.order_by("-number")[0]
    assert grant.letters.filter(kind=GrantLetterKind.AMENDMENT).exists()


# -- the real code works on the generated data ---------------------------------------------------------------


def open_check_tasks():
    """Generated processes that wait for their first completeness check (three tasks: submit, receipt, check)."""
    for task in Task.objects.filter(flow_task=FundingFlow.check_completeness, status=STATUS.NEW).order_by("pk"):
        if Task.objects.filter(process_id=task.process_id).count() == 3:
            yield task


def test_a_generated_clerk_completes_a_generated_check_and_the_process_moves_on_like_a_real_one(
    client, generated, people
):
    clerk = User.objects.get(email=f"clerk1@{generator.DOMAIN}")
    listed = set(staff_tasks(clerk).values_list("pk", flat=True))
    open_checks = Task.objects.filter(flow_task=FundingFlow.check_completeness, status=STATUS.NEW)
    assert open_checks.exists() and set(open_checks.values_list("pk", flat=True)) <= listed
    task = next(open_check_tasks())
    application = FundingProcess.objects.get(pk=task.process_id).application

    client.force_login(clerk)
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200
    checks = {f"check_{item.pk}": "on" for item in application.call.programme.checklist.all()}
    response = client.post(f"/staff/tasks/{task.pk}/", {"outcome": "complete", **checks})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    run = RealRun(people)
    run.submit()
    run.complete()
    assert db_shape(task.process_id, owners=False) == run.real_shape(owners=False)
    assert open_task(application, FundingFlow.assign_reviewers).status == STATUS.NEW


def test_a_generated_decision_is_approved_by_a_second_person_only(
    client, generated, people, django_capture_on_commit_callbacks
):
    dual = [
        task
        for task in Task.objects.filter(flow_task=FundingFlow.approve, status=STATUS.NEW)
        if FundingProcess.objects.get(pk=task.process_id).application.current_decision.proposed_by.has_perm(
            "applications.approve_decision"
        )
    ]
    assert dual, "a generated proposal by a clerk who also approves"
    task = dual[0]
    application = FundingProcess.objects.get(pk=task.process_id).application
    proposer = application.current_decision.proposed_by
    client.force_login(proposer)
    assert client.get(f"/staff/tasks/{task.pk}/").status_code == 403
    assert client.post(f"/staff/tasks/{task.pk}/", {"action": "approve", "comment": ""}).status_code == 403

    approver = User.objects.filter(groups__name=roles.APPROVER).exclude(pk=proposer.pk).first()
    assert task.pk in set(staff_tasks(approver).values_list("pk", flat=True))
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):  # the letter is rendered after the commit
        response = client.post(f"/staff/tasks/{task.pk}/", {"action": "approve", "comment": "Einverstanden."})

    assert response.status_code == 302
    application.refresh_from_db()
    decision = application.current_decision
    assert decision.status == DecisionStatus.APPROVED and decision.approved_by == approver
    assert application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
    assert decision.letter.file.size > 0
    assert FundingProcess.objects.get(pk=task.process_id).status == PROCESS.DONE


def test_a_generated_organisation_answers_a_generated_request_on_its_portal_page(client, generated):
    task = Task.objects.filter(flow_task=FundingFlow.answer_request, status=STATUS.NEW).first()
    application = FundingProcess.objects.get(pk=task.process_id).application
    representative = application.organisation.memberships.filter(role="representative").first().user
    client.force_login(representative)

    response = client.post(f"/applications/{application.pk}/answer/", {"answer": "Anbei.", "confirm": "on"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert ItemsRequest.objects.filter(application=application, answered_by=representative).exists()
    assert open_task(application, FundingFlow.check_completeness).status == STATUS.NEW


def test_generated_reviewers_see_the_reviews_assigned_to_them(client, generated):
    for task in Task.objects.filter(flow_task__in=[FundingFlow.review_first, FundingFlow.review_second]).filter(
        status=STATUS.ASSIGNED
    )[:5]:
        assert staff_tasks(task.owner).filter(pk=task.pk).exists()
        client.force_login(task.owner)
        assert client.get(f"/staff/tasks/{task.pk}/").status_code == 200


def test_generated_people_see_their_applications(client, generated):
    application = Application.objects.filter(status=ApplicationStatus.APPROVED).first()
    member = application.organisation.memberships.first().user
    client.force_login(member)
    assert client.get(f"/applications/{application.pk}/").status_code == 200
    staff_page = client.get(f"/staff/applications/{application.pk}/")
    assert staff_page.status_code == 403
    client.force_login(User.objects.get(email=f"clerk1@{generator.DOMAIN}"))
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert application.title in page


# -- running twice, seeds -------------------------------------------------------------------------------------


def test_a_second_run_is_refused_and_changes_nothing(generated):
    before = (Application.objects.count(), Task.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_data", seed=2, stdout=StringIO(), **SIZES)
    assert (Application.objects.count(), Task.objects.count(), User.objects.count()) == before


def snapshot() -> tuple:
    """The generated content, without ids (PostgreSQL's sequences move on even when a transaction rolls back)."""
    applications = Application.objects.order_by("pk")
    return (
        tuple(Organisation.objects.order_by("pk").values_list("name", "legal_form", "seat")),
        tuple(applications.values_list("organisation__name", "title", "status", "requested_amount", "submitted_at")),
        tuple(
            (task.flow_task.name, task.status, task.owner.email if task.owner else None, task.created)
            for task in Task.objects.order_by("pk").select_related("owner")
        ),
        tuple(User.objects.order_by("pk").values_list("email", "first_name", "last_name")),
    )


class Rollback(Exception):
    pass


def generated_snapshot(seed: int, now) -> tuple:
    try:
        with transaction.atomic():
            generator.generate(seed=seed, now=now, **SIZES)
            taken = snapshot()
            raise Rollback
    except Rollback:
        return taken


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    now = timezone.now()
    first = generated_snapshot(1, now)
    assert generated_snapshot(1, now) == first
    assert generated_snapshot(2, now)[0] != first[0]
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_bad_sizes_get_a_clear_message():
    with pytest.raises(CommandError, match="at least one call"):
        call_command("generate_data", applications=10, calls=0, organisations=5, stdout=StringIO())
