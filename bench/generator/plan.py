"""What every worker of the generator shares: sizes, parties, the signing key and where ids start.

``plan_prepare`` runs once in the main process; it creates the issuer, customs, exporters and
their users, an officer, and registers a fresh Ed25519 key as a retired ``SigningKey`` (so the
JWKS publishes it and verification accepts its signatures). The private half lives only in the
plan, in memory, and is dropped when the generator ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from certificates.accounts.models import Organization, User
from certificates.applications.models import Application
from certificates.issuance.models import Certificate
from signing.jws import b64url_encode, jwk_thumbprint
from signing.models import SigningKey
from signing.services import signing_key_ensure_active

EXPORTERS = 200
ISSUER_NAME = "Chamber of Commerce (bench)"
CITIES = ("Tashkent", "Samarkand", "Bukhara", "Minsk", "Brest", "Gomel", "Andijan", "Namangan")


class Exporter(NamedTuple):
    organization_id: int
    user_id: int
    name: str
    address: str


@dataclass(frozen=True)
class Plan:
    count: int
    seed: int
    now: datetime
    private_key: bytes
    kid: str
    issuer_name: str
    officer_id: int
    exporters: tuple[Exporter, ...]
    application_base: int
    certificate_base: int
    prefix: str
    validity_days: int
    database: dict[str, Any]


def plan_prepare(*, count: int, seed: int) -> Plan:
    """Parties, the key and the id ranges, created or found in the database."""
    now = timezone.now().replace(microsecond=0)
    signing_key_ensure_active()
    private = Ed25519PrivateKey.generate()
    with transaction.atomic():
        issuer = _organization(Organization.Kind.ISSUER, ISSUER_NAME, country="UZ")
        _organization(Organization.Kind.CUSTOMS, "Customs (bench)", country="BY")
        officer = _user("bench-officer", User.Role.OFFICER, issuer)
        exporters = tuple(_exporter(n) for n in range(EXPORTERS))
        kid = _register_key(private, now=now)
    return Plan(
        count=count,
        seed=seed,
        now=now,
        private_key=private.private_bytes_raw(),
        kid=kid,
        issuer_name=issuer.name,
        officer_id=officer.pk,
        exporters=exporters,
        application_base=_last_id(Application),
        certificate_base=_last_id(Certificate),
        prefix=settings.CERTIFICATE_NUMBER_PREFIX,
        validity_days=settings.CERTIFICATE_VALIDITY_DAYS,
        database=dict(connection.get_connection_params()),
    )


def plan_for_tokens(*, count: int, exporters: int = 20) -> Plan:
    """A plan that needs no database: certificates to sign and verify in memory only."""
    private = Ed25519PrivateKey.generate()
    parties = tuple(Exporter(n, n, f"Exporter {n:03d} LLC", _address(n)) for n in range(1, exporters + 1))
    return Plan(
        count=count,
        seed=1,
        now=datetime.now(UTC).replace(microsecond=0),
        private_key=private.private_bytes_raw(),
        kid=jwk_thumbprint(private.public_key().public_bytes_raw()),
        issuer_name=ISSUER_NAME,
        officer_id=1,
        exporters=parties,
        application_base=0,
        certificate_base=0,
        prefix="UZBY",
        validity_days=365,
        database={},
    )


def _organization(kind: str, name: str, **defaults: str) -> Organization:
    organization, _ = Organization.objects.get_or_create(kind=kind, name=name, defaults=defaults)
    return organization


def _user(username: str, role: str, organization: Organization) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "organization": organization}
    )
    return user


def _address(n: int) -> str:
    return f"{n} Navoi street, {CITIES[n % len(CITIES)]}"


def _exporter(n: int) -> Exporter:
    name = f"Exporter {n:03d} LLC"
    organization = _organization(Organization.Kind.EXPORTER, name, country="UZ", address=_address(n))
    user = _user(f"bench-exporter-{n}", User.Role.EXPORTER, organization)
    return Exporter(organization.pk, user.pk, organization.name, organization.address)


def _register_key(private: Ed25519PrivateKey, *, now: datetime) -> str:
    public_x = private.public_key().public_bytes_raw()
    kid = jwk_thumbprint(public_x)
    SigningKey.objects.create(
        kid=kid,
        backend="software",
        key_ref=f"generated:{kid}",
        public_x=b64url_encode(public_x),
        status=SigningKey.Status.RETIRED,
        issuer_country="UZ",  # the generated certificates are the Uzbek body's
        issuer_name=ISSUER_NAME,
        activated_at=now - timedelta(days=400),
        retired_at=now,
    )
    return kid


def _last_id(model: type[models.Model]) -> int:
    return model._default_manager.order_by("-id").values_list("id", flat=True).first() or 0
