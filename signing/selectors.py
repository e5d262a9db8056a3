"""Reads of signing keys shared by services, views and other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from signing.errors import NoActiveKey
from signing.models import SigningKey
from signing.scopes import REGISTRY


def signing_key_get_active(*, issuer_country: str = REGISTRY) -> SigningKey:
    """The active key of a body (its country) or, by default, of the registry."""
    key = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE, issuer_country=issuer_country).first()
    if key is None:
        raise NoActiveKey(
            f"no signing key of {issuer_country or 'the registry'} is active; create or rotate one"
        )
    return key


def signing_keys_await_registry() -> bool:
    """Keys from before scopes exist and the registry never had a key: it gets one at first need."""
    keys = SigningKey.objects.all()
    return keys.filter(registry_until__isnull=False).exists() and not keys.filter(issuer_country="").exists()


def signing_keys_active() -> QuerySet[SigningKey]:
    """The active key of every scope: the registry's and each body's."""
    return SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).order_by("issuer_country")


def signing_key_get(*, kid: str) -> SigningKey | None:
    return SigningKey.objects.filter(kid=kid).first()


def signing_key_get_for_verification(*, kid: str) -> SigningKey | None:
    """A key that may have signed something: it has been active at some time (pending keys never sign)."""
    return SigningKey.objects.filter(kid=kid, activated_at__isnull=False).first()


def signing_key_list_published() -> QuerySet[SigningKey]:
    """Every key that has ever been active (active, retired, revoked), oldest first."""
    return SigningKey.objects.filter(activated_at__isnull=False).order_by("activated_at", "id")


def jwks_document() -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk for key in signing_key_list_published()]}
