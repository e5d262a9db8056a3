"""Refuses request bodies over the size limit with a 413 problem, before the body is read.

``settings.MAX_REQUEST_BYTES`` (default: ``DATA_UPLOAD_MAX_MEMORY_SIZE``) bounds every
body. A declared ``Content-Length`` over it is refused before any byte is read; a body
without one (chunked) is cut off by Django while it is read, and its
``RequestDataTooBig`` becomes the same 413 here instead of a generic 400.

Failed logins are limited by django-axes through ``LoginLockoutBackend``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from certsvc.problems import PROBLEM_CONTENT_TYPE, problem_type


def max_request_bytes(path: str = "") -> int:
    """The body limit; larger on the paths that take a file upload (``settings.UPLOAD_PATHS``)."""
    if path and any(re.match(pattern, path) for pattern in getattr(settings, "UPLOAD_PATHS", ())):
        return int(settings.UPLOAD_MAX_REQUEST_BYTES)
    return getattr(settings, "MAX_REQUEST_BYTES", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def request_too_large_response(limit: int) -> HttpResponse:
    body = {
        "type": problem_type("request_too_large"),
        "title": _("Request too large"),
        "status": 413,
        "detail": _("The request body exceeds %(limit)d bytes.") % {"limit": limit},
        "code": "request_too_large",
    }
    return HttpResponse(json.dumps(body), status=413, content_type=PROBLEM_CONTENT_TYPE)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_request_bytes(request.path_info)
        length = _declared_length(request)
        if length is not None and length > limit:
            return request_too_large_response(limit)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return request_too_large_response(max_request_bytes(request.path_info))
        return None


class LoginLockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # untyped base, from django-axes
    """django-axes' lockout check for web logins (admin, API token).

    ``authenticate()`` without a request (management commands, the shell) has no client
    address to count failures against; django-axes would raise there, so such calls
    go straight to the password backends.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        user: AbstractBaseUser | None = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        return user
