"""Signing's part in the kernel's readiness probe: an active key whose backend can sign now.

When new keys are made in a PKCS#11 token (``SIGNING_BACKEND=pkcs11``), the token must also
accept the login, so that a rotation would succeed even while the active key is held elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from certsvc.health import readiness_check_register
from signing.backends import get_backend
from signing.selectors import signing_key_get_active

PKCS11_BACKEND = "signing.backends.pkcs11.Pkcs11Backend"


def check_signing_key() -> dict[str, Any]:
    """Raises ``NoActiveKey`` or the backend's ``KeyUnavailable``; else names the key."""
    key = signing_key_get_active()
    get_backend(key.backend).check_usable(key.key_ref)
    return {"kid": key.kid}


def check_signing_token() -> dict[str, Any]:
    """Raises ``KeyUnavailable`` unless the PKCS#11 token loads and accepts the PIN."""
    from signing.backends.pkcs11 import token_check  # loads the vendor library: only when used

    return token_check()


def register() -> None:
    readiness_check_register("signing_key", check_signing_key)
    if settings.SIGNING_BACKENDS.get(settings.SIGNING_DEFAULT_BACKEND) == PKCS11_BACKEND:
        readiness_check_register("signing_token", check_signing_token)
