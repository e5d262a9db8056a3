"""signing.verifier as a library: the same strictness as signing.jws, batches with one Verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from signing.canonical import canonicalize
from signing.jws import (
    TYP_CERTIFICATE,
    b64url_decode,
    ed25519_header,
    jwk_thumbprint,
    public_jwk,
    sign_compact,
)
from signing.verifier import Verifier, verify_certificate
from signing.verifier.compact import b64url_decode as fast_b64url_decode
from signing.verifier.document import _require_canonical

B64URL_ISH = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .é", max_size=12
)


def decoded(decode, text):
    try:
        return decode(text)
    except ValueError:
        return None


@given(B64URL_ISH)
def test_fast_base64url_decoding_accepts_and_refuses_exactly_what_signing_jws_does(text):
    assert decoded(fast_b64url_decode, text) == decoded(b64url_decode, text)


def _key():
    private = Ed25519PrivateKey.generate()
    x = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = jwk_thumbprint(x)
    return private, kid, {"keys": [public_jwk(x, kid)]}


def _document(number: str, issued: datetime) -> dict:
    return {
        "schema": "certsvc.certificate.v1",
        "number": number,
        "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_from": issued.date().isoformat(),
        "valid_until": (issued.date() + timedelta(days=30)).isoformat(),
    }


def test_one_verifier_checks_a_batch_with_the_header_parsed_once():
    private, kid, jwks = _key()
    issued = datetime.now(UTC) - timedelta(days=1)
    header = ed25519_header(kid=kid, typ=TYP_CERTIFICATE)
    tokens = [
        sign_compact(payload=canonicalize(_document(f"N-{i}", issued)), header=header, signer=private.sign)
        for i in range(20)
    ]
    verifier = Verifier(jwks)
    results = [verifier.verify(token) for token in tokens]
    assert [r.number for r in results] == [f"N-{i}" for i in range(20)]
    assert {r.status for r in results} == {"valid"}
    assert len(verifier._headers) == 1
    # A cached header does not make a broken token acceptable.
    body = tokens[0].split(".")
    assert verifier.verify(f"{body[0]}.{body[1]}+.{body[2]}").status == "malformed"
    assert verifier.verify(f"{body[0]}.{body[1]}.").status == "malformed"
    assert verifier.verify(f"{body[0]}.{body[1]}.{body[2][:-4]}AAAA").status == "bad_signature"


def test_verify_certificate_reports_a_moment_before_issue_as_not_yet_valid():
    private, kid, jwks = _key()
    issued = datetime(2026, 3, 1, 12, tzinfo=UTC)
    token = sign_compact(
        payload=canonicalize(_document("N-1", issued)),
        header=ed25519_header(kid=kid, typ=TYP_CERTIFICATE),
        signer=private.sign,
    )
    early = verify_certificate(token, jwks=jwks, at=issued - timedelta(hours=1))
    late = verify_certificate(token, jwks=jwks, now=issued + timedelta(days=31))
    assert (early.status, late.status) == ("not_yet_valid", "expired")
    assert json.loads(json.dumps(early.as_dict()))["valid"] is False


JSON_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
JSON_LEAVES = st.none() | st.booleans() | st.integers(-(2**60), 2**60) | JSON_TEXT
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(JSON_VALUES, st.sampled_from(["canonical", "ascii", "spaced", "unsorted"]))
def test_offline_canonical_check_agrees_with_rfc8785(value, spelling):
    payload = {
        "canonical": lambda: rfc8785_or_none(value),
        "ascii": lambda: json.dumps(value, sort_keys=True, separators=(",", ":")).encode(),
        "spaced": lambda: json.dumps(value, sort_keys=True, ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        ),
        "unsorted": lambda: json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        ),
    }[spelling]()
    if payload is None:
        return
    parsed = json.loads(payload.decode("utf-8", "surrogatepass"))
    assert accepted(lambda: _require_canonical(payload, parsed)) == (rfc8785_or_none(parsed) == payload)


def rfc8785_or_none(value):
    try:
        return canonicalize(value)
    except ValueError:
        return None


def accepted(check):
    try:
        check()
    except ValueError:
        return False
    return True
