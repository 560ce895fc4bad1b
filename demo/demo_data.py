"""Demo data: Bremen's two programmes, support offers, three organisations and one user per role. Safe to load twice."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applications import roles
from applications.models import (
    AnbestVersion,
    Authority,
    Call,
    ChecklistItem,
    FinancingMethod,
    PaymentPeriod,
    Programme,
    RemedyKind,
    RequiredDocument,
    ReviewCriterion,
)
from organisations.models import LegalForm, Membership, MembershipRole, Organisation, Seat, Topic

DEMO_PASSWORD = "teilhabe-demo"

ANBEST_P_TEXT = (Path(__file__).parent / "texts" / "anbest-p.txt").read_text(encoding="utf-8")

USERS = [
    # e-mail, first name, last name, language, staff group, is_staff, is_superuser, what they show
    (
        "amina@demo.teilhabe.example",
        "Amina",
        "Yılmaz",
        "de",
        None,
        False,
        False,
        "representative of the e.V. and of the informal initiative",
    ),
    ("yusuf@demo.teilhabe.example", "Yusuf", "Demir", "de", None, False, False, "member of the e.V. (cannot sign)"),
    (
        "olena@demo.teilhabe.example",
        "Olena",
        "Kovalenko",
        "en",
        None,
        False,
        False,
        "representative of the Bremerhaven association",
    ),
    ("clerk@demo.teilhabe.example", "Clara", "Kramer", "de", roles.CLERK, False, False, "clerk"),
    ("reviewer@demo.teilhabe.example", "Rüdiger", "Berg", "de", roles.REVIEWER, False, False, "reviewer"),
    ("reviewer2@demo.teilhabe.example", "Rosa", "Lehmann", "de", roles.REVIEWER, False, False, "second reviewer"),
    ("approver@demo.teilhabe.example", "Anke", "Vogel", "de", roles.APPROVER, False, False, "approver"),
    (
        "payments@demo.teilhabe.example",
        "Petra",
        "Schulz",
        "de",
        roles.PAYMENT_OFFICER,
        False,
        False,
        "payment officer: releases payments, records repayments",
    ),
    (
        "programme@demo.teilhabe.example",
        "Paul",
        "Neumann",
        "de",
        roles.PROGRAMME_ADMINISTRATOR,
        True,
        False,
        "programme administrator",
    ),
    ("admin@demo.teilhabe.example", "Ada", "Lorenz", "de", None, True, True, "system administrator"),
]


def next_cut_off(today: date) -> date:
    """The Selbsthilfe- und Projektförderung decides at 28 February and 15 August: the call's last day."""
    candidates = [date(today.year, 2, 28), date(today.year, 8, 15), date(today.year + 1, 2, 28)]
    return next(d for d in candidates if d > today + timedelta(days=14))


def _users() -> dict:
    users = {}
    for email, first, last, language, group, is_staff, is_superuser, _ in USERS:
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            user = get_user_model().objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                language=language,
                is_staff=is_staff,
                is_superuser=is_superuser,
            )
        if group:
            user.groups.add(Group.objects.get(name=group))
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        users[email.split("@")[0]] = user
    return users


