import factory

from certificates.accounts.models import Organization, User
from certificates.notifications.models import WebhookEndpoint
from certificates.notifications.services import webhook_secret_generate


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.EXPORTER
    name = factory.Sequence(lambda n: f"Organization {n}")
    country = "UZ"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    organization = factory.SubFactory(OrganizationFactory)
    role = User.Role.EXPORTER
    language = "en"


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """A row as stored; bypasses the registration check, as a host whose DNS changed later would."""

    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = "https://hooks.example.org/certsvc"
    event_types = factory.LazyFunction(lambda: ["certificate.issued", "certificate.revoked"])
    secret = factory.LazyFunction(webhook_secret_generate)
