"""When a signing key is stolen: list what it signed after the compromise and re-issue all of it.

The playbook of docs/operations.md §3 end to end on PostgreSQL, with a real Celery worker that
signs the certificates and their replacements and delivers the webhooks to local receivers.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates.applications.models import Application
from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.revocation import certificate_revoke
from signing.models import SigningKey
from signing.services import signing_key_revoke, signing_key_rotate
from tests.applications.factories import api_client_for
from tests.customs.conftest import customs_of
from tests.issuance.helpers import independent_verify
from tests.notifications.conftest import local_webhooks  # noqa: F401 (a shared fixture)
from tests.notifications.servers import WebhookReceiver, registered_receivers
from tests.services import running_worker, subprocess_env, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("local_webhooks"),
]

EVENT_TYPES = ["certificate.issued", "certificate.superseded", "certificate.revoked"]


@pytest.fixture
def hook():
    """``hook(organization)``: a local receiver registered for the certificate events."""
    with registered_receivers(EVENT_TYPES) as register:
        yield register


@pytest.fixture
def worker(redis_broker):
    env = subprocess_env(DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings")
    with running_worker(env=env) as running:
        yield running


def signed(application: Application) -> Certificate:
    return wait_until(
        lambda: Certificate.objects.filter(application=application).exclude(jws="").first(),
        timeout=30,
        message="the worker to sign the certificate",
    )


def issued(officer, make_submitted) -> Certificate:
    application = make_submitted(items=2)
    application_approve(application=application, actor=officer)
    return signed(application)


def command(name: str, *args: str) -> list[str]:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().splitlines()


def bodies(receiver: WebhookReceiver) -> list[tuple[str, str]]:
    assert all(request.verified for request in receiver.requests)
    received = [json.loads(request.body) for request in receiver.requests]
    return sorted((body["type"], body["data"]["number"]) for body in received)


def verify(client, number: str) -> str:
    response = client.post("/api/v1/verify/", {"number": number}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["status"]


def test_the_certificates_a_stolen_key_signed_after_the_compromise_are_listed_and_reissued_once(
    postgres, worker, client, signing_key, officer, exporter, make_submitted, hook
):
    customs = customs_of("BY")
    at_exporter, at_customs = hook(exporter.organization), hook(customs.organization)
    before = issued(officer, make_submitted)
    compromised_at = before.issued_at + timedelta(seconds=1)  # issue times are whole seconds
    time.sleep(max(0.0, (compromised_at - timezone.now()).total_seconds()) + 0.05)
    stolen = [issued(officer, make_submitted) for _ in range(2)]
    revoked = issued(officer, make_submitted)
    certificate_revoke(certificate=revoked, actor=officer, reason="withdrawn by the exporter")
    customs_client = api_client_for(customs)
    assert verify(customs_client, stolen[0].number) == "valid"  # the customs now watch it

    # The playbook: revoke as compromised, activate a new key, list, re-issue.
    signing_key_revoke(kid=signing_key.kid, compromised_at=compromised_at, reason="token stolen")
    new_key = signing_key_rotate(actor="test", issuer_country="UZ")
    listed = command("signing_key_compromised_certificates", f"--kid={signing_key.kid}")
    assert [line.split("\t")[0] for line in listed[:-1]] == [c.number for c in (*stolen, revoked)]
    assert listed[0].split("\t")[2] == exporter.organization.name
    assert listed[-1] == f"3 certificate(s) signed with {signing_key.kid}"

    since = ["--since", compromised_at.isoformat(), "--actor", officer.username, "--reason", "token stolen"]
    first_run = command("reissue_compromised", f"--kid={signing_key.kid}", *since)
    assert first_run[-1] == "2 re-issued, 1 skipped"
    assert f"{revoked.number}\tskipped: already Revoked" in first_run

    replacements = [_replacement_of(certificate) for certificate in stolen]
    assert {replacement.kid for replacement in replacements} == {new_key.kid}
    jwks = client.get("/.well-known/jwks.json").json()
    for old, new in zip(stolen, replacements, strict=True):
        assert independent_verify(new.jws, jwks) == bytes(new.canonical)
        assert new.document["replaces"] == old.number
        assert verify(customs_client, new.number) == "valid"
        assert verify(customs_client, old.number) == "key_revoked"  # it precedes superseded (CONTRACT §4)
    assert verify(customs_client, before.number) == "valid"

    _assert_audited(stolen, officer)
    expected_customs = [("certificate.superseded", stolen[0].number)]
    wait_until(lambda: bodies(at_customs) == expected_customs, timeout=20, message="the customs' webhook")
    told_exporter = {("certificate.superseded", c.number) for c in stolen} | {
        ("certificate.issued", c.number) for c in replacements
    }
    wait_until(
        lambda: told_exporter <= set(bodies(at_exporter)), timeout=20, message="the exporter's webhooks"
    )

    applications = Application.objects.count()
    second_run = command("reissue_compromised", f"--kid={signing_key.kid}", *since)
    assert second_run[-1] == "0 re-issued, 3 skipped"
    assert f"{stolen[0].number}\tskipped: already superseded by {replacements[0].number}" in second_run
    assert Application.objects.count() == applications
    assert SigningKey.objects.get(pk=signing_key.pk).status == SigningKey.Status.REVOKED


def _replacement_of(certificate: Certificate) -> Certificate:
    def superseded() -> Certificate | None:
        certificate.refresh_from_db()
        return certificate.superseded_by if certificate.status == Certificate.Status.SUPERSEDED else None

    return wait_until(superseded, timeout=30, message=f"the replacement of {certificate.number}")


def _assert_audited(stolen: list[Certificate], officer) -> None:
    for certificate in stolen:
        actions = list(
            CertificateEvent.objects.filter(certificate=certificate).values_list("action", "actor")
        )
        assert actions == [("issued", None), ("reissued", officer.pk), ("superseded", None)]
        reissued = CertificateEvent.objects.get(certificate=certificate, action="reissued")
        assert "token stolen" in reissued.reason
    assert Application.objects.filter(replaces__in=stolen, created_by=officer).count() == 2
