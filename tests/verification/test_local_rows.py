"""Rows kept by a web process: a change made by another process reaches them through the shared epoch."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings

from certificates.issuance.revocation import certificate_revoke
from certificates.verification import local_rows
from tests.services import require_redis, subprocess_env

# A second process: verifies twice (the second answer from its kept row), then once more after the
# go, with its epochs due for a reading (as they are CHECK_SECONDS after the last one).
SECOND_PROCESS = """
import sys, time, django
django.setup()
from django.contrib.auth.models import AnonymousUser
from certificates.verification import local_rows
from certificates.verification.services import verification_verify_number_now

number = sys.argv[1]
def status():
    return verification_verify_number_now(user=AnonymousUser(), number=number)["status"]
print(status(), status(), number in local_rows._rows, flush=True)
sys.stdin.readline()
local_rows._state["read_at"] = time.monotonic() - local_rows.CHECK_SECONDS
print(status(), number in local_rows._rows, flush=True)
"""


@pytest.fixture
def second_process(postgres, certificate):
    require_redis()
    env = subprocess_env(SIGNING_KEK=settings.SIGNING_KEK, SIGNING_KEK_ID=settings.SIGNING_KEK_ID)
    process = subprocess.Popen(
        [sys.executable, "-c", SECOND_PROCESS, certificate.number],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    yield process
    process.kill()
    process.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.redis
def test_a_revocation_reaches_the_row_another_process_keeps(second_process, certificate, officer):
    assert second_process.stdout.readline().split() == ["valid", "valid", "True"]
    certificate_revoke(certificate=certificate, actor=officer, reason="Revoked by a test.")
    second_process.stdin.write("go\n")
    second_process.stdin.flush()
    assert second_process.stdout.readline().split() == ["revoked", "True"]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_save_of_columns_the_row_does_not_read_keeps_the_rows(postgres, certificate):
    local_rows._rows["UZBY-KEPT"] = (0.0, object())
    certificate.save(update_fields=["pdf"])
    assert "UZBY-KEPT" in local_rows._rows
    certificate.save(update_fields=["exhausted_at"])
    assert "UZBY-KEPT" not in local_rows._rows


@pytest.mark.postgres
@pytest.mark.redis
def test_a_key_revocation_reaches_the_row_another_process_keeps(second_process, certificate, signing_key):
    from signing.services import signing_key_revoke

    assert second_process.stdout.readline().split() == ["valid", "valid", "True"]
    signing_key_revoke(kid=certificate.kid, compromised_at=certificate.issued_at, reason="Stolen in a test.")
    second_process.stdin.write("go\n")
    second_process.stdin.flush()
    assert second_process.stdout.readline().split() == ["key_revoked", "True"]  # read afresh, kept again
