"""Request id and operational endpoints, at the very start of the middleware chain."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from certsvc import health, metrics
from certsvc.logging import REQUEST_ID_HEADER, request_id_from_header, request_id_var

access_log = logging.getLogger("certsvc.request")

View = Callable[[HttpRequest], HttpResponse]


class OpsEndpointsMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/metrics`` before host validation and the HTTPS redirect.

    Probes from the orchestrator and scrapes from Prometheus reach the container by its
    internal address over plain HTTP; the public ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT``
    would turn them into 400s and 301s. These endpoints carry no session, no user data and
    no secrets (``/metrics`` checks its own token), so they are served here and not logged.
    """

    routes: dict[str, View] = {
        "/healthz": health.healthz,
        "/readyz": health.readyz,
        "/metrics": metrics.metrics_view,
    }

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)


ADMIN_AND_DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# ReDoc writes its styles into <style> elements at run time and runs its search in a blob: worker.
REDOC_CSP = (
    ADMIN_AND_DOCS_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"
)
# The portal shows attachments in frames served by itself; its pages run no inline script.
PORTAL_CSP = ADMIN_AND_DOCS_CSP.replace("object-src 'none'", "object-src 'self'; frame-src 'self'")
CSP_BY_PATH_PREFIX = {
    "/portal/": PORTAL_CSP,
    "/admin/": ADMIN_AND_DOCS_CSP,
    "/api/docs/": ADMIN_AND_DOCS_CSP,
    "/api/redoc/": REDOC_CSP,
}


class ContentSecurityPolicyMiddleware:
    """The admin and the API docs load scripts and styles from the service only.

    A view that sets its own policy (the public certificate page forbids scripts) keeps it.
    """

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for prefix, policy in CSP_BY_PATH_PREFIX.items():
            if request.path_info.startswith(prefix):
                response.headers.setdefault("Content-Security-Policy", policy)
        return response


class RequestIdMiddleware:
    """Takes a safe ``X-Request-ID`` or makes one, exposes it to logs and tasks, echoes it back."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            _log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)


def _log(request: HttpRequest, status: int, started: float) -> None:
    # The path only: query strings may carry search terms or tokens.
    access_log.info(
        "%s %s %s", request.method, request.path, status, extra=_access_fields(request, status, started)
    )


def _access_fields(request: HttpRequest, status: int, started: float) -> dict[str, object]:
    match = request.resolver_match
    return {
        "method": request.method,
        "path": request.path,
        "status": status,
        "view": match.view_name if match else None,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
