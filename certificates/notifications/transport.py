"""One HTTP POST of a signed webhook to a checked address, with nothing followed or trusted."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import urllib3
from django.utils import timezone

from certificates.notifications.ssrf import Target, UnsafeURLError, check_url

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
MAX_RETRY_AFTER = timedelta(days=1)
MAX_RESPONSE_BYTES = 4096
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Response:
    status_code: int | None
    latency_ms: int
    error: str = ""
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body`` to ``url`` after the SSRF check; never raises for network trouble."""
    started = time.monotonic()
    try:
        target = check_url(url)
    except UnsafeURLError as exc:
        return Response(status_code=None, latency_ms=0, error=f"refused: {exc}"[:EXCERPT_CHARS])
    try:
        return _send(target, body, headers, started)
    except Exception as exc:  # any failure to send is a failed attempt
        return Response(status_code=None, latency_ms=_elapsed(started), error=_excerpt(type(exc).__name__))


def _send(target: Target, body: bytes, headers: dict[str, str], started: float) -> Response:
    pool = _pool_for(target)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        excerpt = response.read(MAX_RESPONSE_BYTES, decode_content=False)
        response.release_conn()
    finally:
        pool.close()
    return Response(
        status_code=response.status,
        latency_ms=_elapsed(started),
        error="" if 200 <= response.status < 300 else _excerpt(excerpt.decode("utf-8", "replace")),
        retry_after=_retry_after(response.headers.get("Retry-After")),
    )


def _pool_for(target: Target) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    if target.scheme == "https":
        # Connect to the checked address, but verify the certificate and send SNI for the name.
        return urllib3.HTTPSConnectionPool(
            host=target.address,
            port=target.port,
            timeout=timeout,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.hostname,
            assert_hostname=target.hostname,
        )
    return urllib3.HTTPConnectionPool(
        host=target.address, port=target.port, timeout=timeout, maxsize=1, retries=False
    )


def _retry_after(value: str | None) -> timedelta | None:
    """Delta-seconds or an HTTP-date, capped at a day; anything else means the default backoff."""
    if not value:
        return None
    value = value.strip()
    # str.isdigit() also accepts "²" and other digits int() refuses; only ASCII digits are seconds.
    if value.isascii() and value.isdigit():
        return timedelta(seconds=min(int(value), MAX_RETRY_AFTER.total_seconds()))
    try:
        moment: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max(moment - timezone.now(), timedelta(0)), MAX_RETRY_AFTER)


def _excerpt(text: str) -> str:
    return " ".join(text.split())[:EXCERPT_CHARS]


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
