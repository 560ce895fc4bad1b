"""The process dashboard for programme administrators, its refreshable figures, and the transparency export."""

import math

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views import View

from applications.models import ApplicationStatus
from reporting import metrics, transparency
from reporting.forms import SelectionForm
from reporting.steps import STAFF_STEPS, funding_steps, step_key, step_labels

PERMISSION = "reporting.view_dashboard"


class DashboardAccess(LoginRequiredMixin):
    """Programme administrators (and whoever else holds the permission) only; everyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def format_duration(seconds: float) -> str:
    """A duration as people say it: minutes under an hour, hours under two days, then days."""
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    if seconds < 2 * 86400:
        hours = round(seconds / 3600)
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    days = round(seconds / 86400, 1)
    if days == math.floor(days):
        return ngettext("%(count)s day", "%(count)s days", int(days)) % {"count": int(days)}
    return _("%(count)s days") % {"count": formats.number_format(days, 1)}


def _bars(rows: list[dict]) -> list[dict]:
    """Each row's bar as a share of the largest count; right-to-left pages grow bars from the right."""
    highest = max((row["count"] for row in rows), default=0) or 1
    rtl = get_language_bidi()
    for row in rows:
        row["percent"] = round(100 * row["count"] / highest, 1)
        row["x"] = round(100 - row["percent"], 1) if rtl else 0
    return rows


def blocks(figures: dict) -> dict:
    """The cached figures with their labels in the active language, ready for the template."""
    labels = step_labels()
    steps = figures["steps"]
    step_rows = [{"label": _("Drafts, not yet submitted"), "count": steps["drafts"]}]
    step_rows += [{"label": labels[key], "count": steps["open"].get(key, 0)} for key in map(step_key, funding_steps())]
    step_rows += [
        {"label": _("Ended: %(outcome)s") % {"outcome": ApplicationStatus(status).label}, "count": count}
        for status, count in steps["ended"].items()
    ]
    durations = [
        {
            "label": labels[key],
            "count": figures["durations"][key]["count"],
            "median": format_duration(figures["durations"][key]["median"]),
            "p90": format_duration(figures["durations"][key]["p90"]),
        }
        for key in map(step_key, funding_steps())
        if key in figures["durations"]
    ]
    overdue = figures["overdue"]
    workload = figures["workload"]
    staff_keys = [step_key(node) for node in STAFF_STEPS]
    return {
        "as_of": figures["as_of"],
        "steps": _bars(step_rows),
        "budget": figures["budget"],
        "grants": figures["grants"],
        "payments": figures["payments"],
        "durations": durations,
        "overdue": {
            **overdue,
            "staff": [{**row, "step": labels[row["step"]]} for row in overdue["staff"]],
        },
        "people": [
            {
                "name": person["name"],
                "total": person["total"],
                "steps": [(labels[key], person["steps"][key]) for key in staff_keys if key in person["steps"]],
            }
            for person in workload["people"]
        ],
        "unassigned": [(labels[key], workload["unassigned"].get(key, 0)) for key in staff_keys],
        "diagram": metrics.diagram(steps["open"]),
    }


def _selected(request):
    form = SelectionForm(request.GET, user=request.user)
    return form, (form.selection() if form.is_valid() else None)


def _base_rate_missing_from():
    """The day from which the base rate table lacks a published rate (interest on claims needs it), or None."""
    from django.utils import timezone

    from grants.interest import base_rate_missing_from, base_rates

    return base_rate_missing_from(base_rates(), timezone.localdate())


class DashboardView(DashboardAccess, View):
    def get(self, request):
        from notifications.selectors import undelivered_count

        form, selection = _selected(request)
        context = {"form": form, "query": request.GET.urlencode()}
        if request.user.has_perm("notifications.change_notification"):
            context["undelivered"] = undelivered_count()
        context["base_rate_missing_from"] = _base_rate_missing_from()
        if request.user.has_perm("organisations.change_invitation"):
            from organisations.selectors import undelivered_invitation_count

            context["undelivered_invitations"] = undelivered_invitation_count()
        if selection is None:
            return render(request, "reporting/dashboard.html", context, status=400)
        context["figures"] = blocks(metrics.figures(selection))
        return render(request, "reporting/dashboard.html", context)


class FiguresView(DashboardAccess, View):
    """The figures alone, for the page's script to swap in every minute."""

    def get(self, request):
        form, selection = _selected(request)
        if selection is None:
            return HttpResponse(status=400)
        context = {"figures": blocks(metrics.figures(selection)), "query": request.GET.urlencode()}
        return render(request, "reporting/_figures.html", context)


class TransparencyExportView(DashboardAccess, View):
    def get(self, request, fmt):
        from applications.spreadsheets import csv_response, xlsx_response

        form, selection = _selected(request)
        if selection is None:
            return render(
                request, "reporting/dashboard.html", {"form": form, "query": request.GET.urlencode()}, status=400
            )
        name, rows = f"transparency-{timezone.localdate():%Y-%m-%d}", transparency.rows(selection)
        if fmt == "xlsx":
            return xlsx_response(name, transparency.headers(), rows, title=_("Grants"))
        return csv_response(name, transparency.headers(), rows)
