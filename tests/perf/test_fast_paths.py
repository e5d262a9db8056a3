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
from signing.jws import b64url_decode, parse_compact
from signing.models import SigningKey
from signing.services import jws_sign, signing_key_revoke, signing_key_rotate
from signing.verifier import _json_document
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db
VERIFY_URL = "/api/v1/verify/"


def without_receipt(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key not in ("receipt", "checked_at")}


def full_path_answer(number: str, user=None) -> dict:
    moment = timezone.now()
    outcome = verification.verification_by_number(number=number, moment=moment)
    return verification.verification_answer(outcome=outcome, checked_at=moment, at=None, user=user)


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


def test_an_altered_shared_cache_entry_is_ignored(anon_client, certificate):
    from django.core.cache import cache

    verification.verification_caches_clear()
    anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    verification.verification_caches_clear()
    row = verification._row_read(certificate.number)
    record_key = (row.jws_sha256, row.kid, row.key_public_x, row.log_index)
    stored = cache.get(verification._shared_key(record_key))
    assert verification._on_record_shared_get(record_key) is not None  # the authentic entry is used
    forged_text = stored["text"].replace(certificate.document["exporter"]["name"], "Someone Else LLC")
    cache.set(verification._shared_key(record_key), {"text": forged_text, "mac": stored["mac"]})
    verification.verification_caches_clear()
    assert verification._on_record_shared_get(record_key) is None
    body = {"number": certificate.number, "access_code": certificate.access_code}
    answer = anon_client.post(VERIFY_URL, body, format="json").json()
    assert answer["certificate"]["exporter"]["name"] == certificate.document["exporter"]["name"]


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


def test_issuance_prepares_the_first_verification(
    anon_client,
    signing_key,
    officer,
    make_submitted,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    from certificates.issuance.models import IssuanceOrder
    from certificates.issuance.tasks import sign_certificate
    from tests.issuance.helpers import approve

    order = approve(make_submitted(), officer)
    verification.verification_caches_clear()
    with django_capture_on_commit_callbacks(execute=True):
        [number] = sign_certificate.run(order.pk)
    assert IssuanceOrder.objects.get(pk=order.pk).state == IssuanceOrder.State.DONE
    jws_sign(payload=b"{}", typ="warm")  # the registry key's material is loaded once per process
    with django_assert_max_num_queries(1):  # the row issuance kept, or one read of it
        answer = anon_client.post(VERIFY_URL, {"number": number}, format="json").json()
    assert answer["status"] == "valid"


def test_the_issuing_process_shares_what_it_prepared_and_remembers_none_of_it(
    signing_key, officer, make_submitted, django_capture_on_commit_callbacks
):
    from certificates.issuance.tasks import sign_certificate
    from certificates.verification import on_record
    from tests.issuance.helpers import approve

    orders = [approve(make_submitted(), officer) for _ in range(3)]
    verification.verification_caches_clear()
    with django_capture_on_commit_callbacks(execute=True):
        for order in orders:
            sign_certificate.run(order.pk)

    # A worker signs for ever and never verifies: what it prepared is for the web processes.
    for certificate in Certificate.objects.all():
        record_key = (certificate.jws_sha256, certificate.kid, signing_key.public_x, certificate.log_index)
        assert on_record.remembered(record_key) is None
        assert on_record.shared_get(record_key) is not None