def _organisations(users: dict) -> None:
    topics = {
        name: Topic.objects.get_or_create(name=name)[0]
        for name in ["Bildung", "Empowerment", "Kultur", "Sprache", "Eltern und Familie", "Nachbarschaft"]
    }

    def organisation(name, topic_names, **fields):
        org, _ = Organisation.objects.get_or_create(name=name, defaults=fields)
        org.topics.set([topics[t] for t in topic_names])
        return org

    elternverein = organisation(
        "Deutsch-Türkischer Elternverein Bremen e.V.",
        ["Bildung", "Eltern und Familie"],
        legal_form=LegalForm.REGISTERED_ASSOCIATION,
        register_number="VR 12345 HB",
        seat=Seat.BREMEN,
        street="Lindenhofstraße 12",
        postcode="28237",
        city="Bremen",
        email="kontakt@elternverein.example",
        languages="Türkisch, Deutsch",
        description="Eltern unterstützen Eltern: Hausaufgabenhilfe, Elterncafé und Beratung.",
    )
    frauencafe = organisation(
        "Frauencafé Gröpelingen",
        ["Empowerment", "Nachbarschaft", "Sprache"],
        legal_form=LegalForm.INFORMAL_INITIATIVE,
        seat=Seat.BREMEN,
        street="c/o Amina Yılmaz, Liegnitzstraße 63",
        city="Bremen",
        postcode="28239",
        languages="Arabisch, Kurdisch, Farsi, Deutsch",
        description="Ein offener Treffpunkt für Frauen im Stadtteil, ehrenamtlich organisiert.",
    )
    kulturverein = organisation(
        "Ukrainischer Kulturverein Bremerhaven e.V.",
        ["Kultur", "Sprache"],
        legal_form=LegalForm.REGISTERED_ASSOCIATION,
        register_number="VR 678 BHV",
        seat=Seat.BREMERHAVEN,
        street="Hafenstraße 5",
        postcode="27568",
        city="Bremerhaven",
        languages="Ukrainisch, Russisch, Deutsch",
        description="Kultur, Sprache und Begegnung für Menschen aus der Ukraine in Bremerhaven.",
    )
    for org in (elternverein, kulturverein):  # consented to the public listing; the Frauencafé did not
        if org.listed_since is None:
            org.listed_since = timezone.now()
            org.save(update_fields=["listed_since"])
    for user, org, role in [
        (users["amina"], elternverein, MembershipRole.REPRESENTATIVE),
        (users["amina"], frauencafe, MembershipRole.REPRESENTATIVE),
        (users["yusuf"], elternverein, MembershipRole.MEMBER),
        (users["olena"], kulturverein, MembershipRole.REPRESENTATIVE),
    ]:
        Membership.objects.update_or_create(user=user, organisation=org, defaults={"role": role})


GUIDELINE = "Richtlinie zur Förderung von Migrant*innenorganisationen im Land Bremen (Demonstrationsfassung)"


def demo_authority() -> Authority:
    """The integration office as the issuing authority: a Senatorin, so the remedy is an action at the court."""
    authority, _ = Authority.objects.get_or_create(
        name="Die Senatorin für Arbeit, Soziales, Jugend und Integration",
        defaults=dict(
            unit="Referat Integrationspolitik",
            street="Bahnhofsplatz 29",
            postcode="28195",
            city="Bremen",
            phone="0421 361-0",
            email="integration@demo.teilhabe.example",
            office_hours="Mo–Do 9–15 Uhr, Fr 9–12 Uhr",
            letterhead="Freie Hansestadt Bremen",
            remedy_kind=RemedyKind.ACTION,
            remedy_body="Verwaltungsgericht der Freien Hansestadt Bremen",
            remedy_address="Am Wall 198, 28195 Bremen",
            payment_period=PaymentPeriod.SIX_WEEKS,
        ),
    )
    AnbestVersion.objects.get_or_create(
        authority=authority, version_date=date(2025, 1, 1), defaults={"text": ANBEST_P_TEXT}
    )
    return authority


