"""Check a certsvc webhook on the receiving side (Standard Webhooks signatures).

Every webhook carries three headers:

* ``webhook-id`` — the same on every retry of one event to one endpoint; store it and
  ignore a delivery whose id you have already processed;
* ``webhook-timestamp`` — Unix seconds of this attempt;
* ``webhook-signature`` — one or more space-separated ``v1,<base64 HMAC-SHA256>`` values
  over ``"{id}.{timestamp}.{body}"``. While a secret is being rotated, deliveries carry
  a signature under the new and under the old secret; either one matching is enough.

The body is JSON: ``{"type": "certificate.revoked", "timestamp": "…", "data": {…}}``.

Usage (any framework; pass the raw request body, not a re-serialized one)::

    from certificates.notifications.webhook_receiver import WebhookVerificationError, verify_webhook

    try:
        payload = verify_webhook(secret="whsec_…", headers=request.headers, body=request.body)
    except WebhookVerificationError:
        return HttpResponse(status=400)
    if already_seen(request.headers["webhook-id"]):
        return HttpResponse(status=200)
    handle(payload["type"], payload["data"])
    return HttpResponse(status=204)

Answer with a 2xx quickly; anything else (including redirects) is retried with
backoff for about a day, ``429`` with ``Retry-After`` is honoured, and ``410 Gone``
switches the endpoint off. Any Standard Webhooks library (``standardwebhooks`` for
Python, JavaScript, Go, Java, …) verifies these deliveries too.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

__all__ = ["WebhookVerificationError", "verify_webhook"]


def verify_webhook(
    *, secret: str, headers: Mapping[str, str], body: bytes, tolerance: timedelta = timedelta(minutes=5)
) -> dict[str, Any]:
    """Return the parsed payload, or raise ``WebhookVerificationError``.

    Raises when a header is missing, the timestamp is further than ``tolerance`` from
    now (replayed or forged), or no ``v1`` signature matches ``secret``.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    message_id = lowered.get("webhook-id")
    timestamp_header = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (message_id and timestamp_header and signatures):
        raise WebhookVerificationError("Missing required headers")
    timestamp = _timestamp_within(timestamp_header, tolerance)
    text = body.decode("utf-8")
    expected = Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=text)
    if not any(_matches(candidate, expected) for candidate in signatures.split(" ")):
        raise WebhookVerificationError("No matching signature found")
    payload: dict[str, Any] = json.loads(text)
    return payload


def _timestamp_within(header: str, tolerance: timedelta) -> datetime:
    try:
        timestamp = datetime.fromtimestamp(int(header), tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise WebhookVerificationError("Invalid webhook-timestamp") from exc
    if abs(datetime.now(tz=UTC) - timestamp) > tolerance:
        raise WebhookVerificationError("Message timestamp outside the tolerance")
    return timestamp


def _matches(candidate: str, expected: str) -> bool:
    version, _, signature = candidate.partition(",")
    if version != "v1" or not signature:
        return False
    try:
        given = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return hmac.compare_digest(given, base64.b64decode(expected.split(",", 1)[1]))
