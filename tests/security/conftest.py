"""A seeded world for the security tests: two exporters, an officer, customs, an issued certificate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken

from certificates.accounts.models import Organization, User
from certificates.applications.models import Application
from certificates.credentials.services import certificate_credential_sign
from certificates.issuance.models import Certificate
from certificates.notifications.models import WebhookDelivery, WebhookEndpoint
from signing.services import signing_key_ensure_active
from tests.applications.factories import ApplicationFactory, IssuerFactory, OrganizationFactory, UserFactory
from tests.issuance.helpers import issue
from tests.notifications.factories import WebhookEndpointFactory

ROLES = ("anonymous", "exporter", "officer", "customs")


@dataclass
class World:
    exporter_a: User
    exporter_b: User
    officer: User
    customs: User
    certificate: Certificate
    applications: dict[str, Application]
    applications_b: dict[str, Application]
    webhook_a: WebhookEndpoint
    webhook_b: WebhookEndpoint
    delivery_a: WebhookDelivery | None
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return {"exporter": self.exporter_a, "officer": self.officer, "customs": self.customs}.get(role)


def token_for(user: User, *, expiry: timedelta | None = None) -> str:
    _, token = AuthToken.objects.create(user=user, expiry=expiry)
    return token


def auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Token {token}"} if token else {}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; every test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


def _applications(exporter: User) -> dict[str, Application]:
    states = ("draft", "submitted", "returned", "rejected", "withdrawn")
    return {
        state: ApplicationFactory(exporter=exporter.organization, created_by=exporter, status=state)
        for state in states
    }


def _belarusian_officer() -> User:
    """An officer of the Belarusian body, which certifies the Belarusian exporter's goods."""
    body = IssuerFactory(country="BY", tax_id="", number_prefix="BY")
    signing_key_ensure_active(issuer_country="BY")
    return UserFactory(role=User.Role.OFFICER, organization=body)


@pytest.fixture
def world(db) -> World:
    signing_key_ensure_active()  # the registry's
    officer = UserFactory(role=User.Role.OFFICER, organization=IssuerFactory(country="UZ", tax_id=""))
    signing_key_ensure_active(issuer_country="UZ")  # the Uzbek body's
    exporter_a = UserFactory(role=User.Role.EXPORTER)
    exporter_b = UserFactory(
        role=User.Role.EXPORTER, organization=OrganizationFactory(country="BY", tax_id="100582333")
    )
    customs = UserFactory(
        role=User.Role.CUSTOMS,
        organization=Organization.objects.create(
            kind=Organization.Kind.CUSTOMS, name="BY customs", country="BY"
        ),
    )
    webhook_a = WebhookEndpointFactory(organization=exporter_a.organization)
    webhook_b = WebhookEndpointFactory(organization=exporter_b.organization)
    issued = ApplicationFactory(exporter=exporter_a.organization, created_by=exporter_a, status="submitted")
    certificate = certificate_credential_sign(number=issue(issued, officer).number)
    issue(
        ApplicationFactory(exporter=exporter_b.organization, created_by=exporter_b, status="submitted"),
        _belarusian_officer(),
    )
    applications = {**_applications(exporter_a), "issued": issued}
    applications_b = _applications(exporter_b)
    world = World(
        exporter_a=exporter_a,
        exporter_b=exporter_b,
        officer=officer,
        customs=customs,
        certificate=certificate,
        applications=applications,
        applications_b=applications_b,
        webhook_a=webhook_a,
        webhook_b=webhook_b,
        delivery_a=WebhookDelivery.objects.filter(endpoint=webhook_a).first(),
    )
    world.tokens = {
        "exporter": token_for(exporter_a),
        "exporter_b": token_for(exporter_b),
        "officer": token_for(officer),
        "customs": token_for(customs),
    }
    return world


def expired_token(user: User) -> str:
    instance, token = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(minutes=1))
    return token
