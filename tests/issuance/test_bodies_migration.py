"""Migration 0016: the one key set of before becomes the Uzbek body's, and what it signed still verifies.

Before the migration one key signed everything: certificates, receipts, bundles, checkpoints.
Afterwards that key is the Uzbek body's, stamped with ``registry_until``; what it signed before
still verifies online and with ``certsvc-verify``, what it would sign for the registry after is
refused, and the registry gets its own key at its first signature.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from certificates.accounts.models import Organization
from certificates.issuance.models import Certificate, NumberSequence
from certificates.verification.bundle import status_bundle_sign
from certificates.verification.services import verification_by_document
from signing.canonical import canonicalize
from signing.jws import TYP_STATUS, parse_compact
from signing.models import SigningKey
from signing.selectors import jwks_document
from signing.services import jws_sign, signing_key_create
from signing.verifier import Verifier
from signing.verifier.errors import BundleError, VerifierError
from signing.verifier.keys import load_keys
from signing.verifier.online import _check_receipt
from tests.issuance.helpers import issue

BEFORE = [("certificates", "0015_status_bundle_history"), ("signing", "0003_key_event_verbose_names")]
pytestmark = pytest.mark.django_db(transaction=True)


def _one_key_set_signs_everything(officer, make_submitted, client):
    """What v1 did: one active key, signing a certificate, a receipt, a bundle and a checkpoint."""
    key = signing_key_create(activate=True)
    SigningKey.objects.filter(pk=key.pk).update(issuer_country="UZ")  # v1 signed certificates with it too
    certificate = issue(make_submitted(), officer)
    SigningKey.objects.filter(pk=key.pk).update(issuer_country="")
    answer = client.post("/api/v1/verify/", {"number": certificate.number}, content_type="application/json")
    now = timezone.now()
    return {
        "key": key,
        "certificate": certificate,
        "answer": answer.json(),
        "bundle": status_bundle_sign(now),
        "checkpoint": client.get("/api/v1/log/checkpoint").json(),
        "now": now,
    }


def _migrate_across_the_cut_over():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_what_the_one_key_set_signed_before_the_migration_still_verifies(
    client, issuer, officer, make_submitted
):
    issuer.number_prefix = ""
    issuer.save()
    before = _one_key_set_signs_everything(officer, make_submitted, client)
    assert before["answer"]["receipt"]
    _migrate_across_the_cut_over()

    key = SigningKey.objects.get(pk=before["key"].pk)
    assert (key.issuer_country, key.issuer_name) == ("UZ", issuer.name)
    assert key.status == SigningKey.Status.ACTIVE
    assert key.registry_until is not None
    assert Organization.objects.get(pk=issuer.pk).number_prefix == "UZ"
    assert set(NumberSequence.objects.values_list("prefix", flat=True)) == {"UZ"}
    certificate = Certificate.objects.get(pk=before["certificate"].pk)
    assert certificate.issuer_id == issuer.pk

    jwks = jwks_document()
    assert verification_by_document(token=certificate.jws, moment=timezone.now()).status == "valid"
    answer = client.post("/api/v1/verify/", {"number": certificate.number}, content_type="application/json")
    assert answer.json()["valid"] is True
    _check_receipt(before["answer"], load_keys(jwks), None)  # the old receipt
    verifier = Verifier(jwks, before["bundle"], now=before["now"] + timedelta(seconds=1))
    assert verifier.verify(certificate.jws).status == "valid"  # the old bundle, the old certificate
    assert verifier.checkpoint(before["checkpoint"]).tree_size == before["checkpoint"]["tree_size"]

    # The next registry signature makes the registry's first key; the old key signs none again.
    _check_receipt(answer.json(), load_keys(jwks_document()), None)
    registry = SigningKey.objects.get(issuer_country="", status=SigningKey.Status.ACTIVE)
    assert parse_compact(answer.json()["receipt"]).kid == registry.kid
    # Signed times print to the second and the published bound is the cut-over rounded up to one:
    # what the old key signs from the next whole second on is refused.
    after_the_bound = timezone.now() + timedelta(seconds=2)
    later = parse_compact(status_bundle_sign(after_the_bound)).payload
    forged = jws_sign(payload=later, typ=TYP_STATUS, key=key).compact
    with pytest.raises(BundleError, match="not a registry key"):
        Verifier(jwks_document(), forged)
    old_receipt_now = dict(before["answer"], checked_at=after_the_bound.strftime("%Y-%m-%dT%H:%M:%SZ"))
    body = {name: value for name, value in old_receipt_now.items() if name != "receipt"}
    old_receipt_now["receipt"] = jws_sign(
        payload=canonicalize(body), typ="certsvc-receipt+jws", key=key
    ).compact
    with pytest.raises(VerifierError, match="not a registry key"):
        _check_receipt(old_receipt_now, load_keys(jwks_document()), None)
