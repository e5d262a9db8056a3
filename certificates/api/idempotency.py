"""``Idempotency-Key`` for POSTs that create things: a retry replays the first answer.

The first request with a key reserves it (a row unique per user, scope and key),
runs the view and stores the response; a retry with the same key and the same
body gets that stored status and body back and creates nothing. The same key
with a different body is a 422; a retry that arrives while the first request is
still running is a 409. Failed requests free their key so that the client can
retry. Keys expire after ``IDEMPOTENCY_TTL``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeAlias, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from certificates.api.models import IdempotencyKey
from certsvc.problems import ProblemError

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255

_V = TypeVar("_V")
_P = ParamSpec("_P")
ViewMethod: TypeAlias = Callable[Concatenate[_V, Request, _P], Response]

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Unique per request you mean (max 255 characters); a retry with the same key and body "
    "returns the first response and creates nothing. Kept for 24 hours, per user.",
)


class IdempotencyError(ProblemError):
    default_title = _("Idempotency-Key conflict")


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete every expired key, whoever sent it (beat runs this; a user's next request did before)."""
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def idempotent(scope: str) -> Callable[[ViewMethod[_V, _P]], ViewMethod[_V, _P]]:
    """Decorate a DRF view method (``def create(self, request, …)``) to honour ``Idempotency-Key``."""

    def decorator(method: ViewMethod[_V, _P]) -> ViewMethod[_V, _P]:
        @functools.wraps(method)
        def wrapper(view: _V, request: Request, /, *args: _P.args, **kwargs: _P.kwargs) -> Response:
            key = request.headers.get(HEADER)
            if key is None:
                return method(view, request, *args, **kwargs)
            return _once(request, scope, key, lambda: method(view, request, *args, **kwargs))

        return wrapper

    return decorator


def _once(request: Request, scope: str, key: str, run: Callable[[], Response]) -> Response:
    """Run the view under a freshly reserved key, or replay what the first request with it got."""
    record, replay = _reserve(request, scope, key)
    if replay is not None:
        return replay
    try:
        response = run()
    except BaseException:
        record.delete()  # a failed request frees its key, so that the client can retry
        raise
    _store(record, response)
    return response


def _reserve(request: Request, scope: str, key: str) -> tuple[IdempotencyKey, Response | None]:
    """A new reservation of ``key``, or the one that holds it already with its replay."""
    _key_check(key)
    digest, user_id = _request_hash(request), _caller_id(request)
    IdempotencyKey.objects.filter(user_id=user_id, expires_at__lte=timezone.now()).delete()
    try:
        return _insert(user_id=user_id, scope=scope, key=key, digest=digest), None
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user_id=user_id, scope=scope, key=key).first()
    if existing is None:
        # The first request failed and released the key between our insert and this read.
        return _reserve(request, scope, key)
    return existing, _replay(existing, digest)


def _key_check(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise IdempotencyError(
            "idempotency_key_invalid",
            str(_("The Idempotency-Key header must have 1 to 255 characters.")),
            status_code=status.HTTP_400_BAD_REQUEST,
        )


def _insert(*, user_id: int, scope: str, key: str, digest: str) -> IdempotencyKey:
    now = timezone.now()
    with transaction.atomic():  # a savepoint: the unique constraint may refuse the row
        return IdempotencyKey.objects.create(
            user_id=user_id,
            scope=scope,
            key=key,
            request_hash=digest,
            created_at=now,
            expires_at=now + IDEMPOTENCY_TTL,
        )


def _replay(existing: IdempotencyKey, digest: str) -> Response:
    if existing.request_hash != digest:
        raise IdempotencyError(
            "idempotency_key_reused",
            str(_("This Idempotency-Key was already used with a different request.")),
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if existing.response_status is None:
        raise IdempotencyError(
            "idempotency_key_in_progress",
            str(_("A request with this Idempotency-Key is still being processed.")),
        )
    response = Response(existing.response_body, status=existing.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _store(record: IdempotencyKey, response: Response) -> None:
    if response.status_code >= 400:
        record.delete()
        return
    record.response_status = response.status_code
    # Stored as JSON exactly as rendered, so a replay is byte-for-byte the same body.
    record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
    record.save(update_fields=["response_status", "response_body"])


def _request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _caller_id(request: Request) -> int:
    """Keys are per user; the view's permission classes have admitted a signed-in one."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return int(request.user.pk)
