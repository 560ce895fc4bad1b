"""The application's history in plain words for the organisation (the office's internal steps are left out)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.models import EventKind

_SENTENCES = {
    EventKind.CREATED: lambda d: _("You started the draft on %(date)s.") % d,
    EventKind.SUBMITTED: lambda d: _("Your application was received on %(date)s.") % d,
    EventKind.LETTER_ISSUED: lambda d: _("The decision letter was issued on %(date)s.") % d,
    EventKind.LETTER_DOWNLOADED: lambda d: (
        _("The decision letter was first downloaded on %(date)s; it counts as delivered on the following day.") % d
    ),
    EventKind.WITHDRAWN: lambda d: _("The application was withdrawn on %(date)s.") % d,
    EventKind.CANCELLED: lambda d: _("The office ended the procedure on %(date)s.") % d,
}


def public_history(application) -> list[dict]:
    rows = []
    for event in application.events.all():
        sentence = _SENTENCES.get(event.kind)
        if sentence is None:
            continue
        date = formats.date_format(timezone.localtime(event.at), "SHORT_DATE_FORMAT")
        note = event.note if event.kind in (EventKind.CANCELLED, EventKind.WITHDRAWN) else ""
        rows.append({"at": event.at, "text": sentence({"date": date}), "note": note})
    return rows
