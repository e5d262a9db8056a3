"""The fast paths answer exactly what the full paths answer, and keep their guarantees."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from certificates.issuance.models import Certificate
from certificates.verification import services as verification
from signing.backends import get_backend
from signing.backends.software import forget_unwrapped_keys
from signing.canonical import canonicalize
from signing.jws import b64url_decode, b64url_encode, parse_compact
from signing.models import SigningKey
from signing.services import signing_key_revoke, signing_key_rotate
from signing.verifier import _json_document
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db
VERIFY_URL = "/api/v1/verify/"


def without_receipt(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key not in ("receipt", "checked_at")}


def full_path_answer(number: str, user=None, access_code: str | None = None) -> dict:
    moment = timezone.now()
    outcome = verification.verification_by_number(number=number, moment=moment)
    return verification.verification_answer(
        outcome=outcome, checked_at=moment, at=None, user=user, access_code=access_code
    )


@pytest.fixture
def certificate(signing_key, officer, make_submitted):
    return issue(make_submitted(items=3), officer)


def test_fast_answer_equals_the_full_paths_answer_first_time_and_from_memory(anon_client, certificate):
    verification.verification_caches_clear()
    expected = without_receipt(full_path_answer(certificate.number))
    first = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    again = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    assert without_receipt(first) == without_receipt(again) == expected
    assert expected["status"] == "valid"


def test_revocation_is_visible_at_once_on_a_remembered_certificate(anon_client, certificate, officer):
    from certificates.issuance.services import certificate_revoke

    anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    answer = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    assert answer["status"] == "revoked"
    assert without_receipt(answer) == without_receipt(full_path_answer(certificate.number))


def test_key_compromise_is_visible_at_once_on_a_remembered_certificate(anon_client, certificate):
    anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    signing_key_rotate()
    signing_key_revoke(kid=certificate.kid, compromised_at=certificate.issued_at, reason="lost")
    answer = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    assert answer["status"] == "key_revoked"
    assert without_receipt(answer) == without_receipt(full_path_answer(certificate.number))


def test_a_registry_jws_that_does_not_stand_is_answered_with_the_registrys_document(anon_client, certificate):
    """A sound record's answer shows the signed document; any other the registry's, as the full path does."""
    forged = forged_certificate_jws(certificate, exporter_name="Someone Else LLC")
    Certificate.objects.filter(pk=certificate.pk).update(jws=forged)  # signed by no one
    verification.verification_caches_clear()
    body = {"number": certificate.number, "access_code": certificate.access_code}
    answers = [anon_client.post(VERIFY_URL, body, format="json").json() for _ in range(2)]
    assert answers[0]["status"] == answers[1]["status"] == "bad_signature"
    for answer in answers:  # first read, then remembered
        assert answer["certificate"]["exporter"]["name"] == certificate.document["exporter"]["name"]
        full_path = full_path_answer(certificate.number, access_code=certificate.access_code)
        assert without_receipt(answer) == without_receipt(full_path)


def forged_certificate_jws(certificate, *, exporter_name: str) -> str:
    """The certificate's JWS with another exporter in its payload and its signature kept."""
    header, _, signature = certificate.jws.split(".")
    exporter = {**certificate.document["exporter"], "name": exporter_name}
    document = {**certificate.document, "exporter": exporter}
    return f"{header}.{b64url_encode(canonicalize(document))}.{signature}"


def test_receipts_follow_a_rotation_at_once(anon_client, certificate):
    registry = SigningKey.objects.get(status=SigningKey.Status.ACTIVE, issuer_country="")
    first = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    new_key = signing_key_rotate()
    second = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json").json()
    assert parse_compact(first["receipt"]).kid == registry.kid
    assert parse_compact(second["receipt"]).kid == new_key.kid


def test_revoking_the_active_key_stops_receipts_at_once(anon_client, certificate):
    anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    registry = SigningKey.objects.get(status=SigningKey.Status.ACTIVE, issuer_country="")
    signing_key_revoke(kid=registry.kid, compromised_at=timezone.now(), reason="lost")
    response = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "signing_unavailable"


def test_kept_unwrapped_key_still_signs_verifiable_signatures(signing_key):
    forget_unwrapped_keys()
    backend = get_backend(signing_key.backend)
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(signing_key.public_x))
    for message in (b"first, unwrapped", b"second, kept"):
        public.verify(backend.sign(signing_key.key_ref, message), message)


def test_kept_unwrapped_key_is_not_used_under_another_kek(settings, signing_key):
    from signing.errors import KeyUnavailable
    from tests.signing.conftest import new_kek

    backend = get_backend(signing_key.backend)
    backend.sign(signing_key.key_ref, b"kept now")
    settings.SIGNING_KEK = new_kek()
    with pytest.raises(KeyUnavailable):
        backend.sign(signing_key.key_ref, b"refused: the KEK changed")


def test_rotated_key_is_no_longer_used_for_certificates(signing_key, officer, make_submitted):
    before = issue(make_submitted(items=1), officer)
    new_key = signing_key_rotate(issuer_country="UZ")
    after = issue(make_submitted(items=1), officer)
    assert before.kid == signing_key.kid != after.kid == new_key.kid
    assert SigningKey.objects.get(kid=signing_key.kid).status == SigningKey.Status.RETIRED


ANSWER_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
ANSWERS = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | ANSWER_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text("abcdefgh_", max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text("abcdefghijklmnop_", max_size=10), ANSWERS, max_size=6))
def test_answer_canonical_form_is_rfc8785(body):
    assert verification.answer_canonical(body) == rfc8785.dumps(body)
    assert verification._built_answer_canonical(body) == rfc8785.dumps(body)


@given(st.binary(max_size=64) | st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_offline_document_parsing_accepts_and_refuses_exactly_what_json_does(payload):
    def parsed(load):
        try:
            return ("ok", load(payload))
        except (ValueError, RecursionError):
            return ("refused", None)

    expected = parsed(lambda data: json.loads(data.decode("utf-8")))
    assert parsed(_json_document) == expected


def test_expired_answer_equals_the_full_path(anon_client, signing_key, officer, make_submitted):
    old = issue(make_submitted(items=1), officer)
    anon_client.post(VERIFY_URL, {"number": old.number}, format="json")
    Certificate.objects.filter(pk=old.pk).update(valid_until=timezone.now().date() - timedelta(days=1))
    verification.verification_caches_clear()  # update() sends no signal: the kept row would stand
    answer = anon_client.post(VERIFY_URL, {"number": old.number}, format="json").json()
    assert answer["status"] == "expired"
    assert without_receipt(answer) == without_receipt(full_path_answer(old.number))
