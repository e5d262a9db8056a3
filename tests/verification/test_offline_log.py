"""certsvc-verify checks the transparency log offline: inclusion under a signed checkpoint, and that a
newer checkpoint extends a kept one."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from certificates.issuance import services as issuance
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db
CLI = str(Path(sys.executable).parent / "certsvc-verify")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60, check=False)


def save(folder: Path, name: str, content) -> str:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


@pytest.fixture
def published(client, signing_key, officer, make_submitted, tmp_path):
    """Two certificates issued and their log files fetched as a border post would."""
    first = issue(make_submitted(), officer)
    second = issue(make_submitted(), officer)
    checkpoint = client.get("/api/v1/log/checkpoint").json()
    proof = client.get(
        f"/api/v1/log/inclusion?number={first.number}&tree_size={checkpoint['tree_size']}"
    ).json()
    return {
        "first": first,
        "second": second,
        "jwks": save(tmp_path, "jwks.json", client.get("/.well-known/jwks.json").json()),
        "checkpoint": save(tmp_path, "checkpoint.json", checkpoint),
        "proof": save(tmp_path, "proof.json", proof),
        "certificate": save(tmp_path, "first.jws", first.jws),
        "other": save(tmp_path, "second.jws", second.jws),
    }


def test_a_logged_certificate_is_proven_under_the_signed_checkpoint(published):
    done = run(
        published["certificate"],
        "--jwks",
        published["jwks"],
        "--proof",
        published["proof"],
        "--checkpoint",
        published["checkpoint"],
        "--json",
    )
    assert done.returncode == 0, done.stderr
    checks = {check["name"]: check["ok"] for check in json.loads(done.stdout)["checks"]}
    assert checks["transparency_log"] is True


def test_the_proof_of_another_certificate_does_not_prove_this_one(published):
    done = run(
        published["other"],
        "--jwks",
        published["jwks"],
        "--proof",
        published["proof"],
        "--checkpoint",
        published["checkpoint"],
        "--json",
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["status"] == "registry_mismatch"


def test_a_checkpoint_with_an_altered_root_is_refused(published, tmp_path):
    checkpoint = json.loads(Path(published["checkpoint"]).read_text())
    checkpoint["root_hash"] = base64.b64encode(b"\x00" * 32).decode()
    forged = save(tmp_path, "forged.json", checkpoint)
    done = run(
        published["certificate"],
        "--jwks",
        published["jwks"],
        "--proof",
        published["proof"],
        "--checkpoint",
        forged,
    )
    assert done.returncode == 2
    assert "checkpoint" in done.stderr


def test_a_newer_checkpoint_extends_a_kept_one(client, published, officer, make_submitted, tmp_path):
    old = json.loads(Path(published["checkpoint"]).read_text())
    issuance.certificate_revoke(certificate=published["first"], actor=officer, reason="wrong HS code")
    issue(make_submitted(), officer)
    new = client.get("/api/v1/log/checkpoint").json()
    assert new["tree_size"] > old["tree_size"]
    proof = client.get(f"/api/v1/log/consistency?first={old['tree_size']}&second={new['tree_size']}").json()
    files = [save(tmp_path, "new.json", new), "--proof", save(tmp_path, "consistency.json", proof)]
    done = run("log-consistency", published["checkpoint"], *files, "--jwks", published["jwks"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("CONSISTENT")

    proof["proof"][0] = base64.b64encode(b"\x01" * 32).decode()
    bad = save(tmp_path, "bad.json", proof)
    done = run(
        "log-consistency", published["checkpoint"], files[0], "--proof", bad, "--jwks", published["jwks"]
    )
    assert done.returncode == 1
    assert done.stdout.startswith("NOT CONSISTENT")
