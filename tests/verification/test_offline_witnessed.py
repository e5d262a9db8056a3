"""``--min-witnesses``: offline trust in time. A certificate counts only under a checkpoint that enough of
the bundle's witnesses cosigned; one of a key later revoked as compromised is valid again only when
they cosigned before the compromise (CONTRACT §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from signing.canonical import canonical_parse
from signing.jws import parse_compact
from signing.services import signing_key_revoke, signing_key_rotate
from signing.transparency.witnesses import cosignature_submit
from signing.verifier import LogProof, Verifier
from tests.issuance.helpers import issue
from tests.transparency.witnessing import CustomsWitness, register_witness

pytestmark = pytest.mark.django_db


@pytest.fixture
def witnesses(db) -> list[CustomsWitness]:
    return [register_witness("UZ"), register_witness("BY")]


@pytest.fixture
def logged(client, certificate, officer, make_submitted):
    """The certificate, then a rotation and one more certificate: the newest checkpoint has the new key."""
    signing_key_rotate()
    issue(make_submitted(), officer)
    return client.get("/api/v1/log/checkpoint").json()


def cosign_all(witnesses: list[CustomsWitness], checkpoint: dict) -> None:
    """Cosigned a few seconds ago: times are to the second, and the compromise must come after."""
    moment = timezone.now() - timedelta(seconds=3)
    for witness in witnesses:
        cosignature_submit(user=witness.user, signature=witness.cosign(checkpoint, cosigned_at=moment))


def offline(client, certificate, *, min_witnesses: int = 2) -> tuple[Verifier, LogProof]:
    jwks = client.get("/.well-known/jwks.json").json()
    bundle = client.get("/api/v1/status/bundle").content.decode()
    verifier = Verifier(jwks, bundle, min_witnesses=min_witnesses)
    checkpoint = client.get("/api/v1/log/checkpoint").json()
    inclusion = client.get(
        "/api/v1/log/inclusion", {"number": certificate.number, "tree_size": checkpoint["tree_size"]}
    ).json()
    return verifier, LogProof(inclusion, verifier.checkpoint(checkpoint))


def failing(result) -> list[str]:
    return [check["name"] for check in result.checks if not check["ok"]]


def test_a_certificate_under_a_checkpoint_both_witnesses_cosigned_is_valid(client, certificate, witnesses):
    cosign_all(witnesses, client.get("/api/v1/log/checkpoint").json())
    verifier, proof = offline(client, certificate)
    assert verifier.verify(certificate.jws, log_proof=proof).status == "valid"


def test_one_cosignature_of_two_needed_is_refused(client, certificate, witnesses):
    cosign_all(witnesses[:1], client.get("/api/v1/log/checkpoint").json())
    verifier, proof = offline(client, certificate)
    result = verifier.verify(certificate.jws, log_proof=proof)
    assert (result.status, failing(result)) == ("registry_mismatch", ["transparency_log"])
    assert "1 of the 2" in result.checks[-3]["detail"]


def test_without_a_proof_min_witnesses_refuses(client, certificate, witnesses):
    verifier, _ = offline(client, certificate)
    result = verifier.verify(certificate.jws)
    assert (result.status, failing(result)) == ("registry_mismatch", ["transparency_log"])


def test_a_revoked_keys_certificate_witnessed_before_the_compromise_is_valid_again(
    client, certificate, witnesses, logged
):
    cosign_all(witnesses, logged)
    signing_key_revoke(kid=certificate.kid, compromised_at=timezone.now(), reason="HSM stolen")
    verifier, proof = offline(client, certificate)
    result = verifier.verify(certificate.jws, log_proof=proof)
    assert result.status == "valid", result.checks
    assert next(c for c in result.checks if c["name"] == "key_not_revoked")["ok"]

    without_witnesses, _ = offline(client, certificate, min_witnesses=0)
    assert without_witnesses.verify(certificate.jws, log_proof=proof).status == "key_revoked"


def test_a_revoked_keys_certificate_witnessed_only_after_the_compromise_stays_revoked(
    client, certificate, witnesses, logged
):
    cosign_all(witnesses, logged)
    compromised_at = timezone.now() - timedelta(hours=1)
    signing_key_revoke(kid=certificate.kid, compromised_at=compromised_at, reason="HSM stolen")
    verifier, proof = offline(client, certificate)
    assert verifier.verify(certificate.jws, log_proof=proof).status == "key_revoked"


def test_the_bundle_names_the_active_witnesses_and_a_new_one_changes_it(client, signing_key):
    def named() -> list[str]:
        token = client.get("/api/v1/status/bundle").content.decode()
        return [jwk["name"] for jwk in canonical_parse(parse_compact(token).payload)["witnesses"]]

    assert named() == []
    register_witness("UZ")
    assert named() == ["Customs UZ"]
