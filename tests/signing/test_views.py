"""Public key endpoints: the JWKS and the key list, for anonymous callers, cacheable."""

from __future__ import annotations

import pytest
from django.utils import timezone
from joserfc.jwk import KeySet

from signing.services import signing_key_create, signing_key_revoke, signing_key_rotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_keys(kek):
    first = signing_key_create(activate=True)
    second = signing_key_rotate()
    signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="r")
    third = signing_key_rotate()
    pending = signing_key_create()
    return first, second, third, pending


def test_jwks_lists_every_key_that_has_ever_been_active_but_no_pending_key(client, three_keys):
    first, second, third, pending = three_keys
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert [jwk["kid"] for jwk in body["keys"]] == [first.kid, second.kid, third.kid]
    assert pending.kid not in response.content.decode()
    assert body["keys"][0] == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": first.public_x,
        "kid": first.kid,
        "use": "sig",
        "alg": "EdDSA",
        "issuer": None,
    }
    assert len(KeySet.import_key_set(body).keys) == 3


def test_jwks_is_public_and_cacheable(client, three_keys):
    response = client.get("/.well-known/jwks.json", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=60", "public"]


def test_jwks_of_a_fresh_install_is_an_empty_set(client, db):
    assert client.get("/.well-known/jwks.json").json() == {"keys": []}


def test_key_list_shows_status_and_dates(client, three_keys):
    first, second, third, _ = three_keys
    response = client.get("/api/v1/keys/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=60", "public"]
    rows = {row["kid"]: row for row in response.json()}
    assert [rows[k.kid]["status"] for k in (first, second, third)] == ["revoked", "retired", "active"]
    assert rows[third.kid]["retired_at"] is None
    assert rows[first.kid]["revoked_at"] is not None
    assert rows[second.kid]["retired_at"] == rows[third.kid]["activated_at"]
    assert rows[first.kid]["compromised_at"] is not None
    assert rows[third.kid]["compromised_at"] is None
    assert set(rows[first.kid]) == {
        "kty", "crv", "x", "kid", "use", "alg", "status", "activated_at", "retired_at", "revoked_at",
        "compromised_at", "issuer", "registry_until",
    }  # fmt: skip


def test_openapi_schema_describes_both_endpoints(admin_client):
    response = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    keys = schema["paths"]["/api/v1/keys/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert keys["schema"]["type"] == "array"
    jwks = schema["paths"]["/.well-known/jwks.json"]["get"]["responses"]["200"]
    assert jwks["content"]["application/json"]["schema"]["$ref"].endswith("/JWKS")
