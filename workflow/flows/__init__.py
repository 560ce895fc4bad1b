"""The funding procedure (Zuwendungsverfahren) as a process graph. Node callbacks only call the domain's services."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from applications.delivery import letter_provide
from applications.models import Application, ApplicationStatus, DecisionOutcome, DecisionStatus
from workflow import tasks, views
from workflow.messages import tell_organisation, tell_reviewer
from workflow.models import EarlyStartProcess, FundingProcess
from workflow.nodes import CeleryHandle, FourEyesView, OrganisationTask, ReviewTask


class FundingFlow(flow.Flow):
    """Funding application

    From the submitted application to the decision letter: the completeness check (with requests for missing
    items), the content review by one or two reviewers, the decision proposal and its approval by a second
    person, the letter, and the message to the organisation.
    """

    process_class = FundingProcess
    lock_impl = lock.select_for_update_lock

    submit = flow.StartHandle(this.start_for_application).Next(this.confirm_receipt)
    confirm_receipt = (
        flow.Function(this.send_receipt).Annotation(title=_("Confirm receipt")).Next(this.check_completeness)
    )

    # Antragsprüfung, formal: complete, or ask for the missing items (Nachforderung).
    check_completeness = (
        flow.View(views.CompletenessCheckView.as_view())
        .Annotation(title=_("Check the application for completeness"))
        .Permission("applications.check_application")
        .Next(this.is_complete)
    )
    is_complete = (
        flow.If(this.found_complete)
        .Annotation(title=_("Complete?"))
        .Then(this.assign_reviewers)
        .Else(this.answer_request)
    )
    answer_request = (
        OrganisationTask(views.OrganisationTaskRedirect.as_view())
        .Annotation(title=_("The organisation sends the missing items"))
        .OnTimeout(this.answer_deadline, then=this.decide_overdue, title=_("Deadline passed"))
        .Next(this.check_completeness)
    )
    decide_overdue = (
        flow.View(views.OverdueDecisionView.as_view())
        .Annotation(title=_("No answer by the deadline: extend or reject"))
        .Permission("applications.check_application")
        .Next(this.is_extended)
    )
    is_extended = (
        flow.If(this.deadline_extended).Annotation(title=_("Extended?")).Then(this.answer_request).Else(this.propose)
    )

    # Antragsprüfung, content: one or two reviewers in parallel, each declaring conflicts of interest first.
    assign_reviewers = (
        flow.View(views.AssignReviewersView.as_view())
        .Annotation(title=_("Assign reviewers"))
        .Permission("applications.assign_reviewers")
        .Next(this.split_reviews)
    )
    split_reviews = flow.Split().Next(this.review_first).Next(this.review_second, case=this.needs_second_review)
    review_first = (
        ReviewTask(views.ReviewView.as_view(), slot=1)
        .Annotation(title=_("Review the application"))
        .Permission("applications.review_application")
        .Assign(this.first_reviewer)
        .onCreate(this.tell_reviewer)
        .Next(this.first_has_conflict)
    )
    first_has_conflict = (
        flow.If(this.conflict_in_first)
        .Annotation(title=_("Conflict of interest?"))
        .Then(this.reassign_first)
        .Else(this.join_reviews)
    )
    reassign_first = (
        flow.View(views.ReassignReviewerView.as_view(slot=1))
        .Annotation(title=_("Assign another reviewer"))
        .Permission("applications.assign_reviewers")
        .Next(this.review_first)
    )
    review_second = (
        ReviewTask(views.ReviewView.as_view(), slot=2)
        .Annotation(title=_("Review the application"))
        .Permission("applications.review_application")
        .Assign(this.second_reviewer)
        .onCreate(this.tell_reviewer)
        .Next(this.second_has_conflict)
    )
    second_has_conflict = (
        flow.If(this.conflict_in_second)
        .Annotation(title=_("Conflict of interest?"))
        .Then(this.reassign_second)
        .Else(this.join_reviews)
    )
    reassign_second = (
        flow.View(views.ReassignReviewerView.as_view(slot=2))
        .Annotation(title=_("Assign another reviewer"))
        .Permission("applications.assign_reviewers")
        .Next(this.review_second)
    )
    join_reviews = flow.Join().Annotation(title=_("All reviews done")).Next(this.propose)

    # Bescheid: proposal, approval by a second person (four eyes), letter, message.
    propose = (
        flow.View(views.ProposeDecisionView.as_view())
        .Annotation(title=_("Propose a decision"))
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
        flow.Function(this.send_decision_available).Annotation(title=_("Tell the organisation")).Next(this.is_grant)
    )
    is_grant = flow.If(this.decision_grants).Annotation(title=_("Granted?")).Then(this.open_grant).Else(this.end)
    open_grant = flow.Function(this.start_grant).Annotation(title=_("Open the grant")).Next(this.end)
    end = flow.End()

    def milestones(self):
        """The main stages of the procedure in order, as the applicant's progress bar shows them."""
        return [
            self.submit,
            self.check_completeness,
            self.assign_reviewers,
            self.review_first,
            self.propose,
            self.approve,
            self.create_letter,
            self.end,
        ]

    def start_for_application(self, activation, application):
        activation.process.application = application
        activation.process.copy_scope_keys(application)

    def send_receipt(self, activation):
        tell_organisation(activation.process.application, "application_submitted")

    def tell_reviewer(self, activation):
        if activation.task.owner_id:
            tell_reviewer(activation.process.application, activation.task.owner, activation.task.pk)

    def _status(self, activation):
        # Read afresh: the service that just ran changed the row, not the process's cached instance.
        return Application.objects.values_list("status", flat=True).get(pk=activation.process.application_id)

    def found_complete(self, activation):
        return self._status(activation) != ApplicationStatus.ITEMS_REQUESTED

    def answer_deadline(self, activation):
        return activation.process.application.items_requests.order_by("-requested_at").first().deadline

    def deadline_extended(self, activation):
        return self._status(activation) == ApplicationStatus.ITEMS_REQUESTED

    def needs_second_review(self, activation):
        return activation.process.application.review_assignments.filter(slot=2, active=True).exists()

    def _reviewer(self, activation, slot):
        assignment = activation.process.application.review_assignments.filter(slot=slot, active=True).first()
        return assignment.reviewer if assignment else None

    def first_reviewer(self, activation):
        return self._reviewer(activation, 1)

    def second_reviewer(self, activation):
        return self._reviewer(activation, 2)

    def _conflict(self, activation, slot):
        assignment = activation.process.application.review_assignments.filter(slot=slot, active=True).first()
        review = getattr(assignment, "review", None)
        return bool(review and review.conflict_of_interest)

    def conflict_in_first(self, activation):
        return self._conflict(activation, 1)

    def conflict_in_second(self, activation):
        return self._conflict(activation, 2)

    def proposer_id(self, process):
        decision = process.application.current_decision
        return decision.proposed_by_id if decision else None

    def decision_approved(self, activation):
        return activation.process.application.current_decision.status == DecisionStatus.APPROVED

    def decision_grants(self, activation):
        return activation.process.application.current_decision.outcome == DecisionOutcome.APPROVE

    def send_decision_available(self, activation):
        application = activation.process.application
        letter = application.current_decision.letter
        # With consent, the ten days for retrieval start now; without, the office is told to post the letter.
        by_retrieval = letter_provide(letter=letter)
        tell_organisation(
            application, "decision_available", by_post=not by_retrieval, postal_days=settings.POSTAL_DELIVERY_DAYS
        )

    def start_grant(self, activation):
        from grants.services import grant_open
        from workflow.flows.grant import GrantFlow

        grant = grant_open(decision=activation.process.application.current_decision)
        GrantFlow.open.run(grant=grant)


class EarlyStartFlow(flow.Flow):
    """Early start

    An organisation asks to start its project before the decision (vorzeitiger Maßnahmebeginn); a clerk grants or
    refuses, and the organisation is told.
    """

    process_class = EarlyStartProcess
    lock_impl = lock.select_for_update_lock

    request = flow.StartHandle(this.start_for_request).Next(this.decide)
    decide = (
        flow.View(views.EarlyStartDecisionView.as_view())
        .Annotation(title=_("Decide on an early start"))
        .Permission("applications.check_application")
        .Next(this.notify_organisation)
    )
    notify_organisation = flow.Function(this.send_decision).Annotation(title=_("Tell the organisation")).Next(this.end)
    end = flow.End()

    def start_for_request(self, activation, request):
        activation.process.request = request
        activation.process.copy_scope_keys(request.application)

    def send_decision(self, activation):
        request = activation.process.request
        request.refresh_from_db()
        tell_organisation(request.application, "early_start_decided", granted=bool(request.granted), note=request.note)
