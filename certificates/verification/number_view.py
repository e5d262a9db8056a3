"""``{"number": …}`` from an anonymous caller, answered before the framework: the border post's request.

Such a request needs nothing of DRF that has a choice to make: no credentials to authenticate, one
renderer, a body its own parser reads and ``plain_number`` accepts. This answers it with the same
parser, throttle, answer and renderer as ``VerifyView``, and the same headers. Everything else goes
on to ``VerifyView`` unchanged: a token or a session, another body or content type, an ``Accept``
asking for something else, and every problem (the throttle's 429, a registry that cannot be read),
so each problem document is written in one place. A request handed on keeps its throttle count,
so it is counted once.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer

from certificates.verification import services as verification
from certificates.verification.throttling import THROTTLE_COUNTS_ATTRIBUTE, VerifyAnonThrottle
from certsvc.parsers import JSONParser
from certsvc.problems import ProblemError

logger = logging.getLogger(__name__)

JSON = "application/json"
_ACCEPTS_JSON = frozenset({"", "*/*", JSON})
MAX_ACCESS_CODE_LENGTH = 128

View = Callable[..., HttpResponse]


def number_answered_first(view: View) -> View:
    """``view`` (``VerifyView.as_view()``) with the anonymous ``{"number": …}`` answered before it.

    ``wraps`` carries the view's ``cls`` and ``csrf_exempt`` over, for the schema and for CSRF.
    """

    @wraps(view)
    def verify(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _plain_answer(request) or view(request, *args, **kwargs)

    return verify


def _plain_answer(request: HttpRequest) -> HttpResponse | None:
    if not _plain_request(request):
        return None
    request.user = AnonymousUser()  # no session cookie, no Authorization: the session store need not say so
    asked = _plain_body(request)
    if asked is None or not _throttle_allows(request):
        return None
    number, access_code = asked
    try:
        with _health_check_on_failure():
            body = verification.verification_verify_number_now(
                number=number, user=request.user, access_code=access_code
            )
    except (DatabaseError, APIException, ProblemError) as exc:
        logger.info("verify by number handed on to the framework to answer %s", type(exc).__name__)
        return None
    return _response(body)


@contextmanager
def _health_check_on_failure() -> Iterator[None]:
    """The connection trusted for this read, and checked only if the read fails.

    A request's first query is preceded by a ``SELECT 1`` (``CONN_HEALTH_CHECKS``): a round trip
    as dear as the read itself. This request only reads, outside a transaction, so the read may
    simply be tried: a dead connection fails it, and the framework's turn then checks the
    connection, replaces it and reads again.
    """
    database: Any = connection  # django-stubs do not declare the health check's state
    check_pending = database.health_check_enabled and not database.health_check_done
    if check_pending:
        database.health_check_done = True
    try:
        yield
    except DatabaseError:
        if check_pending:
            database.health_check_done = False
        raise


def _plain_request(request: HttpRequest) -> bool:
    """A POST of JSON by no one in particular, taking JSON, with no query (``?format=``)."""
    return (
        request.method == "POST"
        and request.content_type == JSON
        and not request.META.get("QUERY_STRING")
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and request.META.get("HTTP_ACCEPT", "").strip() in _ACCEPTS_JSON
    )


def _plain_body(request: HttpRequest) -> tuple[str, str | None] | None:
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        data = JSONParser().parse(io.BytesIO(request.body), JSON, {"encoding": encoding})
    except APIException:
        return None  # the framework reports it
    return plain_number(data)


def _throttle_allows(request: HttpRequest) -> bool:
    """The anonymous throttle's decision, its count kept on the request for the framework's turn."""
    throttle = VerifyAnonThrottle()
    allowed = throttle.allow_request(request, None)  # type: ignore[arg-type]  # reads META and user only
    setattr(request, THROTTLE_COUNTS_ATTRIBUTE, throttle.counts_taken)
    return allowed


def _response(body: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(JSONRenderer().render(body, JSON, {}), content_type=JSON)
    patch_vary_headers(response, ["Accept"])
    response["Allow"] = "POST, OPTIONS"
    return response


def plain_number(data: Any) -> tuple[str, str | None] | None:
    """Number and code of a body ``{"number": …}`` or ``{"number": …, "access_code": …}``, else ``None``.

    The number is 1–64 printable ASCII characters once trimmed, the code printable ASCII. Those are
    the bodies ``VerifyInputSerializer`` accepts unchanged (after trimming the number); any other
    body goes through it, with its error messages.
    """
    if type(data) is not dict or set(data) - {"access_code"} != {"number"}:
        return None
    number = _printable_ascii(data["number"], trim=True)
    if number is None or not 0 < len(number) <= 64:
        return None
    if "access_code" not in data:
        return number, None
    access_code = _printable_ascii(data["access_code"], trim=False)
    if access_code is None or len(access_code) > MAX_ACCESS_CODE_LENGTH:
        return None
    return number, access_code


def _printable_ascii(value: Any, *, trim: bool) -> str | None:
    """``value`` (trimmed if ``trim``) when it is a string of printable ASCII, else ``None``."""
    if type(value) is not str or not value.isascii():
        return None
    text = value.strip() if trim else value
    return text if text.isprintable() else None
