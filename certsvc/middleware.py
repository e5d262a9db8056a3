"""Request id and operational endpoints, at the very start of the middleware chain."""

from __future__ import annotations

import logging
import time

from certsvc.logging import REQUEST_ID_HEADER, request_id_from_header, request_id_var

access_log = logging.getLogger("certsvc.request")


class OpsEndpointsMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/metrics`` before host validation and the HTTPS redirect.

    Probes from the orchestrator and scrapes from Prometheus reach the container by its
    internal address over plain HTTP; the public ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT``
    would turn them into 400s and 301s. These endpoints carry no session, no user data and
    no secrets (``/metrics`` checks its own token), so they are served here and not logged.
    """

    def __init__(self, get_response):
        from certsvc import health, metrics

        self.get_response = get_response
        self.routes = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": metrics.metrics_view}

    def __call__(self, request):
        view = self.routes.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """Takes a safe ``X-Request-ID`` or makes one, exposes it to logs and tasks, echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        # The path only: query strings may carry search terms or tokens.
        match = getattr(request, "resolver_match", None)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "view": match.view_name if match else None,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
