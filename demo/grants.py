"""Grants after the decision in the demo: one approved application per state a visitor should see, each driven
through the real funding flow to its approval letter and then through the grant and payment flows by the real
services, as the staff and portal pages drive them.

Everything happens on the day the demo is loaded: the organisation retrieves its letter, which counts as delivered
the next day; it waives the appeal, so the decision is final at once (all but the grant waiting for finality and
the one under appeal); payments are marked paid on the loading day.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.delivery import letter_download_record
from applications.models import (
    MEMO_CHECKS,
    Application,
    CostCategory,
    CostLine,
    DecisionLetter,
    DocumentKind,
    RequiredDocument,
)
from applications.services import (
    completeness_confirm,
    decision_approve,
    decision_propose,
    document_add,
    review_declare,
    review_submit,
    reviewers_assign,
)
from demo.generate import placeholder_pdf
from grants.checks import proof_check_approve, proof_check_propose
from grants.claims import claim_approve, claim_hearing, claim_propose_revocation
from grants.models import PROOF_CHECKS, Grant, ProofOfUse
from grants.services import appeal_record, payment_certify, payment_release, payments_mark_paid
from organisations.models import Organisation
from organisations.services import bank_account_set
from workflow.flows import FundingFlow
from workflow.flows.grant import GrantFlow, PaymentFlow
from workflow.grant_services import appeal_waive_and_continue, claim_answer_and_continue, payment_request_and_start
from workflow.services import application_submit_and_start, task_complete
from workflow.tasks import create_decision_letter

# The states, in the order of the grant's life.
AWAITING_FINALITY = "awaiting_finality"
PAYMENT_REQUESTED = "payment_requested"
RELEASED_AND_PAID = "released_and_paid"
APPEAL_PENDING = "appeal_pending"
PROOF_SUBMITTED = "proof_submitted"
CHECK_PROPOSED = "check_proposed"
HEARING = "hearing"
REVOKED = "revoked"
CLOSED = "closed"


@dataclass(frozen=True)
class DemoGrant:
    state: str
    organisation: str
    programme: str
    title: str
    summary: str
    lines: tuple[tuple[str, str, str], ...]  # category, description, amount
    own_funds: str
    amount: str  # requested and granted


ELTERNVEREIN = "Deutsch-Türkischer Elternverein Bremen e.V."
FRAUENCAFE = "Frauencafé Gröpelingen"
PROJEKT = "Selbsthilfe- und Projektförderung"
STADTTEIL = "Stadtteilfonds"

DEMO_GRANTS = [
    DemoGrant(
        AWAITING_FINALITY,
        ELTERNVEREIN,
        PROJEKT,
        "Elterncafé Hemelingen",
        "Ein wöchentliches Elterncafé mit Beratung zu Schule und Ausbildung, auf Türkisch und Deutsch.",
        (("staff", "Honorare Moderation", "2400.00"), ("rent", "Raummiete Bürgerhaus", "600.00")),
        "500.00",
        "2500.00",
    ),
    DemoGrant(
        PAYMENT_REQUESTED,
        ELTERNVEREIN,
        PROJEKT,
        "Hausaufgabenhilfe Lindenhof",
        "Ehrenamtliche Hausaufgabenhilfe für Grundschulkinder, zweimal in der Woche.",
        (("staff", "Aufwandsentschädigungen", "3000.00"), ("material", "Lernmaterial", "800.00")),
        "300.00",
        "3500.00",
    ),
    DemoGrant(
        RELEASED_AND_PAID,
        FRAUENCAFE,
        PROJEKT,
        "Sprachcafé für Frauen",
        "Frauen aus dem Stadtteil üben Deutsch im Gespräch; Kinderbetreuung während der Treffen.",
        (("staff", "Honorare Sprachbegleitung", "2800.00"), ("other", "Kinderbetreuung", "700.00")),
        "500.00",
        "3000.00",
    ),
    DemoGrant(
        APPEAL_PENDING,
        ELTERNVEREIN,
        STADTTEIL,
        "Nachbarschaftsfest Gröpelingen",
        "Ein Fest für alle Nachbarinnen und Nachbarn, mit Musik und Essen aus vielen Ländern.",
        (("material", "Zelte und Bänke", "1200.00"), ("other", "Lebensmittel", "400.00")),
        "100.00",
        "1500.00",
    ),
    DemoGrant(
        PROOF_SUBMITTED,
        FRAUENCAFE,
        STADTTEIL,
        "Kochabende im Quartier",
        "Einmal im Monat kochen Frauen aus verschiedenen Ländern gemeinsam und laden die Nachbarschaft ein.",
        (("material", "Lebensmittel und Geschirr", "1600.00"),),
        "100.00",
        "1500.00",
    ),
    DemoGrant(
        CHECK_PROPOSED,
        ELTERNVEREIN,
        PROJEKT,
        "Bewerbungstraining für Jugendliche",
        "Jugendliche üben Bewerbungen und Vorstellungsgespräche mit ehrenamtlichen Mentorinnen und Mentoren.",
        (("staff", "Honorare Trainerin", "2000.00"), ("travel", "Fahrten zu Betrieben", "400.00")),
        "400.00",
        "2000.00",
    ),
    DemoGrant(
        HEARING,
        FRAUENCAFE,
        PROJEKT,
        "Empowerment-Workshops",
        "Sechs Workshops zu Rechten, Gesundheit und Beruf für Frauen mit Fluchtgeschichte.",
        (("staff", "Honorare Referentinnen", "3000.00"),),
        "500.00",
        "2500.00",
    ),
    DemoGrant(
        REVOKED,
        ELTERNVEREIN,
        PROJEKT,
        "Lesepatenschaften",
        "Ehrenamtliche Lesepatinnen und -paten lesen mit Kindern in zwei Sprachen.",
        (("material", "Bücher", "1500.00"), ("staff", "Schulung der Lesepaten", "1500.00")),
        "500.00",
        "2500.00",
    ),
    DemoGrant(
        CLOSED,
        FRAUENCAFE,
        STADTTEIL,
        "Frauenfrühstück im Stadtteil",
        "Ein monatliches Frühstück, bei dem Frauen sich kennenlernen und Informationen austauschen.",
        (("material", "Lebensmittel", "1600.00"),),
        "100.00",
        "1500.00",
    ),
]

IBAN = {ELTERNVEREIN: "DE89370400440532013000", FRAUENCAFE: "DE02120300000000202051"}
# What the projects really cost, per plan line, when the proof of use comes in (None: as planned).
ACTUAL = {HEARING: ("2000.00",), REVOKED: ("1500.00", "500.00")}
ALL_MEMO_CHECKS = {name: True for name, _label in MEMO_CHECKS}
ALL_PROOF_CHECKS = {name: True for name, _label in PROOF_CHECKS}


def load_grants(users: dict) -> list[Grant]:
    """Create the demo grants that do not exist yet (found by their application's title)."""
    grants = []
    for spec in DEMO_GRANTS:
        existing = Grant.objects.filter(application__title=spec.title, organisation__name=spec.organisation).first()
        grants.append(existing or _demo_grant(spec, users))
    return grants


def _demo_grant(spec: DemoGrant, users: dict) -> Grant:
    application = _approved(spec, users)
    grant = Grant.objects.get(application=application)
    representative = users["amina"]
    letter = DecisionLetter.objects.get(decision=grant.decision)
    letter = letter_download_record(letter=letter, by=representative)  # delivered the day after retrieval
    if spec.state == AWAITING_FINALITY:
        return grant
    if spec.state == APPEAL_PENDING:
        appeal_record(
            grant=grant,
            by=users["clerk"],
            kind="action",
            lodged_on=timezone.localdate(),
            note="Der Verein hält die Kürzung der Zelte für falsch und hat Klage erhoben.",
        )
        return grant
    bank_account_set(
        organisation=grant.organisation, by=representative, holder=spec.organisation, iban=IBAN[spec.organisation]
    )
    # The organisation waives the appeal (Rechtsbehelfsverzicht), so the decision is final today and every date
    # in the demo lies on or before the day it was loaded.
    appeal_waive_and_continue(grant=grant, by=representative)
    grant.refresh_from_db()
    if spec.state == PAYMENT_REQUESTED:
        _request(grant, representative, "1500.00", "Aufwandsentschädigungen für die ersten Wochen")
        second = _request(grant, representative, "800.00", "Lernmaterial")
        _certify(second, users["clerk"])
        return grant  # the first waits to be certified, the second to be released
    if spec.state == RELEASED_AND_PAID:
        paid = _request(grant, representative, "1500.00", "Honorare für die ersten Treffen")
        _certify(paid, users["clerk"])
        _release(paid, users["payments"])
        payments_mark_paid(payments=[paid], by=users["payments"], paid_on=timezone.localdate())
        released = _request(grant, representative, "700.00", "Kinderbetreuung")
        _certify(released, users["clerk"])
        _release(released, users["payments"])
        return grant
    # The project is done: the whole grant was paid out, the organisation proves the use.
    payment = _request(grant, representative, spec.amount, "Alle Ausgaben des Projekts")
    _certify(payment, users["clerk"])
    _release(payment, users["payments"])
    payments_mark_paid(payments=[payment], by=users["payments"], paid_on=timezone.localdate())
    proof = _submitted_proof(grant, representative, ACTUAL.get(spec.state))
    if spec.state == PROOF_SUBMITTED:
        return grant
    _propose_check(grant, proof, users["clerk"])
    if spec.state == CHECK_PROPOSED:
        return grant
    _approve_check(grant, users["approver"])
    if spec.state == CLOSED:
        grant.refresh_from_db()
        return grant
    claim = _hear(grant, users["clerk"])
    if spec.state == HEARING:
        return grant
    claim_answer_and_continue(
        claim=claim,
        by=representative,
        answer="Zwei Workshops sind ausgefallen, weil die Referentin erkrankt war. Wir zahlen den Betrag zurück.",
    )
    payment.refresh_from_db()
    _revoke(grant, users["clerk"], users["approver"], payment.paid_on)
    return grant


# -- the funding flow, as the staff pages drive it ---------------------------------------------------------------


def _open_task(node, **lookup) -> Task:
    return Task.objects.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED], **lookup)


