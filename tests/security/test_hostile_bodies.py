"""Hostile JSON bodies: every JSON door answers 2xx or 4xx, never 500, within 100 ms of CPU.

Each body is just under the 1 MiB request limit, so it passes the size check and reaches the
parser. The doors are the POST and PATCH rows of the authorization matrix, each knocked on by
the first caller the matrix lets through. CPU is the whole process's (``time.process_time()``),
measured around the request in the test client. A request still running after a second of CPU
is stopped, so that a slow regression fails quickly instead of holding up the suite for hours.
"""

from __future__ import annotations

import bz2
import gc
import json
import signal
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.applications.factories import application_payload
from tests.security.conftest import World
from tests.security.portal_matrix import is_portal
from tests.security.test_authorization_matrix import CALLERS, MATRIX, _client, _target

BODY_BYTES = 1_000_000  # under MAX_REQUEST_BYTES (1 MiB): read and parsed, not refused with 413
WARM_UP_BYTES = 1_000  # the same shape, small: first-request costs (imports, catalogs) stay out
CPU_BUDGET_SECONDS = 0.100
RUNAWAY_CPU_SECONDS = 1.0
JSON = "application/json"
BODY_METHODS = ("POST", "PUT", "PATCH")


def filled(size: int, unit: bytes, head: bytes = b"", tail: bytes = b"") -> bytes:
    """``head``, then ``unit`` repeated, then ``tail``: ``size`` bytes or a little fewer."""
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def closed_nesting(size: int, opener: bytes, closer: bytes) -> bytes:
    half = size // (len(opener) + len(closer))
    return opener * half + b"1" + closer * half


def at_the_depth_limit(size: int) -> bytes:
    block = b"[" * 63 + b"]" * 63
    return filled(size, block + b",", b"[", block + b"]")


