"""Grants after the decision in the demo: one approved application per state a visitor should see, each driven
through the real funding flow to its approval letter and then through the grant, payment and change flows by the
real services, as the staff and portal pages drive them.

Everything happens on the day the demo is loaded: the organisation retrieves its letter, which counts as delivered
the next day; it waives the appeal (Rechtsbehelfsverzicht), so the decision is final at once (all but the grant
waiting for finality and the two with an appeal); payments are marked paid and repayments received on the loading
day. The letters after the decision are rendered at once, as the decision letters are.
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
from grants.changes import change_approve, change_note, change_propose
from grants.checks import proof_check_approve, proof_check_propose, proof_check_send_back, proof_items_request
from grants.claims import claim_approve, claim_drop, claim_hearing, claim_propose_revocation, repayment_record
from grants.letters import grant_letter_render
from grants.models import PROOF_CHECKS, AppealOutcome, ChangeKind, Grant, GrantLetter, ProofKind, ProofOfUse
from grants.services import appeal_record, payment_certify, payment_release, payments_mark_paid
from organisations.models import Organisation
from organisations.services import bank_account_set
from workflow.change_services import change_report_and_start
from workflow.flows import FundingFlow
from workflow.flows.change import ChangeFlow
from workflow.flows.grant import GrantFlow, PaymentFlow
from workflow.grant_services import (
    appeal_end_and_continue,
    appeal_waive_and_continue,
    claim_answer_and_continue,
    payment_request_and_start,
)
from workflow.messages import tell_organisation
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
APPEAL_ENDED_AMENDED = "appeal_ended_amended"  # final when the appeal was dismissed; then amended (plan version 2)
CHANGE_NOTED_INTERIM = "change_noted_interim"  # a change within the tolerance noted; the interim proof submitted
ITEMS_REQUESTED = "items_requested"  # the clerk asked for missing items of the proof of use
CHECK_SENT_BACK = "check_sent_back"  # the second person sent the check back to the clerk
CLAIM_DROPPED = "claim_dropped"  # the answer to the hearing explained it: closed without a revocation
REPAYING = "repaying"  # revoked and repaid in part
REPAID = "repaid"  # revoked and repaid in full: closed


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
    past_year_end: bool = False  # the project runs into next year (so an interim proof of use is due)


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
    DemoGrant(
        APPEAL_ENDED_AMENDED,
        ELTERNVEREIN,
        PROJEKT,
        "Theatergruppe der Generationen",
        "Jugendliche und Großeltern erarbeiten ein Theaterstück über ihre Familiengeschichten.",
        (("staff", "Honorar Theaterpädagogin", "2600.00"), ("rent", "Probenraum", "600.00")),
        "400.00",
        "2800.00",
    ),
    DemoGrant(
        CHANGE_NOTED_INTERIM,
        FRAUENCAFE,
        PROJEKT,
        "Nähwerkstatt Gröpelingen",
        "Frauen nähen gemeinsam, reparieren Kleidung und geben ihr Wissen in Kursen weiter.",
        (("material", "Nähmaschinen und Stoffe", "1800.00"), ("staff", "Honorare Kursleitung", "1400.00")),
        "400.00",
        "2800.00",
        past_year_end=True,
    ),
    DemoGrant(
        ITEMS_REQUESTED,
        ELTERNVEREIN,
        STADTTEIL,
        "Spielenachmittage im Park",
        "Familien aus dem Quartier treffen sich samstags zu Spielen aus vielen Ländern.",
        (("material", "Spiele und Bälle", "1600.00"),),
        "100.00",
        "1500.00",
    ),
    DemoGrant(
        CHECK_SENT_BACK,
        FRAUENCAFE,
        PROJEKT,
        "Computerkurs für Seniorinnen",
        "Ältere Frauen lernen, Behördenportale und Videoanrufe zu nutzen.",
        (("staff", "Honorare Kursleitung", "2200.00"), ("material", "Leihgeräte", "600.00")),
        "300.00",
        "2500.00",
    ),
    DemoGrant(
        CLAIM_DROPPED,
        ELTERNVEREIN,
        PROJEKT,
        "Mathe-Treff für Fünftklässler",
        "Ehrenamtliche üben mit Kindern beim Übergang in die weiterführende Schule.",
        (("staff", "Aufwandsentschädigungen", "3000.00"),),
        "500.00",
        "2500.00",
    ),
    DemoGrant(
        REPAYING,
        FRAUENCAFE,
        PROJEKT,
        "Gesundheitscafé",
        "Ärztinnen und Hebammen beantworten Fragen von Frauen in ihren Sprachen.",
        (("staff", "Honorare Referentinnen", "3000.00"),),
        "500.00",
        "2500.00",
    ),
    DemoGrant(
        REPAID,
        ELTERNVEREIN,
        PROJEKT,
        "Berufsorientierung mit Eltern",
        "Eltern und Jugendliche besuchen gemeinsam Betriebe und Beratungsstellen.",
        (("travel", "Fahrten zu Betrieben", "1000.00"), ("staff", "Honorare Begleitung", "2000.00")),
        "500.00",
        "2500.00",
    ),
]

IBAN = {ELTERNVEREIN: "DE89370400440532013000", FRAUENCAFE: "DE02120300000000202051"}
# What the projects really cost, per plan line, when the proof of use comes in (None: as planned).
ACTUAL = {
    HEARING: ("2000.00",),
    REVOKED: ("1500.00", "500.00"),
    CLAIM_DROPPED: ("2000.00",),
    REPAYING: ("2000.00",),
    REPAID: ("500.00", "1500.00"),
}
RECLAIMED = {HEARING, REVOKED, CLAIM_DROPPED, REPAYING, REPAID}
ALL_MEMO_CHECKS = {name: True for name, _label in MEMO_CHECKS}
ALL_PROOF_CHECKS = {name: True for name, _label in PROOF_CHECKS}


def load_grants(users: dict) -> list[Grant]:
    """Create the demo grants that do not exist yet (found by their application's title)."""
    grants = []
    for spec in DEMO_GRANTS:
        existing = Grant.objects.filter(application__title=spec.title, organisation__name=spec.organisation).first()
        grants.append(existing or _demo_grant(spec, users))
    for letter in GrantLetter.objects.filter(grant__in=grants, rendered_at__isnull=True):  # as the worker would
        grant_letter_render(letter=letter)
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
    if spec.state == APPEAL_ENDED_AMENDED:
        _appeal_dismissed(grant, users["clerk"])
        _amended(grant, representative, users["clerk"], users["approver"])
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
    if spec.state == CHANGE_NOTED_INTERIM:
        paid = _request(grant, representative, "1200.00", "Nähmaschinen")
        _certify(paid, users["clerk"])
        _release(paid, users["payments"])
        payments_mark_paid(payments=[paid], by=users["payments"], paid_on=timezone.localdate())
        _noted(grant, representative, users["clerk"])
        _interim_proof(grant, representative)
        return grant
    # The project is done: the whole grant was paid out, the organisation proves the use.
    payment = _request(grant, representative, spec.amount, "Alle Ausgaben des Projekts")
    _certify(payment, users["clerk"])
    _release(payment, users["payments"])
    payments_mark_paid(payments=[payment], by=users["payments"], paid_on=timezone.localdate())
    proof = _submitted_proof(grant, representative, ACTUAL.get(spec.state))
    if spec.state == PROOF_SUBMITTED:
        return grant
    if spec.state == ITEMS_REQUESTED:
        _request_items(grant, proof, users["clerk"])
        return grant
    _propose_check(grant, proof, users["clerk"])
    if spec.state == CHECK_PROPOSED:
        return grant
    if spec.state == CHECK_SENT_BACK:
        _send_back(grant, users["approver"])
        return grant
    _approve_check(grant, users["approver"])
    if spec.state == CLOSED:
        grant.refresh_from_db()
        return grant
    claim = _hear(grant, users["clerk"])
    if spec.state == HEARING:
        return grant
    if spec.state == CLAIM_DROPPED:
        claim_answer_and_continue(
            claim=claim,
            by=representative,
            answer="Die Rechnung der zweiten Trainerin kam erst nach dem Nachweis; sie liegt jetzt bei.",
        )
        _drop(grant, users["clerk"])
        return grant
    claim_answer_and_continue(
        claim=claim,
        by=representative,
        answer="Zwei Workshops sind ausgefallen, weil die Referentin erkrankt war. Wir zahlen den Betrag zurück.",
    )
    payment.refresh_from_db()
    _revoke(grant, users["clerk"], users["approver"], payment.paid_on)
    if spec.state == REPAYING:
        _repay(grant, users["payments"], "400.00")
    if spec.state == REPAID:
        _repay(grant, users["payments"], str(grant.claims.get().amount))
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
        period_end=(
            date((today + timedelta(days=7)).year, 12, 31) + timedelta(days=120)
            if spec.past_year_end
            else today + timedelta(days=180)
        ),
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


# -- appeals and changes --------------------------------------------------------------------------------------------


def _appeal_dismissed(grant: Grant, clerk) -> None:
    """The organisation objected; the court dismissed the action the same day, so the decision is final."""
    appeal = appeal_record(
        grant=grant,
        by=clerk,
        kind="action",
        lodged_on=timezone.localdate(),
        note="Der Verein wollte auch die Kostümkosten gefördert haben.",
    )
    appeal_end_and_continue(
        appeal=appeal,
        by=clerk,
        outcome=AppealOutcome.DISMISSED,
        decided_on=timezone.localdate(),
        note="Die Klage wurde abgewiesen.",
    )
    grant.refresh_from_db()


def _report(grant: Grant, by, **change):
    return change_report_and_start(grant=grant, by=by, **change)


def _amended(grant: Grant, representative, clerk, approver) -> None:
    """The project takes three months longer: beyond the tolerance, so an amendment decision (plan version 2)."""
    report = _report(
        grant,
        representative,
        kind=ChangeKind.PERIOD,
        description="Die Aufführung musste verschoben werden, weil der Saal renoviert wird.",
        new_amounts={},
        new_period_end=grant.period_end + timedelta(days=90),
    )
    on = {"process__changeprocess__report": report}
    task_complete(
        task=_open_task(ChangeFlow.assess, **on),
        by=clerk,
        action=lambda process: change_propose(
            report=process.report, by=clerk, amount=grant.amount, note="Verlängerung ohne Mehrkosten."
        ),
    )
    task_complete(
        task=_open_task(ChangeFlow.approve, **on),
        by=approver,
        action=lambda process: change_approve(report=process.report, by=approver),
    )


def _noted(grant: Grant, representative, clerk) -> None:
    """Some money moves from one line to the other, within the 20 % a line may move: the clerk notes it."""
    first, second = grant.plan_versions.get(number=1).lines.order_by("position")
    report = _report(
        grant,
        representative,
        kind=ChangeKind.COSTS,
        description="Die Stoffe waren günstiger; wir setzen 200 EUR mehr für die Kursleitung ein.",
        new_amounts={first.pk: first.amount - 200, second.pk: second.amount + 200},
        new_period_end=None,
    )
    task_complete(
        task=_open_task(ChangeFlow.assess, process__changeprocess__report=report),
        by=clerk,
        action=lambda process: change_note(report=process.report, by=clerk, note="Im Rahmen von ANBest-P Nr. 1.2."),
    )


def _interim_proof(grant: Grant, by) -> ProofOfUse:
    """The interim proof (Zwischennachweis) for the first year, written and submitted on the portal's pages (its
    review by the office starts with the submission)."""
    from grants.proofs import proof_open, proof_update, receipt_add
    from workflow.grant_services import interim_proof_submit_and_continue

    proof = proof_open(grant=grant, kind=ProofKind.INTERIM)
    lines = list(proof.lines.select_related("plan_line").order_by("plan_line__position"))
    spent = {line.plan_line: Decimal("600.00") for line in lines}
    proof_update(
        proof=proof,
        by=by,
        report="Die ersten Kurse laufen; zwölf Frauen kommen regelmäßig.",
        purpose_achieved=True,
        actual_own_funds=Decimal("100.00"),
        actual_third_party_funds=Decimal("0.00"),
        actuals={plan_line.pk: amount for plan_line, amount in spent.items()},
    )
    for position, (plan_line, amount) in enumerate(spent.items(), start=1):
        receipt_add(
            proof=proof,
            by=by,
            date=timezone.localdate() - timedelta(days=10 + position),
            payee=f"Rechnung {position}: {plan_line.description}",
            purpose=plan_line.description,
            amount=amount,
            plan_line=plan_line,
        )
    return interim_proof_submit_and_continue(proof=proof, by=by, declaration=True)


# -- missing items, a check sent back, a claim dropped, repayments -----------------------------------------------------


def _request_items(grant: Grant, proof: ProofOfUse, clerk) -> None:
    message = "Bitte reichen Sie die Rechnung für die Bälle nach; sie fehlt in der Belegliste."

    def request(process):
        requested = proof_items_request(proof=proof, by=clerk, message=message)
        tell_organisation(grant.application, "proof_items_requested", message=message)  # as the check page does
        return requested

    task_complete(task=_open_task(GrantFlow.check_proof, process__grantprocess__grant=grant), by=clerk, action=request)


def _send_back(grant: Grant, approver) -> None:
    def send_back(process):
        check = process.grant.proofs.get(kind="final").checks.order_by("-version").first()
        return proof_check_send_back(
            check=check, by=approver, comment="Bitte die Stichprobe noch einmal prüfen: Beleg 2 fehlt die Quittung."
        )

    task_complete(
        task=_open_task(GrantFlow.approve_check, process__grantprocess__grant=grant), by=approver, action=send_back
    )


def _drop(grant: Grant, clerk) -> None:
    task_complete(
        task=_open_task(GrantFlow.decide_revocation, process__grantprocess__grant=grant),
        by=clerk,
        action=lambda process: claim_drop(
            claim=process.grant.claims.get(),
            by=clerk,
            reason="Die nachgereichte Rechnung belegt die fehlenden Ausgaben; es wird nichts zurückgefordert.",
        ),
    )


def _repay(grant: Grant, officer, amount: str) -> None:
    """A repayment received today, recorded on the repayment page: the step ends once the claim is settled."""
    task = _open_task(GrantFlow.await_repayment, process__grantprocess__grant=grant)
    _repayment, settled = repayment_record(
        claim=grant.claims.get(), by=officer, received_on=timezone.localdate(), amount=Decimal(amount)
    )
    if settled:
        task_complete(task=task, by=officer, action=lambda process: None)
