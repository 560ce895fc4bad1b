from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.models import (
    AnbestVersion,
    Application,
    Authority,
    Call,
    CostCategory,
    CostLine,
    FinancingMethod,
    Programme,
    RemedyKind,
    ReviewCriterion,
)
from organisations.models import LegalForm, Membership, MembershipRole, Organisation, Seat, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    language = "de"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kulturverein Nummer {n} e.V.")
    legal_form = LegalForm.REGISTERED_ASSOCIATION
    seat = Seat.BREMEN
    street = "Lindenhofstraße 12"
    postcode = "28237"
    city = "Bremen"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        skip_postgeneration_save = True

    name = "Die Senatorin für Arbeit, Soziales, Jugend und Integration"
    unit = "Referat Integrationspolitik"
    street = "Bahnhofsplatz 29"
    postcode = "28195"
    city = "Bremen"
    phone = "0421 361-0"
    email = "integration@bremen.example"
    office_hours = "Mo–Do 9–15 Uhr"
    remedy_kind = RemedyKind.ACTION
    remedy_body = "Verwaltungsgericht der Freien Hansestadt Bremen"
    remedy_address = "Am Wall 198, 28195 Bremen"

    @factory.post_generation
    def anbest(self, create, extracted, **kwargs):
        if create and extracted is not False:
            AnbestVersion.objects.create(
                authority=self,
                version_date=timezone.localdate() - timedelta(days=365),
                text="1. Anforderung und Verwendung der Zuwendung\n\n1.2 Der Finanzierungsplan ist verbindlich.",
            )


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    title_de = "Selbsthilfe- und Projektförderung"
    title_en = "Self-help and project funding"
    description_de = "Projekte von Migrant*innenorganisationen."
    who_may_apply_de = "Migrant*innenorganisationen, auch ohne Rechtsform."
    financing_method = FinancingMethod.DEFICIT
    min_amount = Decimal("500.00")
    max_amount = Decimal("15000.00")
    authority = factory.SubFactory(AuthorityFactory)
    guideline = "Richtlinie zur Förderung von Migrant*innenorganisationen vom 1. Januar 2026"

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if create:
            for order, (name, weight) in enumerate(
                extracted or [("Beitrag zu den Programmzielen", 2), ("Machbarkeit", 1)]
            ):
                ReviewCriterion.objects.create(programme=self, name=name, weight=weight, order=order)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = "Stichtag 28.02."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    last_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    budget = Decimal("100000.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to be submitted."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    call = factory.SubFactory(CallFactory)
    title = "Sprachcafé für Eltern"
    summary = "Wöchentliche Treffen, bei denen Eltern Deutsch üben und sich austauschen."
    requested_amount = Decimal("2500.00")
    period_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    period_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
    created_by = factory.SubFactory(UserFactory)
    own_funds = Decimal("500.00")

    @factory.post_generation
    def costs(self, create, extracted, **kwargs):
        """A cost plan that the shortfall method turns into exactly the requested grant."""
        if not create or extracted is False:
            return
        total = extracted if extracted is not None else (self.requested_amount or Decimal("0")) + self.own_funds
        if total:
            CostLine.objects.create(
                application=self, category=CostCategory.STAFF, description="Honorare", quantity=1, unit_price=total
            )


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Topic"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thema {n}")


class OfferFactory(factory.django.DjangoModelFactory):
    """A published advice offer without dates (ongoing)."""

    class Meta:
        model = "catalogue.Offer"
        skip_postgeneration_save = True

    kind = "advice"
    title_de = factory.Sequence(lambda n: f"Beratung Nummer {n}")
    title_en = factory.Sequence(lambda n: f"Advice number {n}")
    description_de = "Wir beraten Vereine persönlich und am Telefon."
    audience_de = "Migrant*innenorganisationen und Initiativen."
    languages = factory.LazyFunction(lambda: ["de", "tr"])
    place = "Bahnhofsplatz 29, 28195 Bremen"
    contact_name = "Selin Aksoy"
    contact_email = "beratung@example.org"
    contact_phone = "0421 361 0000"
    published = True

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
