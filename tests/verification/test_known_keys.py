"""The keys verification by number reads apart from the certificate: kept with the rows, never missing one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates.verification.known_keys import known_keys
from certificates.verification.services import verification_caches_clear
from signing.models import SigningKey
from signing.services import signing_key_rotate

pytestmark = pytest.mark.django_db


def test_the_keys_are_kept_with_the_rows(signing_key, django_assert_num_queries, epochs_read_once):
    verification_caches_clear()
    with django_assert_num_queries(1):
        first = known_keys()
    with django_assert_num_queries(0):
        assert known_keys(kid=signing_key.kid) is first
    assert first.active is not None
    assert first.active.issuer_country == ""
    assert signing_key.kid in first.signed_with


def test_a_key_activated_since_they_were_read_is_found_at_once(signing_key):
    kept = known_keys()
    # Written past the signals, as another process's activation looks until its epoch is read here.
    activated = SigningKey.objects.bulk_create(
        [
            SigningKey(
                kid="k" * 43,
                public_x="x" * 43,
                backend="software",
                key_ref="k" * 43,
                status=SigningKey.Status.RETIRED,
                activated_at=timezone.now(),
                issuer_country="UZ",
            )
        ]
    )[0]
    assert activated.kid not in kept.signed_with
    assert known_keys(kid=activated.kid).signed_with[activated.kid].issuer_country == "UZ"


def test_a_key_change_in_this_process_drops_the_kept_keys(signing_key):
    before = known_keys().active
    rotated = signing_key_rotate()
    assert known_keys().active.kid == rotated.kid != before.kid
