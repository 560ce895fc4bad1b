"""A change reported during the project (ANBest-P Nr. 5), as a process graph.

Node callbacks only call the grant room's services; the pages that move them are in `workflow/change_views.py`.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from grants.models import ChangeStatus
from workflow import change_views
from workflow.messages import tell_organisation
from workflow.models import ChangeProcess
from workflow.nodes import FourEyesView


class ChangeFlow(flow.Flow):
    """Change report

    The organisation reports a change in costs, period, partners or purpose. A clerk notes it when it stays within
    the plan's tolerance (ANBest-P Nr. 1.2), refuses it, or proposes an amendment decision; a second person approves
    the amendment (four eyes), which issues the Änderungsbescheid. The organisation is told.
    """

    process_class = ChangeProcess
    lock_impl = lock.select_for_update_lock

    report = flow.StartHandle(this.start_for_report).Next(this.assess)
    assess = (
        flow.View(change_views.AssessChangeView.as_view())
        .Annotation(title=_("Assess the reported change"))
        .Permission("applications.check_application")
        .Next(this.is_proposed)
    )
    is_proposed = (
        flow.If(this.amendment_proposed)
        .Annotation(title=_("Amendment proposed?"))
        .Then(this.approve)
        .Else(this.tell_decided)
    )
    approve = (
        FourEyesView(change_views.ApproveChangeView.as_view())
        .Annotation(title=_("Approve the amendment decision (second person)"))
        .Permission("applications.approve_decision")
        .NotBy(this.proposer_id)
        .Next(this.tell_decided)
    )
    tell_decided = flow.Function(this.send_decided).Annotation(title=_("Tell the organisation")).Next(this.end)
    end = flow.End()

    def start_for_report(self, activation, report):
        activation.process.report = report
        activation.process.copy_scope_keys(report.grant.application)

    def amendment_proposed(self, activation):
        report = activation.process.report
        return type(report).objects.values_list("status", flat=True).get(pk=report.pk) == ChangeStatus.PROPOSED

    def proposer_id(self, process):
        return type(process.report).objects.values_list("proposed_by_id", flat=True).get(pk=process.report_id)

    def send_decided(self, activation):
        report = activation.process.report
        report.refresh_from_db()
        grant = report.grant
        if report.status == ChangeStatus.NOTED:
            tell_organisation(grant.application, "change_noted", note=report.note)
        else:
            tell_organisation(
                grant.application,
                "change_decided",
                amended=report.status == ChangeStatus.AMENDED,
                amount=str(report.proposed_amount or grant.amount),
                note=report.note,
            )
