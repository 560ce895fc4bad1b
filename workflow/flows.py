"""The funding procedure as a process graph. Node callbacks only call the domain's services."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from applications.models import DecisionStatus
from workflow import tasks, views
from workflow.messages import tell_organisation
from workflow.models import FundingProcess
from workflow.nodes import CeleryHandle, FourEyesView


class FundingFlow(flow.Flow):
    """Funding application

    From the submitted application to the decision letter: a clerk checks it and proposes a decision, a second
    person approves it (four eyes), the letter is rendered and the organisation is told.
    """

    process_class = FundingProcess
    lock_impl = lock.select_for_update_lock

    submit = flow.StartHandle(this.start_for_application).Next(this.propose)

    propose = (
        flow.View(views.ProposeDecisionView.as_view())
        .Annotation(title=_("Check the application and propose a decision"))
        .Permission("applications.check_application")
        .Next(this.approve)
    )

    approve = (
        FourEyesView(views.ApproveDecisionView.as_view())
        .Annotation(title=_("Approve the decision (second person)"))
        .Permission("applications.approve_decision")
        .NotBy(this.proposer_id)
        .Next(this.is_approved)
    )

    is_approved = (
        flow.If(this.decision_approved).Annotation(title=_("Approved?")).Then(this.create_letter).Else(this.propose)
    )

    create_letter = (
        CeleryHandle(tasks.create_decision_letter)
        .Annotation(title=_("Render the decision letter"))
        .Next(this.notify_organisation)
    )

    notify_organisation = (
        flow.Function(this.send_decision_available).Annotation(title=_("Tell the organisation")).Next(this.end)
    )

    end = flow.End()

    def start_for_application(self, activation, application):
        activation.process.application = application

    def proposer_id(self, process):
        decision = process.application.current_decision
        return decision.proposed_by_id if decision else None

    def decision_approved(self, activation):
        return activation.process.application.current_decision.status == DecisionStatus.APPROVED

    def send_decision_available(self, activation):
        tell_organisation(activation.process.application, "decision_available")
