"""GET /api/v1/status/bundle: a signed list of revoked and superseded certificates for offline use."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from joserfc import jws as jose_jws
from joserfc.jwk import KeySet

from certificates.issuance.services import certificate_revoke
from signing.services import signing_key_revoke, signing_key_rotate
from tests.issuance.helpers import issue
from tests.verification.helpers import parts

pytestmark = pytest.mark.django_db

BUNDLE_URL = "/api/v1/status/bundle"


def read_bundle(client):
    response = client.get(BUNDLE_URL)
    assert response.status_code == 200
    jwks = client.get("/.well-known/jwks.json").json()
    verified = jose_jws.deserialize_compact(
        response.content.decode(), KeySet.import_key_set(jwks), algorithms=["EdDSA"]
    )
    return response, verified.headers(), json.loads(verified.payload)


def parse(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_bundle_is_signed_and_lists_revoked_and_superseded_certificates(
    client, certificate, officer, make_submitted
):
    revoked = issue(make_submitted(), officer)
    certificate_revoke(certificate=revoked, actor=officer, reason="wrong HS code")
    replacement = issue(make_submitted(replaces=certificate), officer)
    issue(make_submitted(), officer)  # still valid: not listed
    revoked.refresh_from_db()

    response, header, body = read_bundle(client)

    assert response["Content-Type"] == "application/jose"
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert header["typ"] == "certsvc-status+jws"
    # v1.1: key states, and the witnesses whose cosignatures offline verifiers count (none here)
    assert set(body) == {"issued_at", "next_update", "entries", "keys", "witnesses"}
    assert body["witnesses"] == []
    assert parse(body["next_update"]) - parse(body["issued_at"]) == timedelta(seconds=3600)
    assert body["entries"] == sorted(
        [
            {
                "number": revoked.number,
                "status": "revoked",
                "since": revoked.revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            {
                "number": certificate.number,
                "status": "superseded",
                "since": replacement.document["issued_at"],
            },
        ],
        key=lambda entry: entry["number"],
    )


@override_settings(STATUS_BUNDLE_TTL_SECONDS=600)
def test_next_update_follows_the_setting(client, signing_key):
    _, _, body = read_bundle(client)
    assert parse(body["next_update"]) - parse(body["issued_at"]) == timedelta(seconds=600)
    assert body["entries"] == []


def test_bundle_is_served_from_the_cache_until_a_status_changes(
    client, certificate, officer, django_assert_max_num_queries
):
    first = client.get(BUNDLE_URL).content
    with django_assert_max_num_queries(2):
        again = client.get(BUNDLE_URL).content
    assert again == first

    certificate_revoke(certificate=certificate, actor=officer, reason="duplicate")
    _, _, body = read_bundle(client)
    assert [entry["number"] for entry in body["entries"]] == [certificate.number]


def test_bundle_is_signed_again_after_the_key_changes(client, certificate):
    first_kid = parts(client.get(BUNDLE_URL).content.decode())[0]["kid"]
    signing_key_revoke(kid=first_kid, compromised_at=timezone.now(), reason="leak")
    new_key = signing_key_rotate()
    assert parts(client.get(BUNDLE_URL).content.decode())[0]["kid"] == new_key.kid
