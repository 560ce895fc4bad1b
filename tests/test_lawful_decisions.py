"""Proposals that hold up in the audit: reasons for what is refused, whole funding secured without over-financing,
the review memo, and a call budget that can never be over-committed (§ 34 LHO)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from applications.errors import ApplicationError
from applications.models import (
    MEMO_CHECKS,
    Decision,
    DecisionStatus,
    FinancingMethod,
    ThirdPartyFunding,
)
from applications.services import application_withdraw, decision_propose
from tests.support.process import ALL_CHECKS, approve, open_task, propose
from workflow.flows import FundingFlow
from workflow.services import task_complete

CHECK_FIELDS = {name: "on" for name, _label in MEMO_CHECKS}


def post_proposal(client, application, **data):
    task = open_task(application, FundingFlow.propose)
    return client.post(f"/staff/tasks/{task.pk}/", data)


def propose_directly(application, clerk, **details):
    details.setdefault("checks", ALL_CHECKS)
    return task_complete(
        task=open_task(application, FundingFlow.propose),
        by=clerk,
        action=lambda process: decision_propose(application=process.application, by=clerk, **details),
    )


@pytest.fixture
def ten_thousand_plan(in_decision):
    """Costs 10,000, own funds 1,000, third-party funds 1,000 (applied for), a request of 8,000."""

    def make():
        application = in_decision(requested_amount=Decimal("8000.00"), own_funds=Decimal("1000.00"))
        application.cost_lines.update(unit_price=Decimal("10000.00"))
        ThirdPartyFunding.objects.create(application=application, funder="Stiftung Bremen", amount=Decimal("1000.00"))
        return application

    return make


# Reasons (§ 39 VwVfG) -----------------------------------------------------------------------------------------------


def test_a_grant_below_the_request_asks_for_the_grounds_next_to_the_field(client, in_decision, clerk):
    application = in_decision(requested_amount=Decimal("2500.00"))
    client.force_login(clerk)
    response = post_proposal(
        client,
        application,
        outcome="approve",
        amount="2.000,00",
        eligible_costs="2.500,00",
        **CHECK_FIELDS,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="kern-error" id="id_grounds-error"><span class="kern-icon kern-icon--danger" aria-hidden="true">'
        '</span><span class="kern-body">Die Zuwendung liegt unter dem beantragten Betrag' in page
    )
    assert 'value="2.000,00"' in page  # what the clerk typed stays
    assert application.decisions.count() == 0


def test_discretionary_grounds_need_the_weighing(in_decision, clerk):
    application = in_decision()
    with pytest.raises(ApplicationError) as refused:
        propose_directly(
            application, clerk, outcome="reject", grounds=["budget"], reasons="Der Aufruf ist ausgeschöpft."
        )
    assert refused.value.field == "weighing"
    assert "Ermessen" in refused.value.message


def test_a_rule_ground_needs_no_weighing_and_the_grounds_are_kept(in_decision, clerk):
    application = in_decision()
    decision = propose_directly(
        application, clerk, outcome="reject", grounds=["eligibility"], reasons="Der Sitz liegt nicht in Bremen."
    )
    assert list(decision.grounds.values_list("ground", flat=True)) == ["eligibility"]
    assert decision.reasons == "Der Sitz liegt nicht in Bremen."


def test_a_partial_grant_records_what_is_refused(in_decision, clerk):
    application = in_decision(requested_amount=Decimal("2500.00"))
    decision = propose(application, by=clerk, amount=Decimal("2000.00"))
    assert decision.is_partial
    assert decision.rejected_amount == Decimal("500.00")
    assert decision.requested_amount == Decimal("2500.00")


# Whole funding (VV Nr. 1.2 zu § 44 LHO) and no over-financing ---------------------------------------------------


def test_a_plan_gap_is_refused_with_the_gap_named(ten_thousand_plan, clerk):
    application = ten_thousand_plan()
    with pytest.raises(ApplicationError) as refused:
        propose_directly(
            application,
            clerk,
            outcome="approve",
            amount=Decimal("6500.00"),
            grounds=["budget"],
            reasons="Der Aufruf ist fast ausgeschöpft.",
            weighing="Alle Anträge werden anteilig gekürzt.",
        )
    assert refused.value.field == "gap_closure"
    assert "1.500,00 EUR" in refused.value.message
    assert not Decision.objects.filter(application=application).exists()


def test_a_gap_is_accepted_when_the_clerk_lowers_the_eligible_costs(ten_thousand_plan, clerk):
    application = ten_thousand_plan()
    decision = propose_directly(
        application,
        clerk,
        outcome="approve",
        amount=Decimal("6500.00"),
        eligible_costs=Decimal("8500.00"),
        grounds=["costs"],
        reasons="Die Honorare sind höher als üblich.",
        weighing="Üblich sind 40 EUR je Stunde; gefördert wird dieser Satz.",
    )
    assert decision.eligible_costs == Decimal("8500.00")
    assert decision.funding_gap == Decimal("0.00")
    assert decision.third_party_funds == Decimal("1000.00")


def test_a_gap_is_accepted_when_the_clerk_records_how_it_is_closed(ten_thousand_plan, clerk):
    application = ten_thousand_plan()
    decision = propose_directly(
        application,
        clerk,
        outcome="approve",
        amount=Decimal("6500.00"),
        gap_closure="Der Verein erhöht seine Eigenmittel um 1.500 EUR (Zusage vom 1.12.).",
        grounds=["budget"],
        reasons="Der Aufruf ist fast ausgeschöpft.",
        weighing="Alle Anträge werden anteilig gekürzt.",
    )
    assert decision.funding_gap == Decimal("1500.00")
    assert "1.500 EUR" in decision.gap_closure


@pytest.mark.parametrize("method", [FinancingMethod.FULL, FinancingMethod.PARTIAL])
def test_full_and_share_financing_never_exceed_the_shortfall_at_proposal(ten_thousand_plan, clerk, method):
    application = ten_thousand_plan()
    programme = application.call.programme
    programme.financing_method = method
    programme.share_percent = Decimal("90.00")
    programme.save()
    type(application).objects.filter(pk=application.pk).update(requested_amount=Decimal("9000.00"))
    with pytest.raises(ApplicationError) as refused:
        propose_directly(application, clerk, outcome="approve", amount=Decimal("9000.00"))
    assert refused.value.field == "amount"
    assert "8.000,00 EUR" in refused.value.message


def test_eligible_costs_cannot_be_raised_above_the_plan(in_decision, clerk):
    application = in_decision()
    with pytest.raises(ApplicationError) as refused:
        propose_directly(
            application, clerk, outcome="approve", amount=Decimal("2500.00"), eligible_costs=Decimal("99999.00")
        )
    assert refused.value.field == "eligible_costs"


# The review memo (Prüfvermerk) -----------------------------------------------------------------------------------


def test_an_approval_needs_every_check_of_the_memo_next_to_its_box(client, in_decision, clerk):
    application = in_decision()
    client.force_login(clerk)
    unticked = {name: "on" for name, _label in MEMO_CHECKS if name != "check_no_double_funding"}
    response = post_proposal(client, application, outcome="approve", amount="2.500,00", **unticked)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_check_no_double_funding-error"' in page
    assert "Bestätigen Sie diese Prüfung oder schlagen Sie eine Ablehnung vor." in page
    assert application.decisions.count() == 0
    assert page.count("checked") == len(MEMO_CHECKS) - 1 + 1  # the ticked checks and the chosen outcome stay


def test_the_approver_reads_the_memo_and_the_reasons(client, in_decision, clerk, approver):
    application = in_decision(requested_amount=Decimal("2500.00"))
    propose(
        application,
        by=clerk,
        amount=Decimal("2000.00"),
        memo="Gutes Konzept, Honorare angemessen.",
        grounds=["budget"],
        reasons="Der Aufruf ist fast ausgeschöpft.",
        weighing="Gekürzt wird bei allen Anträgen gleich.",
    )
    client.force_login(approver)
    task = open_task(application, FundingFlow.approve)
    page = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "Gutes Konzept, Honorare angemessen." in page
    assert "Der Aufruf ist fast ausgeschöpft." in page
    assert "Gekürzt wird bei allen Anträgen gleich." in page
    assert "Teilbewilligung" in page


# Budget control (§ 34 LHO) -----------------------------------------------------------------------------------------


def small_budget(application, amount: str):
    call = application.call
    call.budget = Decimal(amount)
    call.save()


def test_a_proposal_reserves_and_an_approval_commits(in_decision, clerk, approver):
    from applications.budget import budget_position

    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    position = budget_position(application.call)
    assert (position.reserved, position.committed) == (Decimal("2500.00"), Decimal("0.00"))
    approve(application, by=approver)
    position = budget_position(application.call)
    assert (position.reserved, position.committed) == (Decimal("0.00"), Decimal("2500.00"))


def test_over_commitment_is_refused_at_proposal_with_what_is_left(in_decision, clerk):
    first, second = in_decision(), in_decision()
    small_budget(first, "4000.00")
    propose(first, by=clerk, amount=Decimal("2500.00"))
    with pytest.raises(ApplicationError) as refused:
        propose(second, by=clerk, amount=Decimal("2500.00"))
    assert refused.value.field == "amount"
    assert "1.500,00 EUR" in refused.value.message  # what is left


def test_sending_back_and_withdrawing_release_the_reservation(in_decision, clerk, approver, alice):
    from applications.budget import budget_position
    from applications.services import decision_send_back

    first, second = in_decision(), in_decision()
    small_budget(first, "2500.00")
    propose(first, by=clerk, amount=Decimal("2500.00"))
    task_complete(
        task=open_task(first, FundingFlow.approve),
        by=approver,
        action=lambda process: decision_send_back(
            decision=process.application.current_decision, by=approver, comment="Bitte kürzen."
        ),
    )
    assert budget_position(first.call).reserved == Decimal("0.00")
    propose(second, by=clerk, amount=Decimal("2500.00"))
    application_withdraw(application=second, by=alice, reason="Projekt fällt aus.")
    assert second.decisions.get().status == DecisionStatus.LAPSED
    assert budget_position(first.call).available == Decimal("2500.00")


def test_an_approval_is_refused_when_the_budget_was_lowered_meanwhile(in_decision, clerk, approver):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    small_budget(application, "2000.00")
    with pytest.raises(ApplicationError) as refused:
        approve(application, by=approver)
    assert "2.000,00 EUR" in refused.value.message
    assert application.current_decision.status == DecisionStatus.PROPOSED


def test_the_call_budget_cannot_be_set_below_approved_grants(in_decision, clerk, approver):
    from django.core.exceptions import ValidationError

    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    approve(application, by=approver)
    call = application.call
    call.budget = Decimal("1000.00")
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "budget" in refused.value.message_dict


def test_an_approval_needs_an_anbest_version_in_force(in_decision, clerk, approver):
    application = in_decision()
    application.call.programme.authority.anbest_versions.all().delete()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    with pytest.raises(ApplicationError) as refused:
        approve(application, by=approver)
    assert "ANBest-P" in refused.value.message


def test_the_approval_fixes_the_anbest_version(in_decision, clerk, approver):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    approve(application, by=approver)
    decision = application.current_decision
    assert decision.anbest == application.call.programme.authority.current_anbest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)")
def test_two_approvals_at_once_never_exceed_the_budget(alice, organisation, call, clerk, programme_admin, reviewer):
    """Both proposals were reserved within the budget; the budget was then lowered to fit one. Two approvers
    approve at the same moment: one grant is committed, the other approver is told why not."""
    from applications import roles
    from applications.budget import budget_position
    from tests.factories import ApplicationFactory, UserFactory
    from tests.support.process import through_review
    from workflow.services import application_submit_and_start

    approvers = [UserFactory(email=f"approver{n}@example.org", roles=[roles.APPROVER]) for n in (1, 2)]
    applications = []
    for _ in range(2):
        application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
        application_submit_and_start(application=application, by=alice)
        through_review(application, clerk=clerk, admin=programme_admin, reviewer=reviewer)
        propose(application, by=clerk, amount=Decimal("2500.00"))
        applications.append(application)
    small_budget(applications[0], "4000.00")
    start = threading.Barrier(2)
    outcomes = []

    def approve_at_once(application, user):
        from applications.services import decision_approve

        def slow_approval(process):
            start.wait()
            return decision_approve(decision=process.application.current_decision, by=user)

        try:
            task_complete(task=open_task(application, FundingFlow.approve), by=user, action=slow_approval)
            outcomes.append("approved")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve_at_once, args=pair) for pair in zip(applications, approvers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("approved") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "approved")
    assert "1.500,00 EUR" in refusal  # what is left after the other approval
    assert budget_position(call).committed == Decimal("2500.00")


# Addressee (§ 37(1) VwVfG) -----------------------------------------------------------------------------------------


def test_an_organisation_without_a_street_cannot_submit_and_is_told_where_to_add_it(client, alice, organisation, call):
    from tests.factories import ApplicationFactory

    organisation.street = ""
    organisation.save()
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    page = client.get(f"/applications/{application.pk}/submit/").content.decode()
    assert "Postanschrift" in page
    response = client.post(f"/applications/{application.pk}/submit/", {"confirm": "on"})
    application.refresh_from_db()
    assert application.status == "draft"
    assert "Postanschrift" in response.content.decode()
