"""``certsvc-verify bundle-update`` against the running service: a local bundle kept current from deltas."""

from __future__ import annotations

import json

import pytest

from certificates.issuance.services import certificate_revoke
from certificates.verification.models import StatusBundleIssue
from signing.verifier.bundle import read_bundle_chain
from signing.verifier.errors import BundleError
from signing.verifier.keys import load_keys
from tests.verification.helpers import parts, with_payload
from tests.verification.test_offline_cli import Offline, failing

BUNDLE_URL = "/api/v1/status/bundle"


@pytest.fixture
def offline(client, tmp_path):
    return Offline(client, tmp_path)


def update(offline: Offline, url: str, bundle: str, jwks: str) -> str:
    done = offline.run("bundle-update", "--bundle", bundle, "--url", url, "--jwks", jwks)
    assert done.returncode == 0, done.stderr
    return done.stdout


def verify(offline: Offline, token: str, jwks: str, bundle: str) -> tuple[int, dict]:
    done = offline.run(offline.write("certificate.jws", token), "--jwks", jwks, "--bundle", bundle, "--json")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.django_db(transaction=True)
class TestBundleUpdate:
    def test_a_revocation_reaches_the_local_bundle_as_a_delta(
        self, offline, live_server, certificate, officer
    ):
        jwks, _ = offline.fetch()
        bundle = str(offline.tmp / "status.jws")

        assert "fetched the whole bundle (0 entries)" in update(offline, live_server.url, bundle, jwks)
        assert verify(offline, certificate.jws, jwks, bundle)[0] == 0
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        assert "applied a delta of 1 entries (1 deltas kept)" in update(
            offline, live_server.url, bundle, jwks
        )

        lines = (offline.tmp / "status.jws").read_text().split()
        assert len(lines) == 2
        assert "since" in parts(lines[1])[1]
        code, result = verify(offline, certificate.jws, jwks, bundle)
        assert (code, result["status"], failing(result)) == (1, "revoked", ["status"])
        assert "already current" in update(offline, live_server.url, bundle, jwks)

    def test_a_bundle_the_service_no_longer_knows_is_replaced_by_the_whole_one(
        self, offline, live_server, certificate, officer
    ):
        jwks, bundle = offline.fetch()
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        StatusBundleIssue.objects.all().delete()  # as if issued more than 7 days ago

        assert "fetched the whole bundle (1 entries)" in update(offline, live_server.url, bundle, jwks)
        assert len((offline.tmp / "bundle.jws").read_text().split()) == 1

    def test_an_unusable_url_leaves_the_file_as_it_was(self, offline, certificate):
        jwks, bundle = offline.fetch()
        before = (offline.tmp / "bundle.jws").read_text()
        done = offline.run("bundle-update", "--bundle", bundle, "--url", "http://example.org", "--jwks", jwks)
        assert (done.returncode, "refuses plain http" in done.stderr) == (2, True)
        assert (offline.tmp / "bundle.jws").read_text() == before


@pytest.mark.django_db
class TestBundleFile:
    """The file the offline verifier reads: a full bundle, then deltas, each verified and chained."""

    def chain(self, client, certificate, officer) -> tuple[dict, str, str]:
        jwks = client.get("/.well-known/jwks.json").json()
        full = client.get(BUNDLE_URL).content.decode()
        certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
        delta = client.get(BUNDLE_URL, {"since": parts(full)[1]["issued_at"]}).content.decode()
        return jwks, full, delta

    def test_a_full_bundle_and_its_delta_merge(self, client, certificate, officer):
        jwks, full, delta = self.chain(client, certificate, officer)
        merged = read_bundle_chain(f"{full}\n{delta}\n", load_keys(jwks), None)
        assert list(merged.status.entries) == [certificate.number]
        assert merged.issued_at_text == parts(delta)[1]["issued_at"]

    def test_a_tampered_delta_is_refused(self, client, certificate, officer):
        jwks, full, delta = self.chain(client, certificate, officer)
        forged = with_payload(delta, {**parts(delta)[1], "entries": []})
        with pytest.raises(BundleError, match="does not verify"):
            read_bundle_chain(f"{full}\n{forged}", load_keys(jwks), None)

    def test_a_delta_since_another_bundle_is_refused(self, client, certificate, officer):
        jwks, _full, delta = self.chain(client, certificate, officer)
        later = client.get(BUNDLE_URL).content.decode()
        with pytest.raises(BundleError, match="not since"):
            read_bundle_chain(f"{later}\n{delta}", load_keys(jwks), None)

    def test_a_delta_alone_is_not_a_bundle(self, client, certificate, officer):
        jwks, _, delta = self.chain(client, certificate, officer)
        with pytest.raises(BundleError, match="not a full bundle"):
            read_bundle_chain(delta, load_keys(jwks), None)

    def test_the_cli_refuses_a_file_with_a_tampered_delta(self, client, certificate, officer, tmp_path):
        jwks, full, delta = self.chain(client, certificate, officer)
        offline = Offline(client, tmp_path)
        forged = with_payload(delta, {**parts(delta)[1], "entries": []})
        bundle = offline.write("status.jws", f"{full}\n{forged}\n")
        keys = offline.write("jwks.json", json.dumps(jwks))
        done = offline.run(offline.write("c.jws", certificate.jws), "--jwks", keys, "--bundle", bundle)
        assert (done.returncode, "status delta does not verify" in done.stderr) == (2, True)
