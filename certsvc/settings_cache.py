"""``CACHES`` from ``CACHE_URL``; imported by the settings, so it imports no Django model."""

from __future__ import annotations

from typing import Any

import environ

REDIS_SCHEMES = ("redis://", "rediss://", "rediscache://")


def caches_from_url(url: str) -> dict[str, dict[str, Any]]:
    """django-redis with the JSON serializer for Redis (``redis://:password@host:6379/1``)."""
    default = environ.Env.cache_url_config(url)
    if url.startswith(REDIS_SCHEMES):
        default["BACKEND"] = "django_redis.cache.RedisCache"
        default.setdefault("OPTIONS", {})["SERIALIZER"] = "certsvc.cache.JSONOnlySerializer"
    return {"default": default}
