"""One HTTP POST of a signed webhook to a checked address, with nothing followed or trusted."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone

from certificates.notifications import conf
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
    seconds = float(conf.get("WEBHOOK_TOTAL_TIMEOUT_SECONDS"))
    sock = socket.create_connection((target.address, target.port), timeout=min(CONNECT_TIMEOUT, seconds))
    with _Deadline(sock, seconds) as deadline:
        try:
            status, excerpt, retry_after = _exchange(target, sock, body, headers)
        except Exception:
            if deadline.expired:
                return _deadline_response(seconds, started)
            raise
    return Response(
        status_code=status,
        latency_ms=_elapsed(started),
        error="" if 200 <= status < 300 else _excerpt(excerpt.decode("utf-8", "replace")),
        retry_after=_retry_after(retry_after),
    )


def _exchange(
    target: Target, sock: socket.socket, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, str | None]:
    """Request and the first bytes of the answer over ``sock``, which the deadline may cut."""
    sock.settimeout(READ_TIMEOUT)
    if target.scheme == "https":
        # Connected to the checked address; the certificate is verified, and SNI sent, for the name.
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.hostname)
    connection = http.client.HTTPConnection(target.address, target.port, timeout=READ_TIMEOUT)
    connection.sock = sock
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "Host": target.host_header})
        response = connection.getresponse()
        return response.status, response.read(MAX_RESPONSE_BYTES), response.getheader("Retry-After")
    finally:
        connection.close()


class _Deadline:
    """Shuts the connection down when the whole exchange has taken ``seconds``.

    Per-read timeouts alone let a receiver that trickles a byte now and then hold a worker for
    ever; the watchdog cuts connect, TLS, headers and body alike. It holds a duplicate of the
    socket, so it still reaches the connection after TLS has taken the original over.
    """

    def __init__(self, sock: socket.socket, seconds: float):
        self._guard = sock.dup()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self.expired = False

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        self._guard.close()

    def _expire(self) -> None:
        self.expired = True
        with contextlib.suppress(OSError):
            self._guard.shutdown(socket.SHUT_RDWR)


def _deadline_response(seconds: float, started: float) -> Response:
    error = f"deadline: no complete answer within {seconds:g} s"
    return Response(status_code=None, latency_ms=_elapsed(started), error=error)


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