def _approved(spec: DemoGrant, users: dict) -> Application:
    from applications.models import Call

    today = timezone.localdate()
    call = Call.objects.filter(programme__title_de=spec.programme).order_by("-last_day").first()
    application = Application.objects.create(
        organisation=Organisation.objects.get(name=spec.organisation),
        call=call,
        title=spec.title,
        summary=spec.summary,
        requested_amount=Decimal(spec.amount),
        own_funds=Decimal(spec.own_funds),
        period_start=today + timedelta(days=7),
        period_end=today + timedelta(days=180),
        created_by=users["amina"],
        contact_name="Amina Yılmaz",
        contact_email="amina@demo.teilhabe.example",
    )
    for category, description, amount in spec.lines:
        CostLine.objects.create(
            application=application,
            category=getattr(CostCategory, category.upper()),
            description=description,
            quantity=1,
            unit_price=Decimal(amount),
        )
    required = RequiredDocument.objects.filter(
        programme=call.programme, legal_form__in=["", application.organisation.legal_form]
    )
    for kind in dict.fromkeys(required.values_list("kind", flat=True)):
        name = DocumentKind(kind).label
        upload = SimpleUploadedFile(f"{kind}.pdf", placeholder_pdf(str(name), [spec.title]), "application/pdf")
        document_add(application=application, by=users["amina"], kind=kind, upload=upload)
    application_submit_and_start(application=application, by=users["amina"], delivery_consent=True)
    on = {"process__fundingprocess__application": application}
    clerk, approver = users["clerk"], users["approver"]
    task_complete(
        task=_open_task(FundingFlow.check_completeness, **on),
        by=clerk,
        action=lambda process: completeness_confirm(application=process.application, by=clerk),
    )
    reviewers = [users["reviewer"], users["reviewer2"]][: call.programme.reviewers_required]
    task_complete(
        task=_open_task(FundingFlow.assign_reviewers, **on),
        by=users["programme"],
        action=lambda process: reviewers_assign(
            application=process.application, by=users["programme"], reviewers=reviewers
        ),
    )
    for slot, reviewer in enumerate(reviewers, start=1):
        _review(application, slot, reviewer)
    task_complete(
        task=_open_task(FundingFlow.propose, **on),
        by=clerk,
        action=lambda process: decision_propose(
            application=process.application,
            by=clerk,
            outcome="approve",
            amount=Decimal(spec.amount),
            checks=ALL_MEMO_CHECKS,
            memo="Das Vorhaben passt zum Programm; der Finanzierungsplan ist schlüssig.",
        ),
    )
    task_complete(
        task=_open_task(FundingFlow.approve, **on),
        by=approver,
        action=lambda process: decision_approve(decision=process.application.current_decision, by=approver),
    )
    # The letter step is a Celery task; the demo renders the letter here rather than wait for a worker.
    create_decision_letter(task_id=_open_task(FundingFlow.create_letter, **on).pk)
    return application


