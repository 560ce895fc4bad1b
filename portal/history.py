"""The application's history in plain words for the organisation (the office's internal steps are left out)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.models import EventKind

_SENTENCES = {
    EventKind.CREATED: lambda d: _("You started the draft on %(date)s.") % d,
    EventKind.SUBMITTED: lambda d: _("Your application was received on %(date)s.") % d,
    EventKind.COMPLETENESS_CONFIRMED: lambda d: (
        _("On %(date)s the office found your application complete; the content review began.") % d
    ),
    EventKind.ITEMS_REQUESTED: lambda d: _("On %(date)s the office asked you for missing items.") % d,
    EventKind.ITEMS_SUBMITTED: lambda d: _("You sent the missing items on %(date)s.") % d,
    EventKind.DEADLINE_EXTENDED: lambda d: _("On %(date)s the office gave you more time.") % d,
    EventKind.DEADLINE_MISSED: lambda d: (
        _("The deadline passed without an answer; on %(date)s the office went on without the missing items.") % d
    ),
    EventKind.EARLY_START_REQUESTED: lambda d: _("On %(date)s you asked to start the project early.") % d,
    EventKind.EARLY_START_DECIDED: lambda d: _("On %(date)s the office decided on the early start.") % d,
    EventKind.LETTER_ISSUED: lambda d: _("The decision letter was issued on %(date)s.") % d,
    EventKind.LETTER_DOWNLOADED: lambda d: _("The decision letter was first downloaded on %(date)s.") % d,
    EventKind.DELIVERY_CONSENTED: lambda d: (
        _("On %(date)s you consented to receiving the decision electronically, by download in the portal.") % d
    ),
    EventKind.LETTER_DELIVERED: lambda d: (
        _(
            "On %(date)s a person authorised to receive letters downloaded the decision letter; it counts as "
            "delivered on the following day."
        )
        % d
    ),
    EventKind.LETTER_READ_UNAUTHORISED: lambda d: (
        _(
            "On %(date)s a member not authorised to receive letters downloaded the decision letter; this does not "
            "count as delivery."
        )
        % d
    ),
    EventKind.LETTER_TO_POST: lambda d: _("On %(date)s the decision letter went to the office to be sent by post.") % d,
    EventKind.LETTER_POSTED: lambda d: (
        _("On %(date)s the office recorded that it sent the decision letter by post.") % d
    ),
    EventKind.GRANT_LETTER_DELIVERED: lambda d: (
        _(
            "On %(date)s a person authorised to receive letters downloaded a letter about your grant; it counts as "
            "delivered on the following day."
        )
        % d
    ),
    EventKind.GRANT_LETTER_TO_POST: lambda d: (
        _("On %(date)s a letter about your grant went to the office to be sent by post.") % d
    ),
    EventKind.GRANT_LETTER_POSTED: lambda d: (
        _("On %(date)s the office recorded that it sent a letter about your grant by post.") % d
    ),
    EventKind.WITHDRAWN: lambda d: _("The application was withdrawn on %(date)s.") % d,
    EventKind.CANCELLED: lambda d: _("The office ended the procedure on %(date)s.") % d,
    EventKind.GRANT_OPENED: lambda d: _("On %(date)s the grant was opened.") % d,
    EventKind.APPEAL_WAIVED: lambda d: (
        _("On %(date)s you waived the right to appeal; the decision became final at once.") % d
    ),
    EventKind.APPEAL_LODGED: lambda d: (
        _("On %(date)s the office recorded an appeal against the decision; payments wait until it ends.") % d
    ),
    EventKind.APPEAL_ENDED: lambda d: _("On %(date)s the office recorded the end of the appeal.") % d,
    EventKind.GRANT_FINAL: lambda d: _("On %(date)s the decision became final: you can request the money.") % d,
    EventKind.PAYMENT_REQUESTED: lambda d: _("On %(date)s you requested a payment.") % d,
    EventKind.PAYMENT_RELEASED: lambda d: _("On %(date)s the office released a payment.") % d,
    EventKind.PAYMENT_REFUSED: lambda d: _("On %(date)s the office refused a payment request.") % d,
    EventKind.PAYMENT_PAID: lambda d: _("On %(date)s a payment was made to your account.") % d,
    EventKind.PROOF_STARTED: lambda d: _("On %(date)s you started writing the proof of use.") % d,
    EventKind.PROOF_SUBMITTED: lambda d: _("On %(date)s you submitted the proof of use.") % d,
    EventKind.PROOF_ITEMS_REQUESTED: lambda d: (
        _("On %(date)s the office asked for missing items of the proof of use.") % d
    ),
    EventKind.PROOF_CHECK_APPROVED: lambda d: _("On %(date)s the office finished checking the proof of use.") % d,
    EventKind.HEARING_SENT: lambda d: (
        _("On %(date)s the office told you that it intends to reclaim money, and asked for your answer.") % d
    ),
    EventKind.HEARING_ANSWERED: lambda d: _("You answered the hearing on %(date)s.") % d,
    EventKind.REVOKED: lambda d: (
        _("On %(date)s the office revoked the grant in part or in full: money is to be repaid.") % d
    ),
    EventKind.CLAIM_DROPPED: lambda d: _("On %(date)s the office decided not to reclaim money.") % d,
    EventKind.REPAYMENT_RECEIVED: lambda d: _("On %(date)s the office received a repayment.") % d,
    EventKind.GRANT_CLOSED: lambda d: _("On %(date)s the grant was closed.") % d,
}


def public_history(application) -> list[dict]:
    rows = []
    for event in application.events.all():
        sentence = _SENTENCES.get(event.kind)
        if sentence is None:
            continue
        date = formats.date_format(timezone.localtime(event.at), "SHORT_DATE_FORMAT")
        shown_notes = (
            EventKind.CANCELLED,
            EventKind.WITHDRAWN,
            EventKind.ITEMS_REQUESTED,
            EventKind.PAYMENT_REFUSED,
            EventKind.PROOF_ITEMS_REQUESTED,
            EventKind.PROOF_STARTED,
            EventKind.PROOF_SUBMITTED,
        )
        note = event.note if event.kind in shown_notes else ""
        rows.append({"at": event.at, "text": sentence({"date": date}), "note": note})
    return rows
