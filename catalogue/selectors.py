"""Reads for the public catalogue: funding programmes and published support offers, filtered and sorted by deadline.

Filters run in SQL where the database can do them portably; the one that depends on a programme's eligibility
configuration (who may apply) runs the eligibility rules themselves, so the catalogue and the "can we apply?"
check never disagree. Every read uses a fixed number of queries, however many programmes and offers there are.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from applications import eligibility
from applications.assessment import programme_rules
from applications.models import Call, FinancingMethod, Programme
from catalogue.models import Offer

FUNDING = "funding"  # the kind of entry a programme is; offers have their OfferKind
OPEN_NOW = "open"
CLOSING_SOON = "soon"
SOON_DAYS = 30
MAX_SEARCH_WORDS = 10


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for; empty values filter nothing."""

    query: str = ""
    kind: str = ""  # "" | FUNDING | an OfferKind value
    topic: int | None = None
    legal_form: str = ""  # a LegalForm value: programmes this kind of group may apply to
    min_grant: Decimal | None = None  # at least this grant available (only programmes grant money)
    deadline: str = ""  # "" | OPEN_NOW | CLOSING_SOON


@dataclass(frozen=True)
class ProgrammeSummary:
    """A programme with what the catalogue says about it: its call, its largest grant, who may apply."""

    programme: Programme
    current_call: Call | None  # the open call that closes first
    next_call: Call | None  # when no call is open: the next one announced
    max_grant: Decimal  # the largest grant the financing method allows
    rules: eligibility.ProgrammeRules

    @property
    def act_by(self) -> datetime | None:
        call = self.current_call or self.next_call
        return call.closes_at if call else None


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue: a programme or an offer."""

    kind: str
    title: str
    act_by: datetime | None  # the deadline it is sorted by; None sorts last
    programme: ProgrammeSummary | None = None
    offer: Offer | None = None


def catalogue(filters: Filters, *, now: datetime | None = None) -> list[Entry]:
    """Programmes and published offers that match every filter, the nearest deadline first."""
    now = now or timezone.now()
    entries = []
    if not filters.kind or filters.kind == FUNDING:
        entries += [
            Entry(kind=FUNDING, title=summary.programme.title, act_by=summary.act_by, programme=summary)
            for summary in programmes(filters, now=now)
        ]
    if filters.kind != FUNDING and filters.min_grant is None:
        entries += [
            Entry(kind=offer.kind, title=offer.title, act_by=_end_of_day(offer.act_by), offer=offer)
            for offer in offers(filters, today=timezone.localdate(now))
        ]
    return sorted(
        entries, key=lambda e: (e.act_by is None, e.act_by.timestamp() if e.act_by else 0, e.title.casefold())
    )


def programmes(filters: Filters, *, now: datetime) -> list[ProgrammeSummary]:
    open_calls = Call.objects.filter(programme=OuterRef("pk"), opens_at__lte=now, closes_at__gt=now)
    queryset = _for_summaries(Programme.objects.all(), now)
    queryset = _search(queryset, filters.query, ("title", "description", "who_may_apply"))
    if filters.topic:
        queryset = queryset.filter(topics=filters.topic)
    if filters.min_grant is not None:
        queryset = queryset.filter(max_grant__gte=filters.min_grant)
    if filters.deadline == OPEN_NOW:
        queryset = queryset.filter(Exists(open_calls))
    elif filters.deadline == CLOSING_SOON:
        queryset = queryset.filter(Exists(open_calls.filter(closes_at__lte=now + timedelta(days=SOON_DAYS))))
    summaries = [_summary(programme, now) for programme in queryset]
    if filters.legal_form:
        summaries = [s for s in summaries if may_apply(s.rules, filters.legal_form)]
    return summaries


def programme_summary(pk: int, *, now: datetime | None = None) -> ProgrammeSummary:
    """One programme for its public page; Programme.DoesNotExist if there is none."""
    now = now or timezone.now()
    return _summary(_for_summaries(Programme.objects.filter(pk=pk), now).get(), now)


def offers(filters: Filters, *, today: date) -> QuerySet[Offer]:
    """Published offers that are not over and still take registrations."""
    queryset = published_offers().filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        Q(registration_deadline__isnull=True) | Q(registration_deadline__gte=today),
    )
    queryset = queryset.annotate(
        act_by=Case(
            When(registration_deadline__isnull=False, then=F("registration_deadline")),
            When(starts_on__gte=today, then=F("starts_on")),
            default=Value(None),
            output_field=DateField(),
        )
    )
    queryset = _search(queryset, filters.query, ("title", "description", "audience"))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.topic:
        queryset = queryset.filter(topics=filters.topic)
    if filters.deadline == CLOSING_SOON:
        queryset = queryset.filter(act_by__lte=today + timedelta(days=SOON_DAYS))
    return queryset


def published_offers() -> QuerySet[Offer]:
    """Offers the public may see; an unpublished one is never shown, not even by its address."""
    return Offer.objects.filter(published=True).prefetch_related("topics")


def may_apply(rules: eligibility.ProgrammeRules, legal_form: str) -> bool:
    """Whether a group of this legal form may apply, by the same rule as the eligibility check."""
    facts = eligibility.Facts(applied_on=timezone.localdate(), legal_form=legal_form)
    return not any(unmet.rule == "legal_form" for unmet in eligibility.check(rules, facts))


def _summary(programme: Programme, now: datetime) -> ProgrammeSummary:
    open_calls = [call for call in programme.pending if call.opens_at <= now]
    later_calls = sorted((call for call in programme.pending if call.opens_at > now), key=lambda call: call.opens_at)
    return ProgrammeSummary(
        programme=programme,
        current_call=open_calls[0] if open_calls else None,
        next_call=later_calls[0] if later_calls and not open_calls else None,
        max_grant=programme.max_grant,
        rules=programme_rules(programme),
    )


def _for_summaries(queryset: QuerySet[Programme], now: datetime) -> QuerySet[Programme]:
    """Programmes with what a summary needs, in a fixed number of queries: topics, the documents the eligibility
    rules name, the calls that have not closed yet, and the largest grant."""
    pending_calls = Call.objects.filter(closes_at__gt=now).order_by("closes_at")
    return _with_max_grant(queryset).prefetch_related(
        "topics", "required_documents", Prefetch("calls", queryset=pending_calls, to_attr="pending")
    )


def _with_max_grant(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """A fixed-amount programme never grants more than its fixed amount, whatever its maximum says."""
    return queryset.annotate(
        max_grant=Case(
            When(
                financing_method=FinancingMethod.FIXED,
                fixed_amount__isnull=False,
                fixed_amount__lt=F("max_amount"),
                then=F("fixed_amount"),
            ),
            default=F("max_amount"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def _search(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    """Every word must occur in the texts as the visitor reads them: the current language, else German."""
    words = query.split()[:MAX_SEARCH_WORDS]
    if not words:
        return queryset
    language = get_language()
    texts = []
    for name in fields:
        versions = [F(build_localized_fieldname(name, lang)) for lang in resolution_order(language)]
        texts += [Coalesce(*(NullIf(v, Value("")) for v in versions), Value(""), output_field=TextField()), Value(" ")]
    queryset = queryset.annotate(searched_text=Concat(*texts, output_field=TextField()))
    for word in words:
        queryset = queryset.filter(searched_text__icontains=word)
    return queryset


def _end_of_day(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())