def _review(application: Application, slot: int, reviewer) -> None:
    node = FundingFlow.review_first if slot == 1 else FundingFlow.review_second
    assignment = application.review_assignments.get(slot=slot, active=True)
    declared = review_declare(assignment=assignment, by=reviewer, conflict=False)
    criteria = application.call.programme.criteria.all()
    task_complete(
        task=_open_task(node, process__fundingprocess__application=application),
        by=reviewer,
        action=lambda process: review_submit(
            review=declared,
            by=reviewer,
            scores={criterion.pk: (4, "") for criterion in criteria},
            memo="Klar beschrieben, erreicht die Zielgruppe, Kosten angemessen.",
            double_funding=False,
            double_funding_note="",
            own_funds_counted=True,
        ),
    )


# -- payments -------------------------------------------------------------------------------------------------------


def _request(grant: Grant, by, amount: str, purpose: str):
    return payment_request_and_start(
        grant=grant,
        by=by,
        amount=Decimal(amount),
        purpose=purpose,
        needed_on=max(timezone.localdate(), grant.period_start) + timedelta(days=5),
    )


def _certify(payment, by) -> None:
    task_complete(
        task=_open_task(PaymentFlow.certify, process__paymentprocess__payment=payment),
        by=by,
        action=lambda process: payment_certify(payment=process.payment, by=by),
    )


