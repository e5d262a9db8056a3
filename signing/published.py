"""The public key documents (JWKS, key list) kept in memory per process, served with an ETag.

Keys change rarely (rotation, revocation) and every verifier fetches these documents. A key
change bumps an epoch in the shared cache, at once and again when its transaction commits, and
forgets this process's copies; every other process compares its epoch with the shared one at
most every ``EPOCH_CHECK_SECONDS`` and rebuilds from the database when it differs. So the process
that made a change serves it at once and every other one within about a second. When the shared
cache does not answer, each check rebuilds from the database (slower, never stale).

``PublishedKeysMiddleware`` answers ``GET`` on both paths before the rest of the stack (as
WhiteNoise does for static files), right after the request id and access log, with the HTTPS
redirect and headers of ``SecurityMiddleware``; the views answer the same way otherwise.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.security import SecurityMiddleware
from django.utils.cache import get_conditional_response
from rest_framework.renderers import JSONRenderer

from signing.models import SigningKey
from signing.selectors import jwks_document, signing_key_list_published
from signing.serializers import SigningKeyOutputSerializer

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60
CACHE_CONTROL = f"public, max-age={CACHE_SECONDS}"
EPOCH_CHECK_SECONDS = 1.0
EPOCH_KEY = "signing:published-keys:epoch"
PATHS = {"/.well-known/jwks.json": "jwks", "/api/v1/keys/": "keys"}


@dataclass(frozen=True)
class Published:
    body: bytes
    etag: str


_documents: dict[str, Published] = {}
_state: dict[str, Any] = {"epoch": None, "checked_at": float("-inf"), "generation": 0}
_lock = threading.Lock()


def published_response(request: HttpRequest, name: str) -> HttpResponseBase:
    """200 with the document, or 304 when ``If-None-Match`` names its ETag."""
    document = published_document(name)
    headers = {"ETag": document.etag, "Cache-Control": CACHE_CONTROL}
    response = HttpResponse(document.body, content_type="application/json", headers=headers)
    if "HTTP_IF_NONE_MATCH" not in request.META:
        return response
    conditional = get_conditional_response(request, etag=document.etag, response=response)
    return conditional if conditional is not None else response


def published_document(name: str) -> Published:
    _epoch_check()
    document = _documents.get(name)
    if document is None:
        generation = _state["generation"]
        document = _render(BUILDERS[name]())
        with _lock:
            if generation == _state["generation"]:
                _documents[name] = document
    return document


def published_keys_changed(**_: Any) -> None:
    """Signal receiver: a key changed; bump the epoch now and again when the change commits."""
    _epoch_bump()
    transaction.on_commit(_epoch_bump)


def published_forget() -> None:
    with _lock:
        _documents.clear()
        _state["generation"] += 1
        _state["checked_at"] = float("-inf")


def _epoch_check() -> None:
    now = time.monotonic()
    if now - _state["checked_at"] < EPOCH_CHECK_SECONDS:
        return
    epoch = _epoch_shared()
    if epoch != _state["epoch"]:
        published_forget()
    with _lock:
        _state.update(epoch=epoch, checked_at=now)


def _epoch_shared() -> str:
    try:
        cache.add(EPOCH_KEY, secrets.token_hex(8), timeout=None)
        return str(cache.get(EPOCH_KEY))
    except Exception:  # any cache backend's error: rebuild from the database, never serve stale
        logger.warning("the shared cache did not answer; key documents rebuilt from the database")
        return secrets.token_hex(8)


def _epoch_bump() -> None:
    published_forget()
    try:
        cache.set(EPOCH_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # the change itself stands; other processes reload once the cache answers
        logger.exception("could not bump the key documents' epoch in the shared cache")


def _render(data: Any) -> Published:
    body = JSONRenderer().render(data)
    return Published(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def _key_list() -> Any:
    keys = [_key_with_status(key) for key in signing_key_list_published()]
    # The DRF stubs type the instance of a serializer as one object, even with many=True.
    return SigningKeyOutputSerializer(keys, many=True).data  # type: ignore[arg-type]


def _key_with_status(key: SigningKey) -> dict[str, Any]:
    return {
        **key.public_jwk,
        "status": key.status,
        "activated_at": key.activated_at,
        "retired_at": key.retired_at,
        "revoked_at": key.revoked_at,
        "compromised_at": key.compromised_at,
        "issuer": key.issuer,
        "registry_until": key.registry_until,
    }


BUILDERS: dict[str, Callable[[], Any]] = {"jwks": jwks_document, "keys": _key_list}


class PublishedKeysMiddleware:
    """Answers ``GET`` on both paths right after the request id, as ``SecurityMiddleware`` would see them.

    The middleware between (size limit, WhiteNoise, sessions, locale, CSRF…) does nothing for a
    ``GET`` of a public document; ``SecurityMiddleware``'s HTTPS redirect and headers are applied here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.security = SecurityMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        name = PATHS.get(request.path_info)
        if name is None or request.method != "GET":
            return self.get_response(request)
        redirect = self.security.process_request(request)
        if redirect is not None:
            return redirect
        response = published_response(request, name)  # a 200 or a 304, both HttpResponse
        return self.security.process_response(request, cast(HttpResponse, response))