def _programmes() -> None:
    authority = demo_authority()
    projekt, _ = Programme.objects.get_or_create(
        title_de="Selbsthilfe- und Projektförderung",
        defaults=dict(
            title_en="Self-help and project funding",
            description_de=(
                "Zeitlich begrenzte Projekte von Migrant*innenorganisationen: Sprachcafés, Empowerment, "
                "Qualifizierung, Hausaufgabenhilfe. Anträge sind jederzeit möglich; entschieden wird zu den "
                "Stichtagen 28. Februar und 15. August. Ein vorzeitiger Maßnahmebeginn ist auf Antrag möglich."
            ),
            description_en=(
                "Time-limited projects of migrant organisations: language cafés, empowerment, qualification, "
                "homework help. Apply at any time; decisions are made at the cut-off dates 28 February and "
                "15 August. An early start can be requested."
            ),
            who_may_apply_de="Migrant*innenorganisationen in Bremen und Bremerhaven, auch ohne Rechtsform.",
            who_may_apply_en="Migrant organisations in Bremen and Bremerhaven, also without a legal form.",
            financing_method=FinancingMethod.DEFICIT,
            min_amount=Decimal("500.00"),
            max_amount=Decimal("15000.00"),
            informal_initiatives_may_apply=True,
            authority=authority,
            guideline=GUIDELINE,
        ),
    )
    stadtteilfonds, _ = Programme.objects.get_or_create(
        title_de="Stadtteilfonds",
        defaults=dict(
            title_en="Neighbourhood fund",
            description_de=(
                "Kleine Zuschüsse für Begegnung und ehrenamtliches Engagement im Stadtteil. Bei Arbeit mit "
                "Minderjährigen ist ein erweitertes Führungszeugnis nötig."
            ),
            description_en=(
                "Small grants for encounters and unpaid volunteering in the neighbourhood. Work with minors "
                "requires an extended police certificate."
            ),
            who_may_apply_de=(
                "Migrant*innenorganisationen, Initiativen ohne Rechtsform, Einzelpersonen und Religionsgemeinschaften."
            ),
            who_may_apply_en="Migrant organisations, informal initiatives, individuals and religious communities.",
            financing_method=FinancingMethod.FIXED,
            fixed_amount=Decimal("1500.00"),
            min_amount=Decimal("100.00"),
            max_amount=Decimal("3000.00"),
            informal_initiatives_may_apply=True,
            authority=authority,
            guideline=GUIDELINE,
        ),
    )
    projekt.topics.add(*Topic.objects.filter(name__in=["Bildung", "Empowerment", "Sprache"]))
    stadtteilfonds.topics.add(*Topic.objects.filter(name__in=["Nachbarschaft", "Kultur", "Eltern und Familie"]))
    now = timezone.now()
    closes = next_cut_off(timezone.localdate())
    Call.objects.get_or_create(
        programme=projekt,
        title=f"Stichtag {closes:%d.%m.%Y}",
        defaults={"opens_at": now - timedelta(days=30), "last_day": closes, "budget": Decimal("120000.00")},
    )
    _procedure(projekt, reviewers=2, documents=[("statutes", "ev"), ("project_description", "")])
    _procedure(stadtteilfonds, reviewers=1, documents=[("project_description", "")])
    year_end = date(now.year + 1, 10, 31)
    Call.objects.get_or_create(
        programme=stadtteilfonds,
        title=f"Stadtteilfonds {year_end.year}",
        defaults={"opens_at": now - timedelta(days=30), "last_day": year_end, "budget": Decimal("30000.00")},
    )


CHECKLIST = [
    "Antrag von einer vertretungsberechtigten Person bestätigt",
    "Kosten- und Finanzierungsplan vollständig und nachvollziehbar",
    "Erforderliche Unterlagen liegen vor",
    "Projekt hat noch nicht begonnen (oder vorzeitiger Maßnahmebeginn erlaubt)",
]
CRITERIA = [("Beitrag zu den Zielen des Programms", 3), ("Erreichen der Zielgruppe", 2), ("Machbarkeit und Kosten", 2)]


def _procedure(programme: Programme, *, reviewers: int, documents: list[tuple[str, str]]) -> None:
    """Checklist, scoring rubric, required documents and the number of reviews of a demo programme."""
    programme.reviewers_required = reviewers
    programme.save(update_fields=["reviewers_required"])
    if not programme.checklist.exists():
        for order, text in enumerate(CHECKLIST):
            ChecklistItem.objects.create(programme=programme, text=text, order=order)
    if not programme.criteria.exists():
        for order, (name, weight) in enumerate(CRITERIA):
            ReviewCriterion.objects.create(programme=programme, name=name, weight=weight, order=order)
    for kind, legal_form in documents:
        RequiredDocument.objects.get_or_create(programme=programme, kind=kind, legal_form=legal_form)


