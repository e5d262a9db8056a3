"""The phone applies signed status deltas (``?since=``) as ``certsvc-verify`` does.

The service signs a full bundle, a revocation follows, then the delta since that bundle, another
revocation and the delta since the first delta; a tampered delta and a delta whose ``since`` is not
the held bundle's ``issued_at`` are refused. For every chain the expected entries and revoked keys
are what ``signing.verifier`` reads from it; ``node --test`` runs ``verify.js`` on the same chains.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from certificates.issuance.revocation import certificate_revoke
from certificates.verification.bundle import status_bundle_issue, status_delta_signed
from signing.canonical import canonical_parse
from signing.jws import parse_compact
from signing.selectors import jwks_document
from signing.verifier.bundle import read_bundle_chain
from signing.verifier.errors import BundleError
from signing.verifier.keys import load_keys
from tests.issuance.helpers import issue
from tests.js.test_node_verifier import ROOT, _ms, node, tampered

NODE_TEST = Path(__file__).with_name("bundle_delta.test.js")


def issued_at(token: str) -> str:
    return str(canonical_parse(parse_compact(token).payload)["issued_at"])


def expected(chain: list[str], jwks: dict) -> dict | None:
    """What ``signing.verifier`` makes of the chain: its entries and revoked keys, or None (refused)."""
    try:
        bundle = read_bundle_chain("\n".join(chain), load_keys(jwks), None)
    except BundleError:
        return None
    status = bundle.status
    compromised = sorted(status.compromised)
    return {"entries": status.entries, "compromised": compromised, "issued_at": bundle.issued_at_text}


def chains(officer, make_submitted) -> tuple[dict, dict[str, list[str]]]:
    first, second = issue(make_submitted(items=1), officer), issue(make_submitted(items=1), officer)
    full = status_bundle_issue(timezone.now())
    certificate_revoke(certificate=first, actor=officer, reason="wrong HS code")
    delta = status_delta_signed(since=full["issued_at"], now=timezone.now() + timedelta(seconds=1))
    certificate_revoke(certificate=second, actor=officer, reason="wrong HS code")
    again = status_delta_signed(since=issued_at(delta), now=timezone.now() + timedelta(seconds=2))
    later = status_bundle_issue(timezone.now() + timedelta(seconds=3))["token"]
    found = {
        "full": [full["token"]],
        "full and delta": [full["token"], delta],
        "full and two deltas": [full["token"], delta, again],
        "tampered delta": [full["token"], tampered(delta, -5)],
        "delta since another bundle": [later, delta],
        "second delta skipping the first": [full["token"], again],
    }
    return jwks_document(), found


def test_node_applies_status_deltas_as_certsvc_verify_does(officer, signing_key, make_submitted, tmp_path):
    jwks, found = chains(officer, make_submitted)
    cases = [
        {"name": name, "chain": chain, "expected": expected(chain, jwks)} for name, chain in found.items()
    ]
    outcomes = {case["name"]: case["expected"] for case in cases}
    assert len(outcomes["full and two deltas"]["entries"]) == 2
    assert len(outcomes["full and delta"]["entries"]) == 1
    assert not outcomes["full"]["entries"]
    refused = ("tampered delta", "delta since another bundle", "second delta skipping the first")
    assert all(outcomes[name] is None for name in refused)
    path = tmp_path / "chains.json"
    path.write_text(json.dumps({"jwks": jwks, "cases": cases, "now": _ms(timezone.now())}))

    completed = subprocess.run(
        [node(), "--test", str(NODE_TEST)],
        env={**os.environ, "VERIFIER_CHAINS": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )

    failures = completed.stdout[completed.stdout.find("not ok") :][:4000]
    assert completed.returncode == 0, failures + completed.stderr[-2000:]
    assert f"# pass {len(cases)}" in completed.stdout
