"""did:web documents of the issuing bodies and the registry (CONTRACT §12)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates.credentials.services import certificate_credential_sign
from signing.services import signing_key_revoke, signing_key_rotate
from tests.credentials.conftest import issue_signed
from tests.credentials.outside import did_web_path, joserfc_verify, resolve_kid
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db

DID = "did:web:127.0.0.1%3A8000:issuers:uz"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def test_did_web_percent_encodes_the_port_and_maps_paths_by_the_method(settings, certificate, anon_client):
    assert did_web_path(DID) == ("127.0.0.1:8000", "/issuers/uz/did.json")
    settings.PUBLIC_BASE_URL = "https://certs.example.uz"
    registry = anon_client.get("/.well-known/did.json")
    assert registry.status_code == 200
    assert registry["Content-Type"] == "application/did+json"
    assert "public" in registry["Cache-Control"]
    assert registry.json()["id"] == "did:web:certs.example.uz"
    assert anon_client.get("/issuers/uz/did.json").json()["id"] == "did:web:certs.example.uz:issuers:uz"


def test_the_body_did_resolves_the_kid_of_every_credential_across_a_key_rotation(
    certificate, officer, make_submitted, anon_client
):
    signing_key_rotate(issuer_country="UZ")
    newer = issue_signed(make_submitted(), officer)
    assert newer.kid != certificate.kid
    for issued in (certificate, newer):
        joserfc_verify(issued.credential, resolve_kid(anon_client, issued.credential, DID))


def test_the_body_did_drops_a_key_once_it_is_revoked(certificate, anon_client):
    signing_key_rotate(issuer_country="UZ")
    signing_key_revoke(kid=certificate.kid, compromised_at=timezone.now(), reason="drill")
    for path in ("/issuers/uz/did.json", "/.well-known/did.json"):
        document = anon_client.get(path).json()
        kids = [method["publicKeyJwk"]["kid"] for method in document["verificationMethod"]]
        assert certificate.kid not in kids
        assert kids, "the active key is still listed"
    registry = anon_client.get("/.well-known/did.json").json()["verificationMethod"]
    body = anon_client.get("/issuers/uz/did.json").json()["verificationMethod"]
    assert not {m["publicKeyJwk"]["kid"] for m in registry} & {m["publicKeyJwk"]["kid"] for m in body}
    with pytest.raises(AssertionError, match="does not hold key"):
        resolve_kid(anon_client, certificate.credential, DID)


def test_a_country_without_an_issuing_body_has_no_did(certificate, anon_client):
    assert anon_client.get("/issuers/kz/did.json").status_code == 404
    assert anon_client.get("/issuers/UZ/did.json").status_code == 404


def test_a_credential_signed_after_its_certificates_key_was_revoked_takes_the_active_key(
    signing_key, officer, make_submitted, anon_client
):
    issued = issue(make_submitted(), officer)
    active = signing_key_rotate(issuer_country="UZ")
    signing_key_revoke(kid=issued.kid, compromised_at=timezone.now(), reason="drill")
    signed = certificate_credential_sign(number=issued.number)
    header, _vc = joserfc_verify(signed.credential, resolve_kid(anon_client, signed.credential, DID))
    assert header["kid"] == active.kid
