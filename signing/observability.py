"""Signing's part in the kernel's readiness probe: an active key whose backend can sign now.

When new keys are made in a PKCS#11 token (``SIGNING_BACKEND=pkcs11``), the token must also
accept the login, so that a rotation would succeed even while the active key is held elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from certsvc.health import readiness_check_register
from signing.backends import get_backend
from signing.errors import NoActiveKey
from signing.selectors import signing_keys_active, signing_keys_await_registry

PKCS11_BACKEND = "signing.backends.pkcs11.Pkcs11Backend"


def check_signing_key() -> dict[str, Any]:
    """Raises ``NoActiveKey`` or a backend's ``KeyUnavailable``; else names the registry's key.

    Every active key (the registry's and each body's) must be usable. An installation just moved
    to key owners has no registry key until its first registry signature makes one: it is ready.
    """
    keys = list(signing_keys_active())
    registry = next((key for key in keys if key.is_registry_key), None)
    if registry is None and not signing_keys_await_registry():
        raise NoActiveKey("no registry signing key is active; create or rotate one")
    for key in keys:
        get_backend(key.backend).check_usable(key.key_ref)
    return {
        "kid": registry.kid if registry else None,
        "bodies": [key.issuer_country for key in keys if key.issuer_country],
    }


def check_signing_token() -> dict[str, Any]:
    """Raises ``KeyUnavailable`` unless the PKCS#11 token loads and accepts the PIN."""
    from signing.backends.pkcs11 import token_check  # loads the vendor library: only when used

    return token_check()


def register() -> None:
    readiness_check_register("signing_key", check_signing_key)
    if settings.SIGNING_BACKENDS.get(settings.SIGNING_DEFAULT_BACKEND) == PKCS11_BACKEND:
        readiness_check_register("signing_token", check_signing_token)
