"""Private keys never appear in clear: not in the database, logs, API output or admin pages."""

from __future__ import annotations

import base64
import logging

import pytest
from django.db import connection
from django.utils import timezone

from signing.models import SigningKey
from signing.services import jws_sign, signing_key_create, signing_key_revoke, signing_key_rotate
from tests.signing.conftest import decrypt_private_key

pytestmark = pytest.mark.django_db


def _forms(secret: bytes) -> list[bytes]:
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def _assert_absent(secrets: list[bytes], haystack: bytes) -> None:
    for secret in secrets:
        for form in _forms(secret):
            assert form not in haystack


def _dump_database() -> bytes:
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        chunks.append(bytes(value))
                    chunks.append(str(value).encode())
    return b"\n".join(chunks)


@pytest.fixture
def keys(kek, caplog) -> list[SigningKey]:
    caplog.set_level(logging.DEBUG)
    first = signing_key_create(activate=True)
    jws_sign(payload=b"x", typ="t")
    second = signing_key_rotate()
    pending = signing_key_create()
    signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="test")
    return [first, second, pending]


@pytest.fixture
def private_keys(keys) -> list[bytes]:
    return [decrypt_private_key(key) for key in keys]


def test_private_keys_never_appear_in_clear_in_any_table(private_keys):
    dump = _dump_database()
    assert len(dump) > 0
    _assert_absent(private_keys, dump)


def test_private_keys_never_appear_in_logs(private_keys, caplog):
    records = caplog.get_records("setup")
    assert any("revoked" in r.getMessage() for r in records), "the lifecycle logs what it does"
    logs = "\n".join(f"{r.getMessage()} {r.args!r}" for r in records).encode()
    _assert_absent(private_keys, logs)


def test_private_keys_never_appear_in_api_output(private_keys, client):
    for url in ("/.well-known/jwks.json", "/api/v1/keys/"):
        response = client.get(url)
        assert response.status_code == 200
        _assert_absent(private_keys, response.content)


def test_private_keys_never_appear_in_admin_pages(keys, private_keys, admin_client):
    urls = ["/admin/signing/signingkey/", *[f"/admin/signing/signingkey/{key.pk}/change/" for key in keys]]
    urls += [f"/admin/signing/signingkey/{keys[1].pk}/revoke/", "/admin/signing/signingkey/rotate/"]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        _assert_absent(private_keys, response.content)
    assert admin_client.get("/admin/signing/softwarekeymaterial/").status_code == 404
