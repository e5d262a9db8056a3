"""The phone's verification code and ``certsvc-verify`` agree on every status.

Certificates are signed by the service; for each paper (valid, revoked, expired, not yet valid,
from an unknown key, for another number, and with one character of the fragment changed at many
places) the expected status is what ``signing.verifier`` says, and ``node --test`` runs
``certificates/public/static/verify.js`` on the same examples.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from certificates.issuance.revocation import certificate_revoke
from certificates.verification.bundle import status_bundle_sign
from signing.jws import TYP_STATUS, MalformedJWS, b64url_decode, b64url_encode, parse_compact
from signing.paper import jws_compress, jws_inflate
from signing.selectors import jwks_document
from signing.services import jws_sign, signing_key_revoke, signing_key_rotate
from signing.verifier import Verifier
from tests.issuance.helpers import belarusian_body, forged_with, issue

ROOT = Path(__file__).resolve().parents[2]
NODE_TEST = Path(__file__).with_name("verify.test.js")


def node() -> str:
    found = shutil.which("node")
    if found is None:
        message = "node is missing (apt-get install nodejs)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def expected(compressed: str, number: str, jwks: dict, bundle: str | None, now) -> str:
    """What certsvc-verify says of the fragment for ``number`` (a paper for another is malformed)."""
    try:
        token = jws_inflate(compressed)
    except MalformedJWS:
        return "malformed"
    result = Verifier(jwks, bundle, now=now).verify(token)
    if result.number is not None and result.number != number:
        return "malformed"
    return result.status


def tampered(compressed: str, position: int) -> str:
    replacement = "B" if compressed[position] != "B" else "C"
    position %= len(compressed)
    return compressed[:position] + replacement + compressed[position + 1 :]


def other_jwks() -> dict:
    public = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public), "kid": "other", "alg": "EdDSA"}
    return {"keys": [jwk]}


def padded(compressed: str) -> str | None:
    """The same DEFLATE stream with a padding bit of its last byte set: it inflates to the same JWS.

    None when the stream ends on the byte's last bit (it has no padding bit).
    """
    protected, middle, signature = compressed.split(".")
    data = b64url_decode(middle)
    for bit in range(8):
        changed = data[:-1] + bytes([data[-1] | 1 << bit])
        if changed != data and _raw_inflate(changed) == _raw_inflate(data):
            return f"{protected}.{b64url_encode(changed)}.{signature}"
    return None


def _raw_inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompress(data, -15)
    except zlib.error:
        return None


def _ms(moment) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
def examples(officer, signing_key, make_submitted):
    good = issue(make_submitted(items=3), officer)
    revoked = issue(make_submitted(items=1), officer)
    now = timezone.now() + timedelta(seconds=1)
    bundles = {"before": status_bundle_sign(now - timedelta(seconds=1))}
    certificate_revoke(certificate=revoked, actor=officer, reason="wrong HS code")
    now = timezone.now() + timedelta(seconds=1)
    later = now + timedelta(days=800)
    earlier = good.issued_at - timedelta(days=1)
    for name, moment in (("now", now), ("later", later), ("earlier", earlier)):
        bundles[name] = status_bundle_sign(moment)
    jwks = {"published": jwks_document(), "other": other_jwks()}
    z_good, z_revoked = jws_compress(good.jws), jws_compress(revoked.jws)
    cases = [
        ("valid", z_good, good.number, "published", "now", now),
        ("revoked", z_revoked, revoked.number, "published", "now", now),
        ("revoked, bundle from before", z_revoked, revoked.number, "published", "before", now),
        ("expired", z_good, good.number, "published", "later", later),
        ("not yet valid", z_good, good.number, "published", "earlier", earlier),
        ("unknown key", z_good, good.number, "other", None, now),
        ("another number", z_good, revoked.number, "published", "now", now),
    ]
    # A stream with padding bits in its last byte (one in eight ends on the byte's last bit).
    cases += [
        ("padding bits set", z_padded, certificate.number, "published", "now", now)
        for certificate, z_padded in ((good, padded(z_good)), (revoked, padded(z_revoked)))
        if z_padded is not None
    ][:1]
    step = max(1, len(z_good) // 40)
    cases += [
        (f"changed at {at}", tampered(z_good, at), good.number, "published", "now", now)
        for at in [*range(0, len(z_good), step), len(z_good) - 1]
        if z_good[at] != "."
    ]
    papers = [
        {
            "name": name,
            "compressed": compressed,
            "number": number,
            "jwks": keys,
            "bundle": bundle,
            "now": _ms(moment),
            "expected": expected(compressed, number, jwks[keys], bundles.get(bundle or ""), moment),
        }
        for name, compressed, number, keys, bundle, moment in cases
    ]
    # Another body's key on an Uzbek certificate; a status bundle signed by a body key, not the registry's.
    _, _, _, belarusian_key = belarusian_body()
    jwks["two bodies"] = jwks_document()
    z_forged = jws_compress(forged_with(belarusian_key, good))
    papers.append(
        {
            "name": "signed by another body's key",
            "compressed": z_forged,
            "number": good.number,
            "jwks": "two bodies",
            "bundle": "now",
            "now": _ms(now),
            "expected": expected(z_forged, good.number, jwks["two bodies"], bundles["now"], now),
        }
    )
    assert papers[-1]["expected"] == "unknown_key"
    body_signed_bundle = jws_sign(
        payload=parse_compact(bundles["now"]).payload, typ=TYP_STATUS, key=signing_key
    ).compact
    # Last: the key that signed them revoked as compromised, the bundle signed by its successor.
    signing_key_revoke(kid=good.kid, compromised_at=good.issued_at, reason="HSM stolen")
    signing_key_rotate()
    bundles["key revoked"] = status_bundle_sign(now)
    jwks["after rotation"] = jwks_document()
    papers.append(
        {
            "name": "signed by a revoked key",
            "compressed": z_good,
            "number": good.number,
            "jwks": "after rotation",
            "bundle": "key revoked",
            "now": _ms(now),
            "expected": expected(z_good, good.number, jwks["after rotation"], bundles["key revoked"], now),
        }
    )
    refused = [
        {"name": "past next_update", "token": bundles["earlier"], "now": _ms(now), "stale": True},
        {"name": "bad signature", "token": tampered(bundles["now"], -5), "now": _ms(now), "stale": False},
        {"name": "signed by a body key", "token": body_signed_bundle, "now": _ms(now), "stale": False},
    ]
    return {"jwks": jwks, "bundles": bundles, "papers": papers, "bundles_refused": refused}


def test_node_and_certsvc_verify_agree_on_every_status(examples, tmp_path):
    statuses = {paper["expected"] for paper in examples["papers"]}
    assert {"valid", "revoked", "expired", "not_yet_valid", "unknown_key", "malformed"} <= statuses
    assert {"bad_signature", "key_revoked"} <= statuses
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(examples))

    completed = subprocess.run(
        [node(), "--test", str(NODE_TEST)],
        env={**os.environ, "VERIFIER_EXAMPLES": str(path)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )

    failures = completed.stdout[completed.stdout.find("not ok") :][:4000]
    assert completed.returncode == 0, failures + completed.stderr[-2000:]
    assert f"# pass {len(examples['papers']) + len(examples['bundles_refused']) + 1}" in completed.stdout
