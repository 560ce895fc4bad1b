"""The public catalogue: funding programmes and support offers, each with a page of its own. No login needed."""

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render

from applications.formatting import format_money
from applications.models import Programme
from catalogue import plain
from catalogue.forms import CatalogueFilterForm
from catalogue.selectors import catalogue, programme_summary, published_offers


def index(request):
    form = CatalogueFilterForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    return render(
        request,
        "catalogue/index.html",
        {"form": form, "entries": catalogue(form.filters()), "active_filters": active_filters(request.GET, form)},
        status=400 if invalid else 200,
    )


def active_filters(query: QueryDict, form: CatalogueFilterForm) -> list[dict]:
    """The filters in use, each with the address of the same search without it."""
    if not form.is_bound:
        return []
    rows = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        if name == "amount":
            shown = f"{format_money(value)} EUR"
        elif hasattr(field, "choices") and name != "topic":
            shown = dict(field.choices).get(value, value)
        else:
            shown = str(value)
        without = query.copy()
        without.pop(name, None)
        rows.append({"label": field.label, "value": shown, "url": f"?{without.urlencode()}"})
    return rows


def programme_detail(request, pk):
    try:
        summary = programme_summary(pk)
    except Programme.DoesNotExist:
        raise Http404 from None
    programme = summary.programme
    return render(
        request,
        "catalogue/programme.html",
        {
            "summary": summary,
            "programme": programme,
            "call": summary.current_call,
            "who_may_apply": plain.who_may_apply(summary),
            "how_much": plain.how_much(summary),
            "financing": plain.financing_explained(programme),
            "own_share": plain.own_share(programme),
            "by_when": plain.by_when(summary),
            "project_period": plain.project_period(summary.current_call) if summary.current_call else "",
        },
    )


def offer_detail(request, pk):
    offer = get_object_or_404(published_offers(), pk=pk)
    return render(request, "catalogue/offer.html", {"offer": offer})
