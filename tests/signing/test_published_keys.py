"""The JWKS and key list served from memory: ETag and 304, no query when warm, renewed on key change."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from django.utils import timezone

from signing.services import signing_key_create, signing_key_revoke, signing_key_rotate
from tests.services import subprocess_env

PATHS = ("/.well-known/jwks.json", "/api/v1/keys/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_a_document_carries_an_etag_and_a_matching_if_none_match_gets_304(client, kek, path):
    signing_key_create(activate=True)
    first = client.get(path)
    assert first.status_code == 200
    assert sorted(first["Cache-Control"].split(", ")) == ["max-age=60", "public"]
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(path, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_a_warm_document_costs_no_query(client, kek, path, django_assert_num_queries):
    signing_key_create(activate=True)
    body = client.get(path).content
    with django_assert_num_queries(0):
        assert client.get(path).content == body


@pytest.mark.django_db
def test_rotation_and_revocation_are_served_at_once_by_the_process_that_made_them(client, kek):
    first = signing_key_create(activate=True)
    etag = client.get("/.well-known/jwks.json")["ETag"]
    second = signing_key_rotate()
    jwks = client.get("/.well-known/jwks.json")
    assert jwks["ETag"] != etag
    assert [k["kid"] for k in jwks.json()["keys"]] == [first.kid, second.kid]
    signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="leaked")
    statuses = {row["kid"]: row["status"] for row in client.get("/api/v1/keys/").json()}
    assert statuses == {first.kid: "revoked", second.kid: "active"}


@pytest.mark.django_db
def test_a_post_to_the_jwks_still_reaches_the_view(client):
    assert client.post("/.well-known/jwks.json").status_code == 405


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _web_process():
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "certsvc.wsgi:application", "--workers=1",
               f"--bind=127.0.0.1:{port}", "--log-level=warning"]  # fmt: skip
    server = subprocess.Popen(command, env=subprocess_env(ALLOWED_HOSTS="127.0.0.1"))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


def _get(url: str) -> tuple[str, list]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.headers["ETag"], json.loads(response.read())


def _statuses(base: str) -> dict[str, str]:
    return {row["kid"]: row["status"] for row in _get(f"{base}/api/v1/keys/")[1]}


def _wait_for_server(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(f"{base}/api/v1/keys/")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the web process did not answer")


@pytest.mark.postgres
@pytest.mark.redis
def test_another_web_process_serves_a_rotation_and_a_revocation_within_a_second(postgres, kek):
    first = signing_key_create(activate=True)
    with _web_process() as base:
        _wait_for_server(base)
        assert _statuses(base) == {first.kid: "active"}
        second = signing_key_rotate()
        signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="leaked")
        changed = time.monotonic()
        while _statuses(base) != {first.kid: "revoked", second.kid: "active"}:
            assert time.monotonic() - changed < 1.5, "the other process still serves the old keys"
            time.sleep(0.02)
        delay = time.monotonic() - changed
        assert [k["kid"] for k in _get(f"{base}/.well-known/jwks.json")[1]["keys"]] == [first.kid, second.kid]
    assert delay < 1.5
