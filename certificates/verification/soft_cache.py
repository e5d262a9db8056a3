"""The shared cache as verification uses it: it only saves work, so an outage is not an error."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

from certsvc.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


def cache_get(key: str) -> Any:
    """The cached value, or ``None`` when absent or when the cache is down (then it is computed)."""
    try:
        return cache.get(key)
    except CACHE_ERRORS:
        logger.warning("cache unavailable; computing without it", exc_info=True)
        return None


def cache_set(key: str, value: Any, *, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except CACHE_ERRORS:
        logger.warning("cache unavailable; result not kept", exc_info=True)
