"""The keys verification by number needs: each key that has signed, and the registry's active key.

They are a handful of rows that change only when a key does, so they are read in one query and kept
with the rows (``local_rows``): a key change drops them at once in the process that made it and
within ``CHECK_SECONDS`` everywhere else, as it drops every kept row. A certificate whose key is not
among them (a key activated since they were read) has them read again at once. Reading them apart
keeps the per-certificate query to one table, which PostgreSQL plans in a tenth of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from certificates.verification.local_rows import local_row
from signing.models import SigningKey
from signing.scopes import REGISTRY

KEPT_AS = ("signing keys",)  # their place among the kept rows, apart from any number


@dataclass(frozen=True)
class KnownKeys:
    signed_with: dict[str, SigningKey]  # by kid: every key that has been active
    active: SigningKey | None  # the registry's, which signs the answers

    @property
    def keepable(self) -> bool:
        return self.active is not None


def known_keys(*, kid: str | None = None) -> KnownKeys:
    """The keys, with ``kid`` among them if it has ever been active."""
    keys = local_row(KEPT_AS, lambda _: _keys_read())
    if kid and kid not in keys.signed_with:
        return _keys_read()
    return keys


def _keys_read() -> KnownKeys:
    active = Q(status=SigningKey.Status.ACTIVE, issuer_country=REGISTRY)
    keys = list(SigningKey.objects.filter(Q(activated_at__isnull=False) | active))
    return KnownKeys(
        signed_with={key.kid: key for key in keys if key.activated_at is not None},
        active=next((key for key in keys if _is_registry_active(key)), None),
    )


def _is_registry_active(key: SigningKey) -> bool:
    return key.status == SigningKey.Status.ACTIVE and key.issuer_country == REGISTRY
