"""Two customs services witness the log with real ``certsvc-witness`` processes against the running service.

Both cosign the honest log; a rewritten log, signed with the issuer's own checkpoint key and shown to
them, is refused by both (exit 3) and never cosigned; the offline verifier with ``--min-witnesses 2``
accepts a certificate under their cosignatures and refuses one that only the rewritten log holds.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from signing.canonical import canonical_parse, canonicalize
from signing.jws import TYP_CERTIFICATE, parse_compact
from signing.services import jws_sign
from signing.transparency import merkle
from signing.transparency.models import Checkpoint, Cosignature, LogLeaf
from signing.witness.client import Service
from signing.witness.monitor import monitor_round
from signing.witness.witnessing import Inconsistent
from tests.customs.conftest import customs_of
from tests.issuance.helpers import issue
from tests.transparency.forks import ForkedLog, serving_fork

pytestmark = pytest.mark.django_db(transaction=True)

BIN = Path(sys.executable).parent
WITNESS = (
    [str(BIN / "certsvc-witness")]
    if (BIN / "certsvc-witness").exists()
    else [sys.executable, "-m", "signing.witness"]
)
VERIFY = [str(BIN / "certsvc-verify")]
REFUSED = 3


class WitnessProcess:
    """One customs office's witness: its key file, token file and state file in its own folder."""

    def __init__(self, folder: Path, country: str) -> None:
        folder.mkdir()
        self.folder, self.country = folder, country
        self.key_file, self.token_file, self.state = (
            folder / "witness.key",
            folder / "token",
            folder / "state.json",
        )
        made = subprocess.run(
            [*WITNESS, "keygen", "--key-file", str(self.key_file)], capture_output=True, text=True, check=True
        )
        self.user = customs_of(country)
        call_command(
            "witness_register",
            name=f"Customs {country}",
            user=self.user.username,
            public_key=made.stdout.strip(),
        )
        from knox.models import AuthToken

        self.token_file.write_text(AuthToken.objects.create(user=self.user)[1])

    def start(self, url: str, *extra: str) -> subprocess.Popen:
        arguments = ["--url", url, "--token-file", str(self.token_file), "--key-file", str(self.key_file)]
        return subprocess.Popen(
            [*WITNESS, *arguments, "--state", str(self.state), "--once", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def run_all(witnesses: list[WitnessProcess], url: str, *extra: str) -> list[tuple[int, str, str]]:
    """Both witnesses at once, as two offices' crons would run them."""
    processes = [witness.start(url, *extra) for witness in witnesses]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        results.append((process.returncode, out, err))
    return results


def verify(*arguments: str) -> tuple[int, dict]:
    done = subprocess.run(
        [*VERIFY, *arguments, "--json"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def forged_certificate(genuine: str) -> str:
    """A certificate nobody issued, signed as certificates are (a thief holding the keys)."""
    document = canonical_parse(parse_compact(genuine).payload)
    document["number"] = document["number"][:-6] + "999999"
    country = document["issuer"]["country"]
    return jws_sign(payload=canonicalize(document), typ=TYP_CERTIFICATE, issuer_country=country).compact


@pytest.fixture
def witnesses(tmp_path, signing_key) -> list[WitnessProcess]:
    return [WitnessProcess(tmp_path / "uz", "UZ"), WitnessProcess(tmp_path / "by", "BY")]


def test_two_customs_witnesses_cosign_refuse_a_fork_and_the_verifier_counts_them(
    live_server, client, witnesses, officer, make_submitted, tmp_path
):
    first = issue(make_submitted(), officer)
    assert [code for code, _, _ in run_all(witnesses, live_server.url)] == [0, 0]
    second = issue(make_submitted(), officer)
    results = run_all(witnesses, live_server.url, "--monitor", "--country", "UZ")
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    size = LogLeaf.objects.count()
    assert Cosignature.objects.filter(checkpoint__tree_size=size).count() == 2
    assert Cosignature.objects.filter(checkpoint__tree_size=1).count() == 2
    reported = [json.loads(line)["number"] for line in results[0][1].splitlines()]
    assert reported == [first.number, second.number]

    # The offline verifier: the bundle names both witnesses; the proof file carries their cosignatures.
    files = _offline_files(client, tmp_path)
    proof = subprocess.run(
        [*VERIFY, "fetch-proof", first.number, "--url", live_server.url],
        capture_output=True,
        text=True,
        check=True,
    )
    (tmp_path / "proof.json").write_text(proof.stdout)
    (tmp_path / "first.jws").write_text(first.jws)
    code, result = verify(str(tmp_path / "first.jws"), *files, "--log-proof", str(tmp_path / "proof.json"))
    assert (code, result["status"]) == (0, "valid")

    # A rewritten history: the last real entry swapped for a forged certificate, one more appended.
    forged = forged_certificate(first.jws)
    real = [bytes(entry) for entry in LogLeaf.objects.order_by("index").values_list("entry", flat=True)]
    fork = ForkedLog([*real[:-1], forged.encode(), b"padding"])
    states = [witness.state.read_text() for witness in witnesses]
    rollback = client.get("/api/v1/log/checkpoint", {"tree_size": 1}).json()
    shown = {
        "FORK": fork.checkpoint(),
        "FORK: tree size": ForkedLog([*real[:-1], forged.encode()]).checkpoint(),
        "ROLLBACK": rollback,
    }
    for said, checkpoint in shown.items():
        with serving_fork(live_server.url, fork, checkpoint) as forked_url:
            refused = run_all(witnesses, forked_url)
        assert [code for code, _, _ in refused] == [REFUSED, REFUSED]
        assert all(f"REFUSED, NOT COSIGNED: {said}" in err for _, _, err in refused), refused
    assert [witness.state.read_text() for witness in witnesses] == states
    assert not Checkpoint.objects.filter(tree_size__gt=size).exists()
    assert Cosignature.objects.count() == 4

    # Only the fork includes the forged certificate: its checkpoint has no witness, so it is refused.
    forked_checkpoint = fork.checkpoint()
    honest = json.loads(proof.stdout)["checkpoint"]["cosignatures"]
    (tmp_path / "forked-proof.json").write_text(
        json.dumps(
            {
                "checkpoint": {**forked_checkpoint, "cosignatures": honest},
                "inclusion": fork.inclusion(size - 1),
            }
        )
    )
    (tmp_path / "forged.jws").write_text(forged)
    code, result = verify(
        str(tmp_path / "forged.jws"), *files, "--log-proof", str(tmp_path / "forked-proof.json")
    )
    assert code == 1
    assert {"name": "transparency_log", "ok": False} == {
        key: value for key, value in _check(result, "transparency_log").items() if key != "detail"
    }


def _offline_files(client, folder: Path) -> list[str]:
    (folder / "jwks.json").write_text(json.dumps(client.get("/.well-known/jwks.json").json()))
    bundle = client.get("/api/v1/status/bundle").content.decode()
    (folder / "bundle.jws").write_text(bundle)
    assert len(canonical_parse(parse_compact(bundle.strip()).payload)["witnesses"]) == 2
    return [
        "--jwks",
        str(folder / "jwks.json"),
        "--bundle",
        str(folder / "bundle.jws"),
        "--min-witnesses",
        "2",
    ]


def _check(result: dict, name: str) -> dict:
    return next(check for check in result["checks"] if check["name"] == name)


def test_the_monitor_refuses_entries_that_do_not_make_up_the_cosigned_root(
    live_server, witnesses, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    honest = {
        "tree_size": 1,
        "root_hash": base64.b64encode(merkle.leaf_hash(certificate.jws.encode())).decode(),
    }
    service = Service(live_server.url, witnesses[0].token_file.read_text())
    seen = monitor_round(service, {"checkpoint": honest}, country="UZ", out=io.StringIO())
    assert seen["monitor"]["next"] == 1
    with pytest.raises(Inconsistent, match="do not hash to the root"):
        monitor_round(
            service,
            {"checkpoint": {**honest, "root_hash": base64.b64encode(b"\0" * 32).decode()}},
            country="UZ",
            out=io.StringIO(),
        )
