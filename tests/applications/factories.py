"""factory_boy factories for organizations, users, applications and goods items.

Other test packages import these: ``UserFactory(role="officer")``,
``ApplicationFactory(exporter=org, status="submitted")`` (with two goods items by
default, ``items=0`` for none), and ``api_client_for(user)`` for a token-authenticated
``APIClient``.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from knox.models import AuthToken
from rest_framework.test import APIClient

from certificates.accounts.models import Organization, User
from certificates.applications.models import Application, ApplicationEvent, GoodsItem

DEFAULT_PASSWORD = "correct horse battery staple 7"  # test-only credential


@functools.cache
def _default_password_hash() -> str:
    # Hashing once keeps factories fast; every user still gets a real, checkable password hash.
    return make_password(DEFAULT_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.EXPORTER
    name = factory.Sequence(lambda n: f"Organization {n} LLC")
    country = "UZ"
    address = factory.Sequence(lambda n: f"{n} Amir Temur Avenue, Tashkent")
    tax_id = factory.Sequence(lambda n: f"{300000000 + n}")


class IssuerFactory(OrganizationFactory):
    kind = Organization.Kind.ISSUER
    name = "UzBel Certification Centre"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role and an organization of the matching kind (none for role="")."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    role = User.Role.EXPORTER
    organization = factory.LazyAttribute(
        lambda user: (
            OrganizationFactory(
                kind={
                    User.Role.EXPORTER: Organization.Kind.EXPORTER,
                    User.Role.OFFICER: Organization.Kind.ISSUER,
                    User.Role.CUSTOMS: Organization.Kind.CUSTOMS,
                }.get(user.role, Organization.Kind.EXPORTER)
            )
            if user.role
            else None
        )
    )
    password = factory.LazyFunction(lambda: _default_password_hash())


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft (or any ``status``) with ``items`` goods items (default 2)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    exporter = factory.SubFactory(OrganizationFactory)
    created_by = factory.LazyAttribute(
        lambda app: UserFactory(role=User.Role.EXPORTER, organization=app.exporter)
    )
    type = Application.Type.EXPORT
    status = Application.Status.DRAFT
    consignee_name = "Minsk Trading JSC"
    consignee_country = "BY"
    consignee_address = "10 Nezavisimosti Ave, Minsk"
    consignee_tax_id = "100582333"
    country_of_export = "UZ"
    country_of_destination = "BY"
    transport_mode = Application.TransportMode.ROAD
    transport_details = "Truck 01A123BC"
    invoice_number = factory.Sequence(lambda n: f"INV-{n:05d}")
    invoice_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 2 if extracted is None else extracted
        for line in range(1, count + 1):
            GoodsItemFactory(application=obj, line=line)


class GoodsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsItem

    application = factory.SubFactory(ApplicationFactory, items=0)
    line = 1
    description = factory.Sequence(lambda n: f"Cotton yarn, combed, lot {n}")
    hs_code = "520512"
    quantity = Decimal("1200.500")
    unit = "KGM"
    net_weight_kg = Decimal("1200.500")
    gross_weight_kg = Decimal("1250.000")
    value = Decimal("4801.00")
    currency = "USD"
    origin_country = "UZ"


class ApplicationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationEvent

    application = factory.SubFactory(ApplicationFactory)
    action = "created"
    to_status = Application.Status.DRAFT


def api_client_for(user: User | None) -> APIClient:
    """An ``APIClient`` sending ``Authorization: Token …`` for ``user`` (anonymous for ``None``)."""
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def application_payload(**overrides) -> dict:
    """A valid ``POST /api/v1/applications/`` body; ``overrides`` replace top-level members."""
    payload = {
        "type": "export",
        "consignee": {
            "name": "Minsk Trading JSC",
            "country": "BY",
            "address": "10 Nezavisimosti Ave, Minsk",
            "tax_id": "100582333",
        },
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport": {"mode": "road", "details": "Truck 01A123BC"},
        "invoice": {
            "number": "INV-2026-0042",
            "date": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
        },
        "items": [item_payload(n) for n in range(3)],
    }
    payload.update(overrides)
    return payload


def item_payload(n: int = 0, **overrides) -> dict:
    item = {
        "description": f"Cotton yarn, combed, lot {n}",
        "hs_code": "5205120000",
        "quantity": "1200.500",
        "unit": "KGM",
        "net_weight_kg": "1200.500",
        "gross_weight_kg": "1250.000",
        "value": "4801.00",
        "currency": "USD",
        "origin_country": "UZ",
    }
    item.update(overrides)
    return item
