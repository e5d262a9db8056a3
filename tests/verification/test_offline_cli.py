"""certsvc-verify: every status of CONTRACT §4 from files fetched from the service, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.accounts.models import Organization, User
from certificates.customs.matching import DeclaredLine
from certificates.customs.services import declaration_record
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_revoke
from certificates.verification import services as verification
from signing.canonical import canonicalize
from signing.jws import TYP_CERTIFICATE
from signing.selectors import signing_key_get_active
from signing.services import jws_sign, signing_key_revoke, signing_key_rotate
from tests.applications.factories import UserFactory
from tests.issuance.helpers import issue
from tests.verification.helpers import (
    parts,
    signed_by_service,
    signed_by_unknown_key,
    tampered,
    with_flipped_signature_byte,
    with_header,
)

CLI = str(Path(sys.executable).parent / "certsvc-verify")
SEEN_STATUSES: set[str] = set()


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Offline:
    """Files as a border post keeps them: JWKS and bundle fetched while online, certificates from paper."""

    def __init__(self, client, tmp_path: Path):
        self.client, self.tmp = client, tmp_path

    def write(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def fetch(self) -> tuple[str, str]:
        jwks = self.write("jwks.json", self.client.get("/.well-known/jwks.json").content.decode())
        bundle = self.write("bundle.jws", self.client.get("/api/v1/status/bundle").content.decode())
        return jwks, bundle

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60, check=False)

    def verify(self, token: str, *extra: str, bundle: bool = True) -> tuple[int, dict]:
        jwks, bundle_path = self.fetch()
        options = ["--jwks", jwks, *(["--bundle", bundle_path] if bundle else []), *extra]
        done = self.run(self.write("certificate.jws", token), *options, "--json")
        assert done.returncode in (0, 1), done.stderr
        result = json.loads(done.stdout)
        assert (done.returncode == 0) is result["valid"] is (result["status"] == "valid")
        SEEN_STATUSES.add(result["status"])
        return done.returncode, result


@pytest.fixture
def offline(client, tmp_path):
    return Offline(client, tmp_path)


def failing(result: dict) -> list[str]:
    return [check["name"] for check in result["checks"] if not check["ok"]]


@pytest.mark.django_db
class TestOfflineStatuses:
    def test_issued_certificate_is_valid(self, offline, certificate):
        code, result = offline.verify(certificate.jws)
        assert code == 0
        assert result["number"] == certificate.number
        assert [c["name"] for c in result["checks"]] == [
            "well_formed",
            "algorithm",
            "key_known",
            "signature",
            "status",
            "validity",
        ]

    def test_text_output_lists_each_check(self, offline, certificate):
        jwks, bundle = offline.fetch()
        done = offline.run(offline.write("c.jws", certificate.jws), "--jwks", jwks, "--bundle", bundle)
        assert done.returncode == 0
        assert done.stdout.splitlines()[0].endswith(f"VALID ({certificate.number})")
        assert "  signature: ok" in done.stdout

    def test_revoked_certificate_in_the_bundle_is_revoked(self, offline, certificate, officer):
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        code, result = offline.verify(certificate.jws)
        assert (code, result["status"], failing(result)) == (1, "revoked", ["status"])

    def test_exhausted_certificate_in_the_bundle_is_exhausted(self, offline, certificate):
        customs = UserFactory(
            role=User.Role.CUSTOMS,
            organization=Organization.objects.create(kind=Organization.Kind.CUSTOMS, name="BY", country="BY"),
        )
        items = certificate.document["items"]
        declaration_record(
            certificate=certificate,
            actor=customs,
            declaration_number="DT-1",
            declared_at=timezone.now(),
            customs_office="06611",
            lines=[DeclaredLine(i["line"], i["hs_code"], Decimal(i["quantity"]), i["unit"]) for i in items],
        )
        code, result = offline.verify(certificate.jws)
        assert (code, result["status"], failing(result)) == (1, "exhausted", ["status"])

    def test_revoked_certificate_was_valid_at_a_date_before_its_revocation(
        self, offline, certificate, officer
    ):
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        revoked_at = certificate.issued_at + timedelta(hours=2)
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=revoked_at)
        before = rfc3339(certificate.issued_at + timedelta(hours=1))
        assert offline.verify(certificate.jws, "--at", before)[1]["status"] == "valid"
        assert offline.verify(certificate.jws, "--at", rfc3339(revoked_at))[1]["status"] == "revoked"

    def test_replaced_certificate_is_superseded(self, offline, certificate, officer, make_submitted):
        issue(make_submitted(replaces=certificate), officer)
        assert offline.verify(certificate.jws)[1]["status"] == "superseded"

    def test_document_past_its_dates_is_expired(self, offline, certificate):
        old = {**certificate.document, "issued_at": "2020-01-01T09:00:00Z"}
        old.update(valid_from="2020-01-01", valid_until="2020-12-31")
        token = jws_sign(payload=canonicalize(old), typ=TYP_CERTIFICATE, issuer_country="UZ").compact
        code, result = offline.verify(token)
        assert (code, result["status"]) == (1, "expired")
        assert result["checks"][-1] == {"name": "validity", "ok": False, "detail": "expired after 2020-12-31"}

    def test_certificate_checked_at_a_moment_before_its_issue_is_not_yet_valid(self, offline, certificate):
        before = rfc3339(certificate.issued_at - timedelta(days=2))
        assert offline.verify(certificate.jws, "--at", before)[1]["status"] == "not_yet_valid"

    @pytest.mark.parametrize("forge", ["tampered", "flipped", "alg_none"])
    def test_forged_documents_have_bad_signatures(self, offline, certificate, forge):
        header, _, _ = parts(certificate.jws)
        token = {
            "tampered": lambda: tampered(certificate.jws),
            "flipped": lambda: with_flipped_signature_byte(certificate.jws),
            "alg_none": lambda: with_header(certificate.jws, {**header, "alg": "none"}),
        }[forge]()
        assert offline.verify(token)[1]["status"] == "bad_signature"

    def test_unknown_kid_is_unknown_key(self, offline, certificate):
        assert offline.verify(signed_by_unknown_key(certificate.document))[1]["status"] == "unknown_key"

    def test_key_revoked_before_issue_is_key_revoked_with_the_key_list(self, offline, client, certificate):
        signing_key_revoke(
            kid=certificate.kid, compromised_at=certificate.issued_at - timedelta(minutes=1), reason="leak"
        )
        signing_key_rotate()
        keys = offline.write("keys.json", client.get("/api/v1/keys/").content.decode())
        code, result = offline.verify(certificate.jws, "--keys", keys)
        assert (code, result["status"], failing(result)) == (1, "key_revoked", ["key_not_revoked"])
        # Without the key list, the signed bundle's key states say so (CONTRACT §4 v1.1).
        assert offline.verify(certificate.jws)[1]["status"] == "key_revoked"

    def test_key_list_with_a_later_compromise_time_still_revokes_the_key(self, offline, certificate):
        # A document claims its own issued_at: offline, a compromised key is refused whatever it says.
        later = rfc3339(certificate.issued_at + timedelta(hours=1))
        keys = offline.write("keys.json", json.dumps([{"kid": certificate.kid, "compromised_at": later}]))
        assert offline.verify(certificate.jws, "--keys", keys, bundle=False)[1]["status"] == "key_revoked"

    @pytest.mark.parametrize("text", ["not a jws", "e30.e30.AAAA", ""])
    def test_garbage_is_malformed(self, offline, certificate, text):
        code, result = offline.verify(text)
        assert (code, result["status"], result["number"]) == (1, "malformed", None)

    def test_stale_bundle_is_refused_unless_allowed(self, offline, certificate):
        jwks, _ = offline.fetch()
        yesterday = timezone.now() - timedelta(days=1)
        stale = offline.write("stale.jws", verification._status_bundle_sign(yesterday))
        cert = offline.write("c.jws", certificate.jws)

        refused = offline.run(cert, "--jwks", jwks, "--bundle", stale)
        allowed = offline.run(cert, "--jwks", jwks, "--bundle", stale, "--allow-stale-bundle")

        assert refused.returncode == 2
        assert "status bundle expired" in refused.stderr
        assert "--allow-stale-bundle" in refused.stderr
        assert refused.stdout == ""
        assert allowed.returncode == 0

    def test_bundle_not_signed_by_a_published_key_is_refused(self, offline, certificate):
        jwks, bundle = offline.fetch()
        forged = offline.write("forged.jws", with_flipped_signature_byte(Path(bundle).read_text()))
        done = offline.run(offline.write("c.jws", certificate.jws), "--jwks", jwks, "--bundle", forged)
        assert done.returncode == 2
        assert "status bundle does not verify" in done.stderr

    def test_bundle_signed_by_a_compromised_key_is_refused_with_the_key_list(
        self, offline, client, certificate
    ):
        _, fetched = offline.fetch()
        bundle = offline.write("old-bundle.jws", Path(fetched).read_text())
        registry = signing_key_get_active()  # the bundle's signer
        signing_key_revoke(
            kid=registry.kid, compromised_at=certificate.issued_at - timedelta(minutes=1), reason="leak"
        )
        signing_key_rotate()
        jwks, _ = offline.fetch()
        keys = offline.write("keys.json", client.get("/api/v1/keys/").content.decode())
        done = offline.run(
            offline.write("c.jws", certificate.jws), "--jwks", jwks, "--bundle", bundle, "--keys", keys
        )
        assert done.returncode == 2
        assert "compromised" in done.stderr

    def test_missing_files_and_bad_arguments_exit_2(self, offline, certificate):
        jwks, _ = offline.fetch()
        cert = offline.write("c.jws", certificate.jws)
        assert offline.run(str(offline.tmp / "missing.jws"), "--jwks", jwks).returncode == 2
        assert offline.run(cert, "--jwks", str(offline.tmp / "missing.json")).returncode == 2
        assert offline.run(cert).returncode == 2
        assert offline.run(cert, "--jwks", jwks, "--at", "someday").returncode == 2
        assert offline.run(cert, "--jwks", cert).returncode == 2

    def test_one_invalid_certificate_in_a_batch_makes_the_exit_code_1(self, offline, certificate):
        jwks, bundle = offline.fetch()
        good = offline.write("good.jws", certificate.jws)
        bad = offline.write("bad.jws", tampered(certificate.jws))
        done = offline.run(good, bad, "--jwks", jwks, "--bundle", bundle, "--json")
        assert done.returncode == 1
        assert [r["status"] for r in json.loads(done.stdout)] == ["valid", "bad_signature"]


@pytest.mark.django_db(transaction=True)
class TestOnlineStatuses:
    """With --online the CLI also asks the running service; it trusts the answer only with a valid receipt."""

    def test_unknown_number_is_not_found(self, offline, live_server, certificate):
        jwks, _ = offline.fetch()
        done = offline.run(
            "--jwks", jwks, "--online", live_server.url, "--number", "UZBY-2026-EX-999999", "--json"
        )
        assert done.returncode == 1, done.stderr
        result = json.loads(done.stdout)
        SEEN_STATUSES.add(result["status"])
        assert (result["status"], result["valid"]) == ("not_found", False)
        assert {"name": "receipt", "ok": True} in result["checks"]

    def test_correctly_signed_document_that_differs_from_the_record_is_a_registry_mismatch(
        self, offline, live_server, certificate
    ):
        forged = {**certificate.document, "transport": {"mode": "air", "details": "forged"}}
        code, result = offline.verify(signed_by_service(forged), "--online", live_server.url)
        assert (code, result["status"]) == (1, "registry_mismatch")
        assert failing(result) == ["registry"]

    def test_issued_certificate_is_valid_online(self, offline, live_server, certificate):
        code, result = offline.verify(certificate.jws, "--online", live_server.url)
        assert (code, result["status"]) == (0, "valid")
        names = [c["name"] for c in result["checks"]]
        assert {"registry", "transparency_log", "receipt"} <= set(names)


def test_verifier_library_does_not_import_django():
    code = "import sys, signing.verifier; sys.exit(1 if 'django' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_every_status_of_the_contract_is_produced_by_the_cli():
    # Runs after the classes above (pytest keeps file order).
    assert set(verification.STATUSES) == SEEN_STATUSES
