"""Tampering: no mutation of a signed certificate, and no algorithm confusion, ever verifies as valid.

Hypothesis mutates a real certificate JWS 10,000 times in total (bytes of each segment,
flipped bits, payload and header fields edited and re-attached with the original
signature); every mutation goes through the offline ``signing.verifier.Verifier`` and
a bounded share through ``POST /api/v1/verify/``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signing.canonical import canonicalize
from signing.jws import b64url_decode, b64url_encode
from signing.selectors import jwks_document
from signing.verifier import Verifier
from tests.applications.factories import api_client_for

MUTATIONS_PER_STRATEGY = 2_200  # five strategies: over 10,000 mutations in total
API_SHARE = 40  # per strategy through the HTTP API: 200 in total
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FUZZ = settings(
    max_examples=MUTATIONS_PER_STRATEGY,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class Tally:
    """Counts mutations tried (and distinct) and sends the first ``API_SHARE`` through the API."""

    def __init__(self, verifier: Verifier, original: str, client) -> None:
        self.verifier, self.original, self.client = verifier, original, client
        self.tried, self.distinct, self.via_api = 0, set(), 0
        self.crashes: list[str] = []

    def check(self, token: str) -> None:
        if token == self.original:
            return
        self.tried += 1
        self.distinct.add(token)
        try:
            result = self.verifier.verify(token)
        except Exception as exc:  # the verifier must answer, not raise; collected to report them all
            self.crashes.append(f"{type(exc).__name__}: {exc} for {token}")
        else:
            assert not result.valid, f"mutation verified offline: {token}"
            assert result.status != "valid", token
        if self.via_api < API_SHARE and len(self.distinct) % 10 == 0:
            self.via_api += 1
            cache.clear()
            response = self.client.post("/api/v1/verify/", {"document": token}, format="json")
            assert response.status_code in (200, 400), response.content
            if response.status_code == 200:
                assert response.json()["valid"] is False
                assert response.json()["status"] != "valid"


@pytest.fixture
def tally(world):
    token = world.certificate.jws
    verifier = Verifier(jwks_document())
    assert verifier.verify(token).valid, "the untouched certificate verifies"
    return Tally(verifier, token, api_client_for(world.customs))


@pytest.fixture(scope="module")
def totals():
    counts = {"tried": 0, "distinct": 0, "api": 0}
    yield counts
    print(
        f"\ntampering: {counts['tried']} mutations tried ({counts['distinct']} distinct), "
        f"{counts['api']} through the API, 0 valid"
    )


def _record(totals, tally: Tally) -> None:
    totals["tried"] += tally.tried
    totals["distinct"] += len(tally.distinct)
    totals["api"] += tally.via_api
    assert tally.tried >= MUTATIONS_PER_STRATEGY * 0.8
    assert not tally.crashes, (
        f"the offline verifier raised on {len(tally.crashes)} mutations: {tally.crashes[0]}"
    )


def _segments(token: str) -> list[str]:
    return token.split(".")


def test_character_edits_in_any_segment_never_verify(tally, totals):
    @FUZZ
    @given(segment=st.integers(0, 2), position=st.integers(0, 10_000), char=st.sampled_from(B64URL + "=.+/ "))
    def run(segment, position, char):
        parts = _segments(tally.original)
        text = parts[segment]
        index = position % len(text)
        parts[segment] = text[:index] + char + text[index + 1 :]
        tally.check(".".join(parts))

    run()
    _record(totals, tally)


def test_flipped_bits_in_any_segment_never_verify(tally, totals):
    @FUZZ
    @given(segment=st.integers(0, 2), bits=st.lists(st.integers(0, 1_000_000), min_size=1, max_size=4))
    def run(segment, bits):
        parts = _segments(tally.original)
        raw = bytearray(b64url_decode(parts[segment]))
        for bit in bits:
            raw[(bit // 8) % len(raw)] ^= 1 << (bit % 8)
        parts[segment] = b64url_encode(bytes(raw))
        tally.check(".".join(parts))

    run()
    _record(totals, tally)


def test_inserted_or_removed_bytes_never_verify(tally, totals):
    @FUZZ
    @given(
        segment=st.integers(0, 2),
        position=st.integers(0, 10_000),
        cut=st.integers(0, 8),
        insert=st.binary(max_size=8),
    )
    def run(segment, position, cut, insert):
        parts = _segments(tally.original)
        raw = b64url_decode(parts[segment])
        index = position % (len(raw) + 1)
        parts[segment] = b64url_encode(raw[:index] + insert + raw[index + cut :])
        tally.check(".".join(parts))

    run()
    _record(totals, tally)


def _paths(value, prefix=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))
    yield prefix


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=12),
    st.sampled_from(["valid", "UZBY-2026-EX-000001", "2099-12-31", "9999.000", "BY", "UZ", "import"]),
)


def test_payload_field_edits_with_the_original_signature_never_verify(tally, totals):
    header, payload, signature = _segments(tally.original)
    document = json.loads(b64url_decode(payload))
    paths = [path for path in _paths(document) if path]

    @FUZZ
    @given(path=st.sampled_from(paths), value=JSON_VALUES, drop=st.booleans())
    def run(path, value, drop):
        edited = json.loads(json.dumps(document))
        parent = edited
        for key in path[:-1]:
            parent = parent[key]
        if drop:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
        tally.check(f"{header}.{b64url_encode(canonicalize(edited))}.{signature}")

    run()
    _record(totals, tally)


def test_header_edits_with_the_original_signature_never_verify(tally, totals):
    header, payload, signature = _segments(tally.original)
    original = json.loads(b64url_decode(header))

    @FUZZ
    @given(
        key=st.sampled_from([*original, "crit", "jku", "jwk", "x5u", "b64", "zip"]),
        value=st.one_of(JSON_VALUES, st.sampled_from(["none", "HS256", "ES256", "Ed25519", "EdDSA"])),
        drop=st.booleans(),
    )
    def run(key, value, drop):
        edited = dict(original)
        if drop:
            edited.pop(key, None)
        else:
            edited[key] = value
        tally.check(f"{b64url_encode(json.dumps(edited).encode())}.{payload}.{signature}")

    run()
    _record(totals, tally)


# --- algorithm confusion -------------------------------------------------------------


def _forge(token: str, header_changes: dict, sign) -> str:
    header = {**json.loads(b64url_decode(token.split(".")[0])), **header_changes}
    signing_input = f"{b64url_encode(json.dumps(header).encode())}.{token.split('.')[1]}"
    return f"{signing_input}.{b64url_encode(sign(signing_input.encode('ascii')))}"


def _public_x(world) -> bytes:
    jwk = next(key for key in jwks_document()["keys"] if key["kid"] == world.certificate.kid)
    return base64.urlsafe_b64decode(jwk["x"] + "==")


def _es256(data: bytes) -> bytes:
    r, s = decode_dss_signature(ec.generate_private_key(ec.SECP256R1()).sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


CONFUSIONS = {
    "alg_none": ({"alg": "none"}, lambda world: lambda data: b"", {"malformed", "bad_signature"}),
    "hs256_public_key_as_secret": (
        {"alg": "HS256"},
        lambda world: lambda data: hmac.new(_public_x(world), data, hashlib.sha256).digest(),
        {"bad_signature"},
    ),
    "hs256_public_jwk_as_secret": (
        {"alg": "HS256"},
        lambda world: (
            lambda data: hmac.new(
                json.dumps(jwks_document()["keys"][0]).encode(), data, hashlib.sha256
            ).digest()
        ),
        {"bad_signature"},
    ),
    "es256_p256_same_kid": ({"alg": "ES256"}, lambda world: _es256, {"bad_signature"}),
    "ed448_same_kid": ({"alg": "EdDSA"}, lambda world: Ed448PrivateKey.generate().sign, {"bad_signature"}),
    "ed448_alg_name": ({"alg": "Ed448"}, lambda world: Ed448PrivateKey.generate().sign, {"bad_signature"}),
    "ed25519_unknown_kid": (
        {"kid": "not-a-published-key"},
        lambda world: Ed25519PrivateKey.generate().sign,
        {"unknown_key"},
    ),
    "ed25519_other_key_same_kid": ({}, lambda world: Ed25519PrivateKey.generate().sign, {"bad_signature"}),
}


@pytest.mark.parametrize("name", CONFUSIONS)
def test_algorithm_confusion_is_rejected_offline_and_online(world, name):
    changes, signer, statuses = CONFUSIONS[name]
    forged = _forge(world.certificate.jws, changes, signer(world))
    offline = Verifier(jwks_document()).verify(forged)
    assert not offline.valid
    assert offline.status in statuses, offline
    response = api_client_for(world.customs).post("/api/v1/verify/", {"document": forged}, format="json")
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert response.json()["status"] in statuses