def many_keys(size: int) -> bytes:
    members = (b'"k%d":0' % n for n in range(size // 8))
    return b"{" + b",".join(members)[: size - 16].rpartition(b",")[0] + b"}"


def long_fields(size: int) -> bytes:
    """The members the doors read, each a long string: every serializer sees its own fields."""
    names = (b"number", b"document", b"username", b"password", b"reason", b"url", b"description", b"at")
    value = b"A" * (size // len(names) - 16)
    return b"{" + b",".join(b'"%s":"%s"' % (name, value) for name in names) + b"}"


SHAPES: dict[str, Callable[[int], bytes]] = {
    "unterminated string": lambda n: filled(n, b"a", b'"'),
    "escaped quotes, unterminated": lambda n: filled(n, b'\\"', b'"'),
    "escaped quotes in a string": lambda n: filled(n, b'\\"', b'["', b'"]'),
    "backslashes, unterminated": lambda n: filled(n, b"\\", b'"'),
    "escaped backslashes in a string": lambda n: filled(n, b"\\\\", b'["', b'"]'),
    "quote backslash quote backslash": lambda n: filled(n, b'"\\'),
    "quotes only": lambda n: filled(n, b'"'),
    "empty strings": lambda n: filled(n, b'"",', b"[", b'""]'),
    "unicode escapes": lambda n: filled(n, b"\\u00e9", b'{"number":"', b'"}'),
    "lone surrogate escapes": lambda n: filled(n, b"\\ud800", b'{"number":"', b'"}'),
    "broken unicode escapes": lambda n: filled(n, b"\\u", b'"'),
    "deep arrays, unterminated": lambda n: filled(n, b"["),
    "deep arrays, closed": lambda n: closed_nesting(n, b"[", b"]"),
    "deep objects, closed": lambda n: closed_nesting(n, b'{"a":', b"}"),
    "deep arrays and objects": lambda n: filled(n, b'[{"a":'),
    "nesting at the depth limit, repeated": at_the_depth_limit,
    "empty arrays": lambda n: filled(n, b"[],", b"[", b"[]]"),
    "small objects": lambda n: filled(n, b'{"a":0},', b"[", b"{}]"),
    "zeros": lambda n: filled(n, b"0,", b"[", b"0]"),
    "many keys": many_keys,
    "one key repeated": lambda n: filled(n, b'"a":0,', b"{", b'"a":0}'),
    "long strings in every field": long_fields,
    "long member name": lambda n: filled(n, b"k", b'{"', b'":0}'),
    "long integer": lambda n: filled(n, b"9"),
    "long fraction": lambda n: filled(n, b"1", b'{"number":0.', b"}"),
    "long exponent": lambda n: filled(n, b"9", b'{"number":1e', b"}"),
    "NaN and infinities": lambda n: filled(n, b" ", b'{"number":[NaN,Infinity,-Infinity,1e999]', b"}"),
    "leading whitespace": lambda n: filled(n, b" ", b"", b"{}"),
    "whitespace inside": lambda n: filled(n, b" \t\r\n", b"{", b"}"),
    "invalid UTF-8": lambda n: filled(n, b"\xff"),
    "NUL bytes": lambda n: filled(n, b"\x00"),
    "byte order mark, then nesting": lambda n: filled(n, b"[", b"\xef\xbb\xbf"),
}

# Content types whose charset picks the decoder; the bodies are what each decoder would expand.
CHARSETS: dict[str, Callable[[], bytes]] = {
    "zlib": lambda: zlib.compress(b"[" + b"0," * 10_000_000 + b"0]", 9),
    "bz2": lambda: bz2.compress(b" " * 100_000_000 + b"{}", 9),
    "base64": lambda: filled(BODY_BYTES, b"WzBd"),
    "rot13": lambda: filled(BODY_BYTES, b" ", b"{}"),
    "punycode": lambda: filled(BODY_BYTES, b"a", b"", b"-" + b"b" * 50_000),
    "utf-16": lambda: filled(BODY_BYTES, "[".encode("utf-16-le"), "\ufeff".encode("utf-16-le")),
    "utf-32": lambda: filled(BODY_BYTES, '\\"'.encode("utf-32-le"), '"'.encode("utf-32-le")),
}


@pytest.fixture(autouse=True)
def _suite_heap_left_out():
    """The test process holds many times the objects of a web worker, and a full garbage
    collection walks all of them: frozen, they stay out of what a body is charged for."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


class Runaway(BaseException):
    """Raised into a request that went past ``RUNAWAY_CPU_SECONDS``; not an ``Exception``, so no
    handler on the way turns it into a response."""


@contextmanager
def stopped_after(cpu_seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Runaway

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def knock(client: APIClient, method: str, url: str, body: bytes, content_type: str) -> tuple[str, float]:
    """The status of one request (``"stopped"`` for a runaway) and the CPU seconds it cost."""
    client.raise_request_exception = False  # a 500 is a finding to report, not an error to stop on
    cache.clear()  # throttle counters: every request must get as far as the parser
    started = time.process_time()
    try:
        with stopped_after(RUNAWAY_CPU_SECONDS):
            status = str(client.generic(method, url, body, content_type=content_type).status_code)
    except Runaway:
        status = "stopped"
    return status, time.process_time() - started


def first_caller_let_through(route: str, method: str) -> str:
    # A portal form that did its work answers with a redirect (to the page it changed).
    let_through = 400 if is_portal(route) else 300
    statuses = zip(CALLERS, MATRIX[route, method], strict=True)
    return next(caller for caller, status in statuses if status < let_through)


def finding(status: str, seconds: float) -> str | None:
    if not status.isdigit() or int(status) >= 500:
        return f"answered {status}"
    if seconds > CPU_BUDGET_SECONDS:
        return f"took {seconds * 1000:.0f} ms of CPU"
    return None


DOORS = sorted((route, method) for route, method in MATRIX if method in BODY_METHODS)


@pytest.mark.parametrize(("route", "method"), DOORS, ids=[f"{m} /{r}" for r, m in DOORS])
def test_every_hostile_body_is_answered_quickly_and_without_a_500(world: World, route, method):
    caller = first_caller_let_through(route, method)
    findings = []
    for shape, make in SHAPES.items():
        for size in (WARM_UP_BYTES, BODY_BYTES):
            url, _ = _target(world, route, method)
            status, seconds = knock(_client(world, caller), method, url, make(size), JSON)
        problem = finding(status, seconds)
        if problem:
            findings.append(f"{shape}: {problem}")
    assert not findings, f"{method} /{route} as {caller}:\n" + "\n".join(findings)


@pytest.mark.parametrize("charset", CHARSETS)
def test_the_charset_of_a_body_cannot_expand_it_or_slow_it_down(world: World, charset):
    client = _client(world, "anonymous")
    knock(client, "POST", "/api/v1/verify/", b"{}", f"{JSON}; charset={charset}")  # warm up
    body = CHARSETS[charset]()
    status, seconds = knock(client, "POST", "/api/v1/verify/", body, f"{JSON}; charset={charset}")
    assert finding(status, seconds) is None, f"charset={charset}: {finding(status, seconds)}"


def test_unknown_members_in_every_goods_item_are_refused_quickly(world: World):
    # As many as the parser lets through: 500 items (the most an application holds), each
    # with the members that fit under MAX_JSON_VALUES.
    item = {f"unknown{n}": 0 for n in range(36)}
    body = json.dumps(application_payload(items=[item] * 500)).encode()
    client = _client(world, "exporter_a")
    knock(client, "POST", "/api/v1/applications/", b"{}", JSON)  # warm up
    status, seconds = knock(client, "POST", "/api/v1/applications/", body, JSON)
    assert finding(status, seconds) is None, f"{len(body)} bytes: {finding(status, seconds)}"


def test_the_refusal_names_the_first_unknown_members_and_counts_the_rest(world: World):
    items = [{**application_payload()["items"][0], **{f"unknown{n}": 0 for n in range(8)}}] * 12
    response = _client(world, "exporter_a").post("/api/v1/applications/", application_payload(items=items))
    errors = {(error["field"], error["message"]) for error in response.json()["errors"]}
    assert response.status_code == 400
    assert {field for field, _ in errors if field.startswith("items.0.")} == {
        f"items.0.unknown{n}" for n in range(5)
    }
    assert ("items.0", "More unknown fields: 3.") in errors
    assert ("items.11", "Unknown fields: 8. This object was not checked further.") in errors
