"""Backends: selection by alias, envelope encryption, fail-closed KEK handling, KEK rotation."""

from __future__ import annotations

import inspect

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from signing.backends import SigningBackend, get_backend
from signing.backends.software import SoftwareBackend
from signing.errors import KeyUnavailable
from signing.models import SigningKey, SoftwareKeyMaterial
from signing.services import jws_sign, jws_verify, signing_kek_rewrap, signing_key_create
from tests.signing.conftest import decrypt_private_key, new_kek

pytestmark = pytest.mark.django_db
TYP = "certsvc-certificate+jws"


def test_backend_is_chosen_by_alias_from_settings(settings, kek):
    settings.SIGNING_BACKENDS = {"vault": "signing.backends.software.SoftwareBackend"}
    settings.SIGNING_DEFAULT_BACKEND = "vault"
    backend = get_backend()
    assert isinstance(backend, SoftwareBackend)
    assert backend.alias == "vault"
    assert signing_key_create().backend == "vault"


def test_unknown_backend_alias_fails_clearly(kek):
    with pytest.raises(KeyUnavailable, match="not configured"):
        get_backend("vault")


def test_backend_interface_has_no_method_returning_private_bytes():
    public = {
        name for name, _ in inspect.getmembers(SigningBackend, inspect.isfunction) if not name.startswith("_")
    }
    assert public == {"create_key", "public_key", "sign", "check_usable"}


def test_no_backend_method_returns_the_private_key(kek):
    backend = get_backend()
    created = backend.create_key()
    private = decrypt_private_key(SigningKey(kid=created.key_ref, key_ref=created.key_ref))
    results = [
        created,
        backend.public_key(created.key_ref),
        backend.check_usable(created.key_ref),
        backend.sign(created.key_ref, b"data"),
    ]
    for result in results:
        as_bytes = result if isinstance(result, bytes) else repr(result).encode()
        assert private not in as_bytes
        assert private.hex() not in repr(result)
    assert Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw() == created.public_x


def test_private_key_is_encrypted_under_a_per_key_data_key(active_key):
    material = SoftwareKeyMaterial.objects.get(kid=active_key.kid)
    private = decrypt_private_key(active_key)
    assert material.kek_id == "kek-test"
    assert private not in bytes(material.encrypted_private_key)
    assert len(bytes(material.wrapped_data_key)) == 12 + 32 + 16


def test_wrong_kek_fails_closed_and_signs_nothing(settings, active_key):
    settings.SIGNING_KEK = new_kek()
    with pytest.raises(KeyUnavailable, match="wrong key-encryption key"):
        jws_sign(payload=b"x", typ=TYP)


def test_unknown_kek_id_fails_closed(settings, active_key):
    settings.SIGNING_KEK_ID = "kek-other"
    with pytest.raises(KeyUnavailable, match="'kek-test' is not configured"):
        jws_sign(payload=b"x", typ=TYP)


@pytest.mark.parametrize("bad", ["not base64!", "c2hvcnQ="])
def test_malformed_kek_fails_closed(settings, kek, bad):
    settings.SIGNING_KEK = bad
    with pytest.raises(KeyUnavailable, match="key-encryption key 'kek-test'"):
        signing_key_create(activate=True)
    assert not SigningKey.objects.exists()


def test_key_under_a_wrong_kek_is_never_activated(settings, kek):
    key = signing_key_create()
    settings.SIGNING_KEK = new_kek()
    from signing.services import signing_key_activate

    with pytest.raises(KeyUnavailable):
        signing_key_activate(kid=key.kid)
    key.refresh_from_db()
    assert key.status == "pending"


def test_swapped_material_between_keys_does_not_decrypt(active_key):
    other = signing_key_create()
    mine = SoftwareKeyMaterial.objects.get(kid=active_key.kid)
    theirs = SoftwareKeyMaterial.objects.get(kid=other.kid)
    mine.wrapped_data_key, mine.encrypted_private_key = theirs.wrapped_data_key, theirs.encrypted_private_key
    mine.save()
    with pytest.raises(KeyUnavailable):
        jws_sign(payload=b"x", typ=TYP)


def test_old_kek_still_signs_and_rewrap_moves_every_data_key_to_the_new_kek(settings, active_key):
    old_kek = settings.SIGNING_KEK
    pending = signing_key_create()
    token = jws_sign(payload=b"before", typ=TYP).compact
    settings.SIGNING_OLD_KEKS = f"kek-test:{old_kek}"
    settings.SIGNING_KEK, settings.SIGNING_KEK_ID = new_kek(), "kek-2"
    assert jws_verify(token=jws_sign(payload=b"during", typ=TYP).compact).payload == b"during"

    assert signing_kek_rewrap() == {"software": 2}
    assert set(SoftwareKeyMaterial.objects.values_list("kek_id", flat=True)) == {"kek-2"}
    settings.SIGNING_OLD_KEKS = ""
    assert jws_verify(token=jws_sign(payload=b"after", typ=TYP).compact).payload == b"after"
    assert jws_verify(token=token).payload == b"before"
    assert SoftwareBackend("software").check_usable(pending.key_ref) is None
    assert signing_kek_rewrap() == {"software": 0}


def test_rewrap_without_the_old_kek_changes_nothing_and_says_why(settings, active_key):
    settings.SIGNING_KEK, settings.SIGNING_KEK_ID = new_kek(), "kek-2"
    with pytest.raises(KeyUnavailable, match="'kek-test' is not configured"):
        signing_kek_rewrap()
    assert list(SoftwareKeyMaterial.objects.values_list("kek_id", flat=True)) == ["kek-test"]


def test_rewrap_command_reports_the_count(settings, active_key, capsys):
    settings.SIGNING_OLD_KEKS = f"kek-test:{settings.SIGNING_KEK}"
    settings.SIGNING_KEK, settings.SIGNING_KEK_ID = new_kek(), "kek-2"
    call_command("signing_kek_rewrap")
    assert "software: 1 data key(s) re-wrapped under KEK kek-2" in capsys.readouterr().out
