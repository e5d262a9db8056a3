"""The JWKS and key list served from memory: ETag and 304, no query when warm, renewed on key change."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from signing.services import signing_key_create, signing_key_revoke, signing_key_rotate
from tests.ops.web_process import get_json, web_process

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


def _statuses(base: str) -> dict[str, str]:
    return {row["kid"]: row["status"] for row in get_json(f"{base}/api/v1/keys/")[2]}


@pytest.mark.postgres
@pytest.mark.redis
def test_another_web_process_serves_a_rotation_and_a_revocation_within_a_second(postgres, kek):
    first = signing_key_create(activate=True)
    with web_process() as base:
        assert _statuses(base) == {first.kid: "active"}
        second = signing_key_rotate()
        signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="leaked")
        changed = time.monotonic()
        while _statuses(base) != {first.kid: "revoked", second.kid: "active"}:
            assert time.monotonic() - changed < 1.5, "the other process still serves the old keys"
            time.sleep(0.02)
        delay = time.monotonic() - changed
        assert [k["kid"] for k in get_json(f"{base}/.well-known/jwks.json")[2]["keys"]] == [
            first.kid,
            second.kid,
        ]
    assert delay < 1.5
