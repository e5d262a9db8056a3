"""Every API error as ``application/problem+json`` (RFC 9457).

Validation errors carry ``errors: [{"field": "items.2.hs_code", "message": …, "code": …}]``,
one entry per failing field, with dotted paths into nested objects and lists.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from certsvc.negotiation import prefers_html

PROBLEM_CONTENT_TYPE = "application/problem+json"


_TITLES = {
    400: _("Invalid request"),
    401: _("Authentication required"),
    403: _("Permission denied"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    429: _("Too many requests"),
    503: _("Service unavailable"),
}


class ProblemError(Exception):
    """A domain error that the API reports as a problem with a stable ``code``."""

    status_code: int = status.HTTP_409_CONFLICT
    default_title: Any = None  # a subclass's own title; else the title of its HTTP status

    def __init__(self, code: str, detail: str, *, status_code: int | None = None, title: str | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        self.title = str(title or self.default_title or _TITLES.get(self.status_code, _("Error")))


class ServiceUnavailable(ProblemError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_title = _("Service unavailable")


def problem_type(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/problems/{code}"


def problem_response(
    *, status_code: int, code: str, detail: str, title: str | None = None, **extra: Any
) -> Response:
    body = {
        "type": problem_type(code),
        "title": title or str(_TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def flatten_errors(detail: Any, path: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error structure into ``[{field, message, code}]`` with dotted paths."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in flatten_errors(value, path if key in _WHOLE_OBJECT else _child_path(path, key))
        ]
    if isinstance(detail, list) and not _all_messages(detail):
        return [
            error
            for index, item in enumerate(detail)
            for error in flatten_errors(item, _child_path(path, index))
        ]
    messages = detail if isinstance(detail, list) else [detail]
    return [_error_entry(path, item) for item in messages]


# Errors about the object as a whole: reported at the object's own path.
_WHOLE_OBJECT = ("non_field_errors", "__all__")


def _child_path(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _all_messages(items: list[Any]) -> bool:
    return all(isinstance(item, exceptions.ErrorDetail | str) for item in items)


def _error_entry(path: str, item: Any) -> dict[str, str]:
    return {"field": path, "message": str(item), "code": getattr(item, "code", "invalid")}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ProblemError):
        return _negotiated(_domain_problem(exc), context)
    exc = _as_drf_exception(exc)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    return _negotiated(_with_drf_headers(_api_problem(exc, response.status_code), response), context)


def _negotiated(problem: Response, context: dict[str, Any]) -> Response:
    """The browsable API's HTML page for a browser that prefers it; problem+json for everyone else."""
    request, html = context.get("request"), _html_renderer(context.get("view"))
    if request is None:
        return problem
    if html is not None and prefers_html(request.headers.get("Accept", "")):
        request.accepted_renderer, request.accepted_media_type = html, html.media_type
        problem.content_type = None
    elif isinstance(getattr(request, "accepted_renderer", None), BrowsableAPIRenderer):
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return problem


def _html_renderer(view: Any) -> BrowsableAPIRenderer | None:
    renderers = view.get_renderers() if view is not None else []
    return next((r for r in renderers if isinstance(r, BrowsableAPIRenderer)), None)


def _domain_problem(exc: ProblemError) -> Response:
    response = problem_response(
        status_code=exc.status_code,
        code=exc.code,
        detail=exc.detail,
        title=exc.title,
        **getattr(exc, "members", {}),
    )
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _as_drf_exception(exc: Exception) -> Exception:
    """Django's own 404 and 403 as DRF's exceptions, which carry the detail and code a problem needs."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _api_problem(exc: exceptions.APIException, status_code: int) -> Response:
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="validation_error",
            detail=str(_("The request contains invalid fields.")),
            errors=flatten_errors(exc.detail),
        )
    detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc.default_detail)
    return problem_response(status_code=status_code, code=_code_of(exc), detail=detail)


def _code_of(exc: exceptions.APIException) -> str:
    code = getattr(exc.detail, "code", None)
    return str(code or exc.default_code)


# Set by DRF's handler for authentication, throttles and methods; the problem keeps them.
_DRF_HEADERS = ("www-authenticate", "retry-after", "allow")


def _with_drf_headers(problem: Response, response: Response) -> Response:
    for header, value in response.headers.items():
        if header.lower() in _DRF_HEADERS:
            problem[header] = value
    return problem


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 for paths no route matches: problem+json under ``/api/``, the HTML page elsewhere."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {
        "type": problem_type("not_found"),
        "title": str(_TITLES[404]),
        "status": 404,
        "detail": str(_("No API endpoint matches this path.")),
        "code": "not_found",
    }
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
