"""Hostile but well-formed requests get a verdict, never a 500 or a false outage."""

from __future__ import annotations

import json

import pytest

from signing.jws import b64url_encode
from signing.verifier import Verifier

pytestmark = pytest.mark.django_db
VERIFY_URL = "/api/v1/verify/"


def nested_payload_token(kid: str) -> str:
    header = b64url_encode(
        json.dumps({"alg": "EdDSA", "kid": kid, "typ": "certsvc-certificate+jws"}).encode()
    )
    payload = b64url_encode(b"[" * 5000 + b"]" * 5000)
    return f"{header}.{payload}.{b64url_encode(b'x' * 64)}"


def test_a_deeply_nested_payload_is_malformed_online_and_offline(anon_client, certificate, client):
    token = nested_payload_token(certificate.kid)
    answer = anon_client.post(VERIFY_URL, {"document": token}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "malformed"
    jwks = client.get("/.well-known/jwks.json").json()
    assert Verifier(jwks).verify(token).status == "malformed"


@pytest.mark.parametrize("number", ["UZBY-2026-EX-00000١", "uzby-2026-ex-000001", "1' OR '1'='1"])
def test_a_number_no_certificate_can_have_is_not_found(anon_client, certificate, number):
    answer = anon_client.post(VERIFY_URL, {"number": number}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "not_found"


@pytest.mark.parametrize("number", ["UZBY\x00-2026", "x" * 500])
def test_a_number_that_is_not_text_of_a_number_is_a_bad_request(anon_client, certificate, number):
    answer = anon_client.post(VERIFY_URL, {"number": number}, format="json")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"


def test_verification_goes_on_when_the_throttle_cache_is_down(anon_client, certificate, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    answer = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "valid"
