"""Throttles of verification and of the public page, counted in the shared cache.

The rates are read from the settings when a request comes (not when a class is defined), so
they follow ``override_settings`` and deployment changes alike.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from certificates.verification.throttle_counts import throttle_count
from certsvc.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

# A request answered in part before the framework (``number_view``) carries the counts it took.
THROTTLE_COUNTS_ATTRIBUTE = "certsvc_throttle_counts"


def configured_rate(scope: str | None) -> str | None:
    """The rate of ``scope`` in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, as it is now."""
    framework = cast(dict[str, Any], settings.REST_FRAMEWORK)
    rates: dict[str, str | None] = framework["DEFAULT_THROTTLE_RATES"]
    return rates[scope or ""]


class CountingThrottle(SimpleRateThrottle):
    """At most the rate's number of requests per window and caller, counted per process and summed
    in the shared cache (``throttle_counts``); a request counted already is not counted again."""

    _retry_after: int | None = None

    def get_rate(self) -> str | None:
        return configured_rate(self.scope)

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.counts_taken: dict[str, int] = {}
        allowed, duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if allowed is None or duration is None or self.key is None:
            return True
        count = getattr(request, THROTTLE_COUNTS_ATTRIBUTE, {}).get(self.key)
        if count is None:
            try:
                count = throttle_count(self.key, duration)
            except CACHE_ERRORS:
                # Border posts must keep verifying through a cache outage; the registry still answers.
                logger.warning("verify throttle unavailable; request let through", exc_info=True)
                return True
        self.counts_taken[self.key] = count
        self._retry_after = duration  # at most: the window opened at the first request in it
        return count <= allowed

    def wait(self) -> float | None:
        return self._retry_after


class VerifyAnonThrottle(CountingThrottle, AnonRateThrottle):
    scope = "verify_anon"


class VerifyUserThrottle(CountingThrottle, UserRateThrottle):
    """Authenticated callers' own rate; anonymous callers are held to ``verify_anon`` alone."""

    scope = "verify_user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
