"""Signing's part in the kernel's readiness probe: an active key whose backend can sign now."""

from __future__ import annotations

from typing import Any

from certsvc.health import readiness_check_register
from signing.backends import get_backend
from signing.selectors import signing_key_get_active


def check_signing_key() -> dict[str, Any]:
    """Raises ``NoActiveKey`` or the backend's ``KeyUnavailable``; else names the key."""
    key = signing_key_get_active()
    get_backend(key.backend).check_usable(key.key_ref)
    return {"kid": key.kid}


def register() -> None:
    readiness_check_register("signing_key", check_signing_key)
