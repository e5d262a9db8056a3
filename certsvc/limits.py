"""Refuses request bodies over the size limit with a 413 problem, before the body is read.

``settings.MAX_REQUEST_BYTES`` (default: ``DATA_UPLOAD_MAX_MEMORY_SIZE``) bounds every
body. A declared ``Content-Length`` over it is refused before any byte is read; a body
without one (chunked) is cut off by Django while it is read, and its
``RequestDataTooBig`` becomes the same 413 here instead of a generic 400.

Failed logins are limited by django-axes through ``LoginLockoutBackend``.
"""

from __future__ import annotations

import json

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _

from certsvc.problems import PROBLEM_CONTENT_TYPE, problem_type


def max_request_bytes() -> int:
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


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_request_bytes()
        length = _declared_length(request)
        if length is not None and length > limit:
            return request_too_large_response(limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return request_too_large_response(max_request_bytes())
        return None


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for web logins (admin, API token).

    ``authenticate()`` without a request (management commands, the shell) has no client
    address to count failures against; django-axes would raise there, so such calls
    go straight to the password backends.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
