"""Offline and online verifiers that a compromised key, a replayed answer or odd JSON cannot fool.

Each test is a reproduction of the hardening issue (items 4, 5 and 6): a certificate, a status bundle
and a checkpoint forged with a key that is then revoked as compromised; answers of ``--online`` that
do not answer the question; payloads that are not the RFC 8785 form of themselves.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from certificates.issuance.services import certificate_revoke
from signing.canonical import canonicalize
from signing.jws import (
    TYP_CERTIFICATE,
    TYP_CHECKPOINT,
    TYP_RECEIPT,
    TYP_STATUS,
    b64url_encode,
    ed25519_header,
    jwk_thumbprint,
    public_jwk,
    sign_compact,
)
from signing.selectors import signing_key_get_active
from signing.services import jws_sign, signing_key_revoke, signing_key_rotate
from signing.transparency import merkle
from signing.verifier import Verifier, VerifierError
from tests.verification.helpers import VERIFY_URL
from tests.verification.test_offline_cli import Offline, failing, rfc3339

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline(client, tmp_path):
    return Offline(client, tmp_path)


def signed(payload: bytes, typ: str, *, issuer_country: str = "") -> str:
    """Signed now with the active key (the registry's, or a body's): what its thief can sign any time."""
    return jws_sign(payload=payload, typ=typ, issuer_country=issuer_country).compact


def registry_kid() -> str:
    return signing_key_get_active().kid


def compromise(kid: str, *, since: datetime) -> None:
    """The key is revoked as compromised since ``since``, and a new key of its owner takes over."""
    revoked = signing_key_revoke(kid=kid, compromised_at=since, reason="key material leaked")
    signing_key_rotate(issuer_country=revoked.issuer_country)


def backdated_copy(certificate, *, issued_at: datetime) -> str:
    """A certificate that claims to have been issued at ``issued_at``, signed with the active key."""
    document = {**certificate.document, "number": certificate.number + "-F", "issued_at": rfc3339(issued_at)}
    return signed(canonicalize(document), TYP_CERTIFICATE, issuer_country="UZ")


# --- item 4: a key revoked as compromised ---------------------------------------------------


class TestCertificateForgedWithACompromisedKey:
    def forge(self, certificate) -> str:
        long_ago = timezone.now() - timedelta(days=3)
        forged = backdated_copy(certificate, issued_at=long_ago)
        compromise(certificate.kid, since=timezone.now() - timedelta(hours=1))
        return forged

    def test_is_key_revoked_offline_with_the_served_bundle_alone(self, offline, certificate):
        forged = self.forge(certificate)
        code, result = offline.verify(forged)
        assert (code, result["status"], failing(result)) == (1, "key_revoked", ["key_not_revoked"])

    def test_is_key_revoked_with_the_key_list_whatever_issued_at_it_claims(
        self, offline, client, certificate
    ):
        forged = self.forge(certificate)
        keys = offline.write("keys.json", client.get("/api/v1/keys/").content.decode())
        code, result = offline.verify(forged, "--keys", keys, bundle=False)
        assert (code, result["status"]) == (1, "key_revoked")

    def test_is_key_revoked_for_the_library(self, client, certificate):
        forged = self.forge(certificate)
        jwks = client.get("/.well-known/jwks.json").json()
        bundle = client.get("/api/v1/status/bundle").content.decode()
        assert Verifier(jwks, bundle).verify(forged).status == "key_revoked"

    def test_a_certificate_of_a_retired_key_stays_valid(self, offline, certificate):
        signing_key_rotate()
        assert offline.verify(certificate.jws)[1]["status"] == "valid"


def forged_bundle(*, kid: str, issued_at: datetime, next_update: str) -> str:
    body = {
        "issued_at": rfc3339(issued_at),
        "next_update": next_update,
        "entries": [],
        "keys": [{"kid": kid, "status": "active", "compromised_at": None}],
    }
    return signed(canonicalize(body), TYP_STATUS)


class TestBundleForgedWithACompromisedKey:
    def test_a_long_lived_backdated_bundle_is_refused(self, offline, certificate, officer):
        forged = forged_bundle(
            kid=registry_kid(),
            issued_at=timezone.now() - timedelta(days=2),
            next_update="2099-01-01T00:00:00Z",
        )
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        compromise(registry_kid(), since=timezone.now() - timedelta(hours=1))
        jwks, _ = offline.fetch()
        done = offline.run(
            offline.write("c.jws", certificate.jws),
            "--jwks",
            jwks,
            "--bundle",
            offline.write("b.jws", forged),
        )
        assert done.returncode == 2, done.stdout
        assert "24 hours" in done.stderr

    def test_a_bundle_signed_by_a_revoked_key_is_refused_whatever_time_it_claims(
        self, offline, client, certificate
    ):
        issued_at = timezone.now() - timedelta(hours=2)
        forged = forged_bundle(
            kid=registry_kid(), issued_at=issued_at, next_update=rfc3339(issued_at + timedelta(hours=23))
        )
        compromise(registry_kid(), since=timezone.now() - timedelta(hours=1))
        jwks, _ = offline.fetch()
        keys = offline.write("keys.json", client.get("/api/v1/keys/").content.decode())
        cert = offline.write("c.jws", certificate.jws)
        done = offline.run(cert, "--jwks", jwks, "--bundle", offline.write("b.jws", forged), "--keys", keys)
        assert done.returncode == 2, done.stdout
        assert "revoked" in done.stderr

    def test_a_bundle_that_lists_its_own_signer_as_revoked_is_refused(self, client, certificate):
        body = {
            "issued_at": rfc3339(timezone.now()),
            "next_update": rfc3339(timezone.now() + timedelta(hours=1)),
            "entries": [],
            "keys": [{"kid": registry_kid(), "status": "revoked", "compromised_at": rfc3339(timezone.now())}],
        }
        bundle = signed(canonicalize(body), TYP_STATUS)
        jwks = client.get("/.well-known/jwks.json").json()
        with pytest.raises(VerifierError, match="revoked"):
            Verifier(jwks, bundle)


class TestCheckpointForgedWithACompromisedKey:
    def forge(self, certificate) -> dict[str, Any]:
        body = {
            "tree_size": 1,
            "root_hash": base64.b64encode(merkle.leaf_hash(certificate.jws.encode())).decode(),
            "timestamp": rfc3339(timezone.now() - timedelta(days=2)),
        }
        return {**body, "signature": signed(canonicalize(body), TYP_CHECKPOINT)}

    def proof(self, certificate) -> dict[str, Any]:
        leaf = base64.b64encode(merkle.leaf_hash(certificate.jws.encode())).decode()
        return {"leaf_index": 0, "tree_size": 1, "leaf_hash": leaf, "audit_path": []}

    def test_is_refused_by_the_cli(self, offline, certificate):
        checkpoint = self.forge(certificate)
        compromise(registry_kid(), since=timezone.now() - timedelta(hours=1))
        jwks, bundle = offline.fetch()
        done = offline.run(
            offline.write("c.jws", certificate.jws),
            "--jwks", jwks, "--bundle", bundle,
            "--proof", offline.write("proof.json", json.dumps(self.proof(certificate))),
            "--checkpoint", offline.write("checkpoint.json", json.dumps(checkpoint)),
        )  # fmt: skip
        assert done.returncode == 2, done.stdout
        assert "revoked" in done.stderr

    def test_is_refused_by_the_library(self, client, certificate):
        checkpoint = self.forge(certificate)
        compromise(registry_kid(), since=timezone.now() - timedelta(hours=1))
        jwks = client.get("/.well-known/jwks.json").json()
        verifier = Verifier(jwks, client.get("/api/v1/status/bundle").content.decode())
        with pytest.raises(VerifierError, match="revoked"):
            verifier.checkpoint(checkpoint)


# --- item 4, the service side: the bundle carries key states ----------------------------------


def bundle_body(client) -> dict[str, Any]:
    token = client.get("/api/v1/status/bundle").content.decode()
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def test_the_bundle_carries_the_state_of_every_published_key(client, certificate):
    since = timezone.now() - timedelta(hours=1)
    compromise(certificate.kid, since=since)
    keys = bundle_body(client)["keys"]
    published = [jwk["kid"] for jwk in client.get("/.well-known/jwks.json").json()["keys"]]
    assert [key["kid"] for key in keys] == published
    states = {key["kid"]: key for key in keys}
    assert states.pop(certificate.kid) == {
        "kid": certificate.kid,
        "status": "revoked",
        "compromised_at": rfc3339(since),
    }
    assert [key["status"] for key in states.values()] == [
        "active",
        "active",
    ]  # the registry's, the new body key
    assert all(key["compromised_at"] is None for key in states.values())


def test_the_bundle_is_never_valid_for_more_than_a_day(client, certificate, settings):
    settings.STATUS_BUNDLE_TTL_SECONDS = 7 * 24 * 3600
    body = bundle_body(client)
    issued_at = datetime.fromisoformat(body["issued_at"])
    assert datetime.fromisoformat(body["next_update"]) - issued_at == timedelta(hours=24)


# --- item 5: --online answers bound to the question -----------------------------------------


class FakeRegistry:
    """A hand-rolled service on 127.0.0.1 that signs, with its own published key, what ``answer`` returns."""

    def __init__(self, answer):
        self.key = Ed25519PrivateKey.generate()
        x = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = jwk_thumbprint(x)
        self.jwks = {"keys": [public_jwk(x, self.kid)]}
        self.answer, self.requests = answer, []
        self.server = HTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                registry.requests.append(request)
                answer = registry.answer(request)
                # A replayed answer of the real service keeps its receipt; any other is signed here.
                data = json.dumps(answer if "receipt" in answer else registry.signed(answer)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    def signed(self, body: dict[str, Any]) -> dict[str, Any]:
        header = ed25519_header(kid=self.kid, typ=TYP_RECEIPT)
        receipt = sign_compact(payload=canonicalize(body), header=header, signer=self.key.sign)
        return {**body, "receipt": receipt}

    def certificate(self, document: dict[str, Any]) -> str:
        header = ed25519_header(kid=self.kid, typ=TYP_CERTIFICATE)
        return sign_compact(payload=canonicalize(document), header=header, signer=self.key.sign)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer_to(request: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "valid": True,
        "status": "valid",
        "number": request.get("number", "UZ-2026-EX-000001"),
        "checked_at": rfc3339(datetime.now(UTC)),
        "checks": [{"name": "registry", "ok": True}, {"name": "status", "ok": True}],
        "certificate": None,
        "nonce": request.get("nonce"),
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None or key == "certificate"}


@pytest.fixture
def fake_registry():
    registries: list[FakeRegistry] = []

    def start(answer):
        registries.append(FakeRegistry(answer))
        return registries[-1]

    yield start
    for registry in registries:
        registry.close()


def ask_number(offline: Offline, registry: FakeRegistry, number: str = "UZ-2026-EX-000001"):
    jwks = offline.write("fake-jwks.json", json.dumps(registry.jwks))
    return offline.run("--jwks", jwks, "--online", registry.url, "--number", number, "--json")


class TestOnlineAnswersAreBoundToTheQuestion:
    def test_a_fresh_answer_to_this_question_is_accepted(self, offline, fake_registry):
        registry = fake_registry(answer_to)
        done = ask_number(offline, registry)
        assert done.returncode == 0, done.stderr
        nonce = registry.requests[0]["nonce"]
        assert 16 <= len(nonce) <= 64

    def test_an_answer_for_another_number_is_refused(self, offline, fake_registry):
        registry = fake_registry(lambda request: answer_to(request, number="UZ-2026-EX-000999"))
        done = ask_number(offline, registry)
        assert done.returncode == 2
        assert "number" in done.stderr

    def test_an_answer_without_the_nonce_is_refused(self, offline, fake_registry):
        registry = fake_registry(lambda request: answer_to({"number": request["number"]}))
        done = ask_number(offline, registry)
        assert done.returncode == 2
        assert "nonce" in done.stderr

    def test_a_stale_answer_is_refused(self, offline, fake_registry):
        stale = rfc3339(datetime.now(UTC) - timedelta(minutes=6))
        registry = fake_registry(lambda request: answer_to(request, checked_at=stale))
        done = ask_number(offline, registry)
        assert done.returncode == 2
        assert "checked_at" in done.stderr

    def test_an_answer_about_another_document_is_refused(self, offline, fake_registry, certificate):
        other = b64url_encode(b"\x00" * 32)
        registry = fake_registry(lambda request: answer_to(request, number=number, document_sha256=other))
        number = certificate.number
        token = registry.certificate(certificate.document)
        jwks = offline.write("fake-jwks.json", json.dumps(registry.jwks))
        done = offline.run(offline.write("c.jws", token), "--jwks", jwks, "--online", registry.url)
        assert done.returncode == 2
        assert "document_sha256" in done.stderr

    def test_a_replayed_answer_of_the_real_service_is_refused(
        self, offline, fake_registry, client, certificate
    ):
        old = client.post(VERIFY_URL, {"number": certificate.number}, content_type="application/json").json()
        registry = fake_registry(lambda request: old)
        jwks, _ = offline.fetch()
        done = offline.run("--jwks", jwks, "--online", registry.url, "--number", certificate.number)
        assert done.returncode == 2
        assert "nonce" in done.stderr

    def test_plain_http_to_another_host_is_refused_without_a_connection(self, offline, monkeypatch):
        def no_network(*args, **kwargs):
            raise AssertionError("a connection was attempted")

        monkeypatch.setattr(urllib.request, "urlopen", no_network)
        monkeypatch.setattr(socket, "create_connection", no_network)
        monkeypatch.setattr(socket, "getaddrinfo", no_network)
        verifier = Verifier({"keys": []})
        with pytest.raises(VerifierError, match="plain http"):
            verifier.ask_online("http://example.invalid", {"number": "UZ-2026-EX-000001"})
        jwks = offline.write("jwks.json", '{"keys": []}')
        done = offline.run("--jwks", jwks, "--online", "http://example.invalid", "--number", "X")
        assert done.returncode == 2
        assert "plain http" in done.stderr


@pytest.mark.django_db(transaction=True)
class TestOnlineAgainstTheLiveService:
    def test_a_document_is_verified_online_with_the_answer_bound_to_it(
        self, offline, live_server, certificate
    ):
        code, result = offline.verify(certificate.jws, "--online", live_server.url)
        assert (code, result["status"]) == (0, "valid")
        assert {"name": "receipt", "ok": True} in result["checks"]

    def test_a_number_is_verified_online(self, offline, live_server, certificate):
        jwks, _ = offline.fetch()
        done = offline.run(
            "--jwks", jwks, "--online", live_server.url, "--number", certificate.number, "--json"
        )
        assert done.returncode == 0, done.stderr

    def test_online_the_registry_decides_about_a_key_compromised_after_issue(
        self, offline, live_server, certificate
    ):
        compromise(certificate.kid, since=timezone.now())
        assert offline.verify(certificate.jws)[1]["status"] == "key_revoked"  # offline: fail closed
        code, result = offline.verify(certificate.jws, "--online", live_server.url)
        assert (code, result["status"]) == (0, "valid")


# --- item 5, the service side: nonce and document_sha256 -------------------------------------


def post(client, body: dict[str, Any]):
    return client.post(VERIFY_URL, body, content_type="application/json")


def test_the_service_echoes_the_nonce_and_signs_it(client, certificate):
    answer = post(client, {"number": certificate.number, "nonce": "n0nce_-Z"}).json()
    assert answer["nonce"] == "n0nce_-Z"
    receipt = json.loads(base64.urlsafe_b64decode(answer["receipt"].split(".")[1] + "=="))
    assert receipt["nonce"] == "n0nce_-Z"
    assert "document_sha256" not in answer


@pytest.mark.parametrize("nonce", ["", "a" * 65, "has space", "é", 7])
def test_a_bad_nonce_is_a_field_error(client, certificate, nonce):
    response = post(client, {"number": certificate.number, "nonce": nonce})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["nonce"]


def test_an_answer_by_document_carries_its_sha256(client, certificate):
    answer = post(client, {"document": certificate.jws}).json()
    assert answer["document_sha256"] == b64url_encode(hashlib.sha256(certificate.jws.encode()).digest())
    assert "nonce" not in answer


# --- item 6: a payload that is not the RFC 8785 form of itself --------------------------------


def non_canonical_forms(document: dict[str, Any]) -> dict[str, bytes]:
    canonical = canonicalize(document).decode()
    return {
        "spaced": json.dumps(document, indent=1, ensure_ascii=False).encode(),
        "unsorted": json.dumps(dict(reversed(document.items())), separators=(",", ":")).encode(),
        "duplicate": ('{"number":"UZ-0000-EX-000000",' + canonical[1:]).encode(),
    }


@pytest.mark.parametrize("form", ["spaced", "unsorted", "duplicate"])
class TestNonCanonicalPayloads:
    def token(self, certificate, form: str) -> str:
        return signed(non_canonical_forms(certificate.document)[form], TYP_CERTIFICATE)

    def test_are_malformed_offline(self, offline, certificate, form):
        code, result = offline.verify(self.token(certificate, form))
        assert (code, result["status"]) == (1, "malformed")
        assert "RFC 8785" in result["checks"][0]["detail"] or "duplicate" in result["checks"][0]["detail"]

    def test_are_malformed_for_the_service(self, client, certificate, form):
        answer = post(client, {"document": self.token(certificate, form)}).json()
        assert answer["status"] == "malformed"
        assert answer["checks"][0]["name"] == "well_formed"
