"""Reads of signing keys shared by services, views and other apps."""

from __future__ import annotations

from django.db.models import QuerySet

from signing.errors import NoActiveKey
from signing.models import SigningKey


def signing_key_get_active() -> SigningKey:
    key = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).first()
    if key is None:
        raise NoActiveKey("no signing key is active; create or rotate one")
    return key


def signing_key_get(*, kid: str) -> SigningKey | None:
    return SigningKey.objects.filter(kid=kid).first()


def signing_key_get_for_verification(*, kid: str) -> SigningKey | None:
    """A key that may have signed something: it has been active at some time (pending keys never sign)."""
    return SigningKey.objects.filter(kid=kid, activated_at__isnull=False).first()


def signing_key_list_published() -> QuerySet[SigningKey]:
    """Every key that has ever been active (active, retired, revoked), oldest first."""
    return SigningKey.objects.filter(activated_at__isnull=False).order_by("activated_at", "id")


def jwks_document() -> dict[str, list[dict[str, str]]]:
    return {"keys": [key.public_jwk for key in signing_key_list_published()]}
