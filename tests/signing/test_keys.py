"""Key lifecycle: exactly one active key, rotation, retirement, revocation and the signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from signing.errors import NoActiveKey, SigningKeyNotFound, SigningKeyStateError
from signing.jws import b64url_encode, jwk_thumbprint
from signing.models import SigningKey
from signing.services import (
    jws_sign,
    jws_verify,
    signing_key_activate,
    signing_key_create,
    signing_key_ensure_active,
    signing_key_revoke,
    signing_key_rotate,
)
from signing.signals import signing_key_activated, signing_key_revoked
from signing.verifier.errors import VerifierError
from signing.verifier.keys import load_keys
from signing.witness.state import public_x

pytestmark = pytest.mark.django_db
TYP = "certsvc-certificate+jws"


@pytest.fixture
def received():
    events = []

    def on_activated(sender, key, previous, **kwargs):
        events.append(("activated", key.kid, previous.kid if previous else None))

    def on_revoked(sender, key, **kwargs):
        events.append(("revoked", key.kid, key.status))

    signing_key_activated.connect(on_activated)
    signing_key_revoked.connect(on_revoked)
    yield events
    signing_key_activated.disconnect(on_activated)
    signing_key_revoked.disconnect(on_revoked)


def _active() -> list[str]:
    return list(SigningKey.objects.filter(status="active").values_list("kid", flat=True))


def test_new_key_is_pending_and_identified_by_its_thumbprint(kek):
    from signing.jws import jwk_thumbprint

    key = signing_key_create()
    assert key.status == "pending"
    assert key.activated_at is None
    assert key.kid == jwk_thumbprint(key.public_key_bytes)
    assert key.backend == "software"
    assert key.key_ref == key.kid


def test_rotation_keeps_exactly_one_active_key_and_retires_the_previous(kek, received):
    first = signing_key_create(activate=True)
    second = signing_key_rotate()
    first.refresh_from_db()
    assert _active() == [second.kid]
    assert first.status == "retired"
    assert first.retired_at == second.activated_at
    assert received == [("activated", first.kid, None), ("activated", second.kid, first.kid)]


def test_old_signatures_still_verify_after_rotation_and_new_ones_use_the_new_key(kek):
    first = signing_key_create(activate=True)
    old_token = jws_sign(payload=b"old", typ=TYP).compact
    second = signing_key_rotate()
    new = jws_sign(payload=b"new", typ=TYP)
    assert new.kid == second.kid != first.kid
    assert jws_verify(token=old_token).key.kid == first.kid
    assert jws_verify(token=new.compact).payload == b"new"


def test_retired_key_cannot_be_activated_again(kek):
    first = signing_key_create(activate=True)
    signing_key_rotate()
    with pytest.raises(SigningKeyStateError, match="only a pending key"):
        signing_key_activate(kid=first.kid)


def test_database_refuses_a_second_active_key(kek):
    signing_key_create(activate=True)
    other = signing_key_create()
    other.status = "active"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_revoking_the_active_key_leaves_no_key_to_sign_with_until_the_next_rotation(kek, received):
    key = signing_key_create(activate=True)
    moment = timezone.now() - timedelta(days=1)
    revoked = signing_key_revoke(kid=key.kid, compromised_at=moment, reason="laptop stolen")
    assert (revoked.status, revoked.compromised_at, revoked.revocation_reason) == (
        "revoked",
        moment,
        "laptop stolen",
    )
    assert revoked.revoked_at is not None
    assert received[-1] == ("revoked", key.kid, "revoked")
    with pytest.raises(NoActiveKey):
        jws_sign(payload=b"x", typ=TYP)
    rotated = signing_key_rotate()
    assert jws_sign(payload=b"x", typ=TYP).kid == rotated.kid


def test_revocation_is_refused_twice_and_needs_reason_and_a_past_aware_time(kek):
    key = signing_key_create(activate=True)
    now = timezone.now()
    with pytest.raises(SigningKeyStateError, match="reason"):
        signing_key_revoke(kid=key.kid, compromised_at=now, reason="  ")
    with pytest.raises(SigningKeyStateError, match="future"):
        signing_key_revoke(kid=key.kid, compromised_at=now + timedelta(hours=1), reason="r")
    with pytest.raises(SigningKeyStateError, match="time zone"):
        signing_key_revoke(kid=key.kid, compromised_at=now.replace(tzinfo=None), reason="r")
    signing_key_revoke(kid=key.kid, compromised_at=now, reason="r")
    with pytest.raises(SigningKeyStateError, match="already revoked"):
        signing_key_revoke(kid=key.kid, compromised_at=now, reason="r")
    with pytest.raises(SigningKeyNotFound):
        signing_key_revoke(kid="nope", compromised_at=now, reason="r")


def test_revoked_retired_key_keeps_the_active_key(kek):
    old = signing_key_create(activate=True)
    current = signing_key_rotate()
    signing_key_revoke(kid=old.kid, compromised_at=timezone.now(), reason="r")
    assert _active() == [current.kid]


def test_was_compromised_at_is_false_for_keys_never_compromised(kek):
    key = signing_key_create(activate=True)
    assert not key.was_compromised_at(timezone.now())


def test_ensure_active_is_idempotent(kek, received):
    first = signing_key_ensure_active()
    again = signing_key_ensure_active()
    assert first.kid == again.kid
    assert SigningKey.objects.count() == 1
    assert len(received) == 1


def test_signal_listener_failure_rolls_back_the_activation(kek):
    signing_key_create(activate=True)
    before = _active()

    def broken(sender, **kwargs):
        raise RuntimeError("listener failed")

    signing_key_activated.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            signing_key_rotate()
    finally:
        signing_key_activated.disconnect(broken)
    assert _active() == before
    assert SigningKey.objects.count() == 1


def test_every_key_change_leaves_an_audit_row_with_who_and_why(db):
    from django.utils import timezone

    from signing.models import SigningKeyEvent
    from signing.services import signing_key_create, signing_key_revoke, signing_key_rotate

    first = signing_key_create(activate=True, actor="alice")
    second = signing_key_rotate(actor="bob")
    signing_key_revoke(kid=first.kid, compromised_at=timezone.now(), reason="laptop stolen", actor="carol")
    rows = [
        (event.key.kid, event.action, event.from_status, event.to_status, event.actor, event.reason)
        for event in SigningKeyEvent.objects.select_related("key").order_by("id")
    ]
    assert rows == [
        (first.kid, "created", "", "pending", "alice", ""),
        (first.kid, "activated", "pending", "active", "alice", ""),
        (second.kid, "created", "", "pending", "bob", ""),
        (first.kid, "retired", "active", "retired", "bob", ""),
        (second.kid, "activated", "pending", "active", "bob", ""),
        (first.kid, "revoked", "retired", "revoked", "carol", "laptop stolen"),
    ]


@pytest.mark.parametrize(
    ("cut_over", "published"),
    [
        (datetime(2026, 12, 2, 13, 4, 54, 800_000, tzinfo=UTC), "2026-12-02T13:04:55Z"),
        (datetime(2026, 12, 2, 13, 4, 54, tzinfo=UTC), "2026-12-02T13:04:54Z"),
    ],
)
def test_a_receipt_signed_in_the_cut_overs_own_second_before_it_still_passes_for_the_registry(
    cut_over, published
):
    """Receipts print their time to the second: the published bound is the cut-over rounded up."""
    x = public_x(Ed25519PrivateKey.generate())
    key = SigningKey(
        kid=jwk_thumbprint(x), public_x=b64url_encode(x), issuer_country="UZ", registry_until=cut_over
    )
    assert key.public_jwk["registry_until"] == published
    keys = load_keys({"keys": [key.public_jwk]})
    printed_before = (cut_over - timedelta(microseconds=1)).replace(microsecond=0)
    keys.require_registry_key(key.kid, printed_before, "the answer's receipt")
    with pytest.raises(VerifierError, match="not a registry key"):
        keys.require_registry_key(key.kid, datetime.fromisoformat(published), "the answer's receipt")
