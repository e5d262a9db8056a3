"""Signing backends, chosen by alias from ``settings.SIGNING_BACKENDS``."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from signing.backends.base import CreatedKey, SigningBackend
from signing.errors import KeyUnavailable

__all__ = ["CreatedKey", "SigningBackend", "get_backend"]


def get_backend(alias: str | None = None) -> SigningBackend:
    alias = alias or settings.SIGNING_DEFAULT_BACKEND
    try:
        path = settings.SIGNING_BACKENDS[alias]
    except KeyError as exc:
        raise KeyUnavailable(f"signing backend {alias!r} is not configured in SIGNING_BACKENDS") from exc
    backend_class: type[SigningBackend] = import_string(path)
    return backend_class(alias)