def _offers() -> None:
    """Support that is not money: advice, training and networking for the public catalogue."""
    from catalogue.models import Offer, OfferKind

    today = timezone.localdate()
    topics = {name: Topic.objects.get_or_create(name=name)[0] for name in ["Vereinsarbeit", "Vernetzung"]}
    offers = [
        dict(
            kind=OfferKind.ADVICE,
            title_de="Beratung zur Antragstellung",
            title_en="Advice on applying for funding",
            description_de=(
                "Sie haben eine Projektidee und wissen nicht, welches Förderprogramm passt? Wir beraten Sie "
                "persönlich oder am Telefon: welche Förderung es gibt, wie Sie den Kosten- und Finanzierungsplan "
                "aufstellen und welche Unterlagen Sie brauchen."
            ),
            description_en=(
                "You have an idea for a project and do not know which programme fits? We advise you in person or "
                "by phone: which funding exists, how to draw up the cost and financing plan, and which documents "
                "you need."
            ),
            audience_de=(
                "Migrant*innenorganisationen und Initiativen, auch ohne Rechtsform und ohne Erfahrung mit Anträgen."
            ),
            audience_en="Migrant organisations and initiatives, also without a legal form and without experience.",
            schedule_de="Sprechstunde dienstags 10–13 Uhr und nach Vereinbarung",
            schedule_en="Office hours Tuesdays 10:00–13:00 and by appointment",
            languages=["de", "tr", "ar", "en"],
            place="Bahnhofsplatz 29, 28195 Bremen, Raum 4.12",
            contact_name="Selin Aksoy",
            contact_email="foerderberatung@integration.bremen.example",
            contact_phone="0421 361 00000",
            topic_names=["Vereinsarbeit"],
        ),
        dict(
            kind=OfferKind.TRAINING,
            title_de="Buchführung für Vereine: Einnahmen, Ausgaben, Belege",
            title_en="Bookkeeping for associations: income, spending, receipts",
            description_de=(
                "Zwei Samstage zur Kassenführung im Verein: Belege richtig sammeln, eine einfache Einnahmen- und "
                "Ausgabenliste führen und den Verwendungsnachweis für eine Förderung vorbereiten."
            ),
            description_en=(
                "Two Saturdays on keeping an association's accounts: collecting receipts properly, keeping a simple "
                "list of income and spending, and preparing the proof of use for a grant."
            ),
            audience_de="Kassenwart*innen und Vorstände kleiner Vereine und Initiativen.",
            audience_en="Treasurers and boards of small associations and initiatives.",
            schedule_de="jeweils 10–15 Uhr",
            schedule_en="10:00–15:00 on both days",
            languages=["de", "ru", "uk"],
            place="Bürgerhaus Gröpelingen, Liegnitzstraße 63, 28237 Bremen",
            starts_on=today + timedelta(days=40),
            ends_on=today + timedelta(days=47),
            registration_deadline=today + timedelta(days=30),
            contact_name="Jonas Brandt",
            contact_email="qualifizierung@integration.bremen.example",
            topic_names=["Vereinsarbeit", "Bildung"],
        ),
        dict(
            kind=OfferKind.EVENT,
            title_de="Vernetzungsabend der Migrant*innenorganisationen",
            title_en="Networking evening of migrant organisations",
            description_de=(
                "Lernen Sie andere Organisationen und die Ansprechpersonen in der Verwaltung kennen. Mit kurzen "
                "Vorstellungen, Gesprächen an Thementischen und einem kleinen Buffet."
            ),
            description_en=(
                "Meet other organisations and the people to contact in the administration. With short "
                "introductions, talks at topic tables and a small buffet."
            ),
            audience_de="Alle Migrant*innenorganisationen, Initiativen und Interessierte aus Bremen und Bremerhaven.",
            audience_en="All migrant organisations, initiatives and anyone interested from Bremen and Bremerhaven.",
            schedule_de="18–21 Uhr",
            schedule_en="18:00–21:00",
            languages=["de", "en", "ar", "uk", "tr"],
            place="Kulturzentrum Lagerhaus, Schildstraße 12–19, 28203 Bremen",
            starts_on=today + timedelta(days=21),
            ends_on=today + timedelta(days=21),
            registration_deadline=today + timedelta(days=14),
            contact_name="Miriam Haddad",
            contact_email="vernetzung@integration.bremen.example",
            contact_phone="0421 361 00001",
            topic_names=["Vernetzung", "Empowerment"],
        ),
        dict(
            kind=OfferKind.TRAINING,
            title_de="Workshop Öffentlichkeitsarbeit (in Planung)",
            title_en="Workshop on public relations (being planned)",
            description_de="Wie Ihr Verein mit Presse und sozialen Medien sichtbar wird. Termin folgt.",
            description_en="How your association becomes visible in the press and on social media. Date to follow.",
            audience_de="Vereine und Initiativen.",
            audience_en="Associations and initiatives.",
            contact_name="Jonas Brandt",
            contact_email="qualifizierung@integration.bremen.example",
            topic_names=["Vereinsarbeit"],
            published=False,
        ),
    ]
    for fields in offers:
        topic_names = fields.pop("topic_names")
        fields.setdefault("published", True)
        offer, _ = Offer.objects.get_or_create(title_de=fields.pop("title_de"), defaults=fields)
        offer.topics.set([topics[name] if name in topics else Topic.objects.get(name=name) for name in topic_names])


@transaction.atomic
def load_demo_data() -> dict:
    roles.ensure_staff_groups()
    users = _users()
    _organisations(users)
    _programmes()
    _offers()
    from demo.grants import load_grants  # after the people and programmes it uses

    load_grants(users)
    return users
