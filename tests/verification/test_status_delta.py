"""GET /api/v1/status/bundle gzip-compressed, and its signed delta ``?since=`` (CONTRACT §4)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from datetime import timezone as tz

import pytest
from django.utils import timezone
from joserfc import jws as jose_jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from certificates.issuance.services import certificate_revoke
from certificates.verification import services as verification
from tests.issuance.helpers import issue
from tests.verification.helpers import parts, with_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BUNDLE_URL = "/api/v1/status/bundle"


def signed(client, token: str) -> tuple[dict, dict]:
    jwks = client.get("/.well-known/jwks.json").json()
    verified = jose_jws.deserialize_compact(token, KeySet.import_key_set(jwks), algorithms=["EdDSA"])
    return verified.headers(), json.loads(verified.payload)


def fetch(client, since: str | None = None, **headers) -> tuple[dict, dict]:
    response = client.get(BUNDLE_URL, {"since": since} if since is not None else {}, **headers)
    assert response.status_code == 200, response.content
    return signed(client, response.content.decode())


def stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_gzip_is_served_to_clients_that_accept_it_and_decodes_to_the_same_jws(client, certificate, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    plain = client.get(BUNDLE_URL)
    zipped = client.get(BUNDLE_URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    for response in (plain, zipped):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Type"] == "application/jose"
    assert plain["ETag"] != zipped["ETag"]
    again = client.get(BUNDLE_URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert (again.status_code, again.content) == (304, b"")


def test_a_delta_after_a_revocation_holds_exactly_that_entry(client, certificate, officer, make_submitted):
    other = issue(make_submitted(), officer)
    certificate_revoke(certificate=other, actor=officer, reason="entered twice")
    _, before = fetch(client)
    assert [entry["number"] for entry in before["entries"]] == [other.number]

    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    certificate.refresh_from_db()
    header, delta = fetch(client, before["issued_at"])
    _, after = fetch(client)

    assert header["typ"] == "certsvc-status+jws"
    assert set(delta) == {"issued_at", "next_update", "since", "keys", "entries"}
    assert delta["since"] == before["issued_at"]
    assert (delta["issued_at"], delta["next_update"], delta["keys"]) == (
        after["issued_at"],
        after["next_update"],
        after["keys"],
    )
    assert delta["entries"] == [
        {"number": certificate.number, "status": "revoked", "since": stamp(certificate.revoked_at)}
    ]


def test_a_delta_from_the_current_bundle_is_empty_and_gzip_served(client, certificate):
    _, bundle = fetch(client)
    response = client.get(BUNDLE_URL, {"since": bundle["issued_at"]}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    _, delta = signed(client, gzip.decompress(response.content).decode())
    assert (delta["entries"], delta["issued_at"]) == ([], bundle["issued_at"])


@pytest.mark.parametrize("since", ["garbage", "", "2026-13-45T99:00:00Z", "2020-01-01T00:00:00Z"])
def test_a_since_that_names_no_issued_bundle_is_409_delta_unavailable(client, certificate, since):
    fetch(client)
    response = client.get(BUNDLE_URL, {"since": since})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "delta_unavailable"


def test_a_bundle_older_than_7_days_gives_no_delta(client, certificate):
    old = timezone.now() - timedelta(days=7, minutes=1)
    verification.status_bundle_sign(old)
    _, recent = fetch(client)
    assert client.get(BUNDLE_URL, {"since": stamp(old)}).json()["code"] == "delta_unavailable"
    assert client.get(BUNDLE_URL, {"since": recent["issued_at"]}).status_code == 200


def test_a_since_in_another_offset_naming_the_same_moment_is_accepted(client, certificate):
    _, bundle = fetch(client)
    moment = datetime.fromisoformat(bundle["issued_at"]).astimezone(tz(timedelta(hours=5)))
    _, delta = fetch(client, moment.isoformat())
    assert delta["since"] == bundle["issued_at"]


def test_a_tampered_delta_does_not_verify(client, certificate, officer):
    _, bundle = fetch(client)
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    token = client.get(BUNDLE_URL, {"since": bundle["issued_at"]}).content.decode()
    _, delta = signed(client, token)
    with pytest.raises(BadSignatureError):
        signed(client, with_payload(token, {**delta, "entries": []}))


def test_the_gzip_of_a_bundle_is_made_once_not_per_request(client, certificate, monkeypatch):
    from certificates.verification import bundle_http

    made = []
    real = bundle_http.gzip.compress
    monkeypatch.setattr(bundle_http.gzip, "compress", lambda data, **kw: made.append(1) or real(data, **kw))
    bundle_http._gzipped.clear()
    bodies = {client.get(BUNDLE_URL, HTTP_ACCEPT_ENCODING="gzip").content for _ in range(3)}
    assert (len(bodies), len(made)) == (1, 1)


def test_two_bundles_built_in_one_second_get_distinct_issued_at(client, certificate, officer):
    now = timezone.now()
    first = parts(verification.status_bundle_sign(now))[1]["issued_at"]
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    second = parts(verification.status_bundle_sign(now))[1]["issued_at"]
    assert datetime.fromisoformat(second) - datetime.fromisoformat(first) == timedelta(seconds=1)
    _, delta = fetch(client, first)
    assert [entry["number"] for entry in delta["entries"]] == [certificate.number]


def test_the_schema_documents_since_and_the_409(client):
    operation = client.get("/api/schema/", {"format": "json"}).json()["paths"]["/api/v1/status/bundle"]["get"]
    assert [parameter["name"] for parameter in operation["parameters"]] == ["since"]
    assert {"200", "304", "409", "503"} <= set(operation["responses"])
