"""Key material: a database dump holds no private key; a wrong KEK fails closed."""

from __future__ import annotations

import base64
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection

from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from signing.errors import KeyUnavailable
from signing.jws import TYP_CERTIFICATE
from signing.models import SigningKey
from signing.services import jws_sign, signing_key_ensure_active
from tests.applications.factories import ApplicationFactory, IssuerFactory, UserFactory
from tests.issuance.helpers import approve, issue
from tests.signing import conftest as signing_fixtures
from tests.signing.conftest import decrypt_private_key, new_kek

kek = signing_fixtures.kek  # a fresh KEK per test


def _database_dump() -> bytes:
    """The whole test database as plain SQL: pg_dump on PostgreSQL, iterdump on SQLite."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        command = ["pg_dump", "--no-owner", "--format=plain", "-h", params["HOST"] or "127.0.0.1"]
        command += ["-p", str(params["PORT"] or 5432), "-U", params["USER"] or "postgres", params["NAME"]]
        return subprocess.run(command, check=True, capture_output=True, timeout=120).stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump()).encode()


def _encodings(secret: bytes) -> dict[str, bytes]:
    b64 = base64.b64encode(secret)
    b64url = base64.urlsafe_b64encode(secret)
    return {
        "raw": secret,
        "hex": secret.hex().encode(),
        "HEX": secret.hex().upper().encode(),
        "base64": b64,
        "base64 unpadded": b64.rstrip(b"="),
        "base64url": b64url,
        "base64url unpadded": b64url.rstrip(b"="),
    }


def test_a_database_dump_contains_no_private_key_material(transactional_db, kek):
    officer = UserFactory(role="officer", organization=IssuerFactory(country="UZ", tax_id=""))
    signing_key_ensure_active()  # the registry's, which signs the answers and the log
    key = signing_key_ensure_active(issuer_country="UZ")
    issue(ApplicationFactory(status="submitted"), officer)
    private = decrypt_private_key(key)
    public = Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
    assert base64.urlsafe_b64encode(public).rstrip(b"=").decode() == key.public_jwk["x"]

    dump = _database_dump()
    assert key.public_jwk["x"].encode() in dump, "the dump holds the signing keys' rows"
    found = [name for name, encoded in _encodings(private).items() if encoded in dump]
    assert not found, f"private key found in the database dump as: {', '.join(found)}"


def test_signing_with_a_wrong_kek_raises_key_unavailable(db, kek, settings):
    signing_key_ensure_active()
    settings.SIGNING_KEK = new_kek()
    with pytest.raises(KeyUnavailable):
        jws_sign(payload=b'{"number":"x"}', typ=TYP_CERTIFICATE)


def test_issuance_with_a_wrong_kek_fails_closed_and_signs_nothing(db, kek, settings):
    from certificates.issuance.tasks import sign_certificate

    officer = UserFactory(role="officer", organization=IssuerFactory(country="UZ", tax_id=""))
    signing_key_ensure_active()
    signing_key_ensure_active(issuer_country="UZ")
    application = ApplicationFactory(status="submitted")
    settings.SIGNING_KEK = new_kek()
    order = approve(application, officer)
    sign_certificate.run(order.pk)

    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.FAILED
    assert order.error_code == "signing_key_unavailable"
    assert order.error
    assert not Certificate.objects.filter(application=application).exclude(jws="").exists()
    assert Application.objects.get(pk=application.pk).status != Application.Status.ISSUED
    assert SigningKey.objects.count() == 2
