"""The revocation Bitstring Status List credential (CONTRACT §12), checked by outside libraries."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.credentials.models import StatusList
from certificates.credentials.services import status_list_refresh
from certificates.issuance import services as issuance
from certificates.issuance.models import IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from signing.times import rfc3339
from tests.credentials.outside import joserfc_verify, node_verify, resolve_kid

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"
REGISTRY = "did:web:127.0.0.1%3A8000"
MIN_BITS = 131_072


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = BASE


def status_list(client) -> dict:
    """The list's credential, verified with joserfc against the registry's DID document."""
    response = client.get("/api/v1/status/revocation-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    header, vc = joserfc_verify(token, resolve_kid(client, token, REGISTRY))
    assert header["typ"] == "vc+jwt"
    assert header["cty"] == "vc"
    return vc


def bit(vc: dict, index: int) -> int:
    """Bit ``index`` of the list, decoded here by the Bitstring Status List rules (MSB first)."""
    encoded = vc["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    assert "=" not in encoded
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= MIN_BITS
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_the_status_list_is_issued_by_the_registry_and_verifies_with_joserfc_and_jose(
    certificate, anon_client
):
    vc = status_list(anon_client)
    assert {"VerifiableCredential", "BitstringStatusListCredential"} <= set(vc["type"])
    assert vc["issuer"] == REGISTRY
    assert vc["id"] == f"{BASE}/api/v1/status/revocation-list"
    assert vc["credentialSubject"]["statusPurpose"] == "revocation"
    assert bit(vc, certificate.status_list_index) == 0
    token = anon_client.get("/api/v1/status/revocation-list").content.decode()
    _header, payload = node_verify(token, resolve_kid(anon_client, token, REGISTRY))
    assert payload == vc


def test_the_bit_of_a_certificate_is_set_once_it_is_revoked(certificate, officer, anon_client):
    other = status_list(anon_client)
    issuance.certificate_revoke(certificate=certificate, actor=officer, reason="forged invoice")
    assert bit(status_list(anon_client), certificate.status_list_index) == 0, "served until re-signed"
    status_list_refresh()
    assert bit(status_list(anon_client), certificate.status_list_index) == 1
    assert (
        other["credentialSubject"]["encodedList"]
        != status_list(anon_client)["credentialSubject"]["encodedList"]
    )


def test_the_bit_of_a_superseded_certificate_is_set_and_its_replacements_is_not(
    certificate, officer, anon_client
):
    application = issuance.certificate_replace(certificate=certificate, actor=officer, fields={}, items=None)
    sign_certificate.run(IssuanceOrder.objects.get(application=application).pk)
    status_list_refresh()
    vc = status_list(anon_client)
    assert bit(vc, certificate.status_list_index) == 1
    assert bit(vc, application.certificate.status_list_index) == 0


def test_the_list_is_valid_no_longer_than_the_status_bundle(certificate, anon_client):
    vc = status_list(anon_client)
    bundle = anon_client.get("/api/v1/status/bundle").content.decode().split(".")[1]
    next_update = json.loads(base64.urlsafe_b64decode(bundle + "=" * (-len(bundle) % 4)))["next_update"]
    assert vc["validFrom"] < vc["validUntil"] <= next_update


def test_a_list_about_to_expire_is_signed_afresh_before_it_is_served(certificate, anon_client):
    stale = status_list_refresh()
    StatusList.objects.filter(pk=stale.pk).update(valid_until=timezone.now() + timedelta(seconds=5))
    served = status_list(anon_client)
    assert served["validUntil"] > rfc3339(timezone.now() + timedelta(seconds=60))
    assert StatusList.objects.get(pk=stale.pk).valid_until > timezone.now() + timedelta(seconds=60)