def _release(payment, by) -> None:
    task_complete(
        task=_open_task(PaymentFlow.release, process__paymentprocess__payment=payment),
        by=by,
        action=lambda process: payment_release(payment=process.payment, by=by),
    )


# -- proof of use, check, reclaim -----------------------------------------------------------------------------------


def _submitted_proof(grant: Grant, by, actual: tuple[str, ...] | None) -> ProofOfUse:
    """The organisation's proof, written and submitted through the services its pages use: the actual costs per plan
    line with a receipt list."""
    from grants.proofs import proof_open, proof_update, receipt_add
    from workflow.grant_services import proof_submit_and_continue

    lines = list(grant.plan_versions.get(number=1).lines.all())
    figures = [Decimal(value) for value in actual] if actual else [line.amount for line in lines]
    proof = proof_open(grant=grant)
    proof_update(
        proof=proof,
        by=by,
        report="Das Projekt lief wie geplant; die Teilnehmenden kamen regelmäßig."
        if actual is None
        else "Das Projekt lief kleiner als geplant: einige Termine fielen aus, die Ausgaben waren geringer.",
        purpose_achieved=True,
        actual_own_funds=grant.own_funds,
        actual_third_party_funds=grant.third_party_funds,
        actuals={line.pk: spent for line, spent in zip(lines, figures, strict=True)},
    )
    position = 0
    for line, spent in zip(lines, figures, strict=True):
        parts = [spent - spent // 2, spent // 2] if spent >= 2 else [spent]
        for amount in (part for part in parts if part > 0):
            position += 1
            receipt_add(
                proof=proof,
                by=by,
                date=timezone.localdate() - timedelta(days=60 - position),
                payee=f"Rechnung {position}: {line.description}",
                purpose=line.description,
                amount=amount,
                plan_line=line,
            )
    proof_submit_and_continue(proof=proof, by=by, declaration=True)
    proof.refresh_from_db()
    return proof


def _propose_check(grant: Grant, proof: ProofOfUse, clerk) -> None:
    task_complete(
        task=_open_task(GrantFlow.check_proof, process__grantprocess__grant=grant),
        by=clerk,
        action=lambda process: proof_check_propose(
            proof=proof,
            by=clerk,
            checks=ALL_PROOF_CHECKS,
            memo="Sachbericht und Belegliste liegen vor; die Stichprobe stimmt mit der Liste überein.",
        ),
    )


def _approve_check(grant: Grant, approver) -> None:
    def approve(process):
        check = process.grant.proofs.get(kind="final").checks.order_by("-version").first()
        return proof_check_approve(check=check, by=approver, comment="Einverstanden.")

    task_complete(
        task=_open_task(GrantFlow.approve_check, process__grantprocess__grant=grant), by=approver, action=approve
    )


def _hear(grant: Grant, clerk):
    check = grant.proofs.get(kind="final").checks.get(status="approved")
    today = timezone.localdate()

    def hear(process):
        claim = claim_hearing(
            grant=process.grant,
            by=clerk,
            amount=check.reclaim,
            known_on=today,
            text=check.explanation,
            deadline=today + timedelta(days=21),
            proof_check=check,
        )
        return claim

    return task_complete(task=_open_task(GrantFlow.hear, process__grantprocess__grant=grant), by=clerk, action=hear)


def _revoke(grant: Grant, clerk, approver, paid_on: date) -> None:
    on = {"process__grantprocess__grant": grant}
    claim = grant.claims.get()
    task_complete(
        task=_open_task(GrantFlow.decide_revocation, **on),
        by=clerk,
        action=lambda process: claim_propose_revocation(
            claim=claim,
            by=clerk,
            scope="partial",
            ground="recalculation",
            revoked_amount=claim.amount,
            reasons="Die zuwendungsfähigen Ausgaben lagen unter dem Plan; die Anhörung bestätigte das.",
            weighing="Intendiertes Ermessen: Umstände, die gegen den Widerruf sprechen, sind nicht erkennbar.",
            effective_on=paid_on,
            repay_by=timezone.localdate() + timedelta(days=30),
        ),
    )

    task_complete(
        task=_open_task(GrantFlow.approve_revocation, **on),
        by=approver,
        action=lambda process: claim_approve(claim=claim, by=approver),
    )
