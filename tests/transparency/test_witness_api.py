"""Witnesses over the API (CONTRACT §11): registration, cosignatures and each refusal, kept checkpoints,
entries for monitors, the webhook asking for cosignatures, the admin and the lag in /metrics."""

from __future__ import annotations

import base64
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.utils import timezone

from certificates.accounts.models import User
from certificates.notifications.models import Event, WebhookDelivery
from signing.canonical import canonicalize
from signing.jws import TYP_CHECKPOINT, b64url_encode
from signing.services import jws_sign
from signing.transparency.models import Checkpoint, Cosignature, Witness, WitnessEvent
from signing.transparency.services import checkpoint_body, log_root
from signing.transparency.tasks import checkpoint_publish
from signing.verifier.keys import load_keys
from signing.verifier.log import verify_checkpoint
from signing.witness.state import public_x
from tests.applications.factories import UserFactory, api_client_for
from tests.customs.conftest import customs_of
from tests.notifications.factories import WebhookEndpointFactory
from tests.ops.conftest import METRICS_TOKEN, parse_samples
from tests.services import BASE_DIR, subprocess_env
from tests.transparency.conftest import append_entries, entry_for
from tests.transparency.witnessing import CustomsWitness, register_witness

pytestmark = pytest.mark.django_db

COSIGN_URL = "/api/v1/log/cosignatures/"


@pytest.fixture
def logged(active_key):
    append_entries([entry_for(i) for i in range(5)])


@pytest.fixture
def witness(logged) -> CustomsWitness:
    return register_witness("UZ")


def checkpoint_now(client) -> dict:
    response = client.get("/api/v1/log/checkpoint")
    assert response.status_code == 200
    return response.json()


def post(witness: CustomsWitness, signature: str, language: str = "en"):
    return api_client_for(witness.user).post(
        COSIGN_URL, {"signature": signature}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )


def test_a_cosignature_is_stored_once_and_published_after_the_signature(client, witness):
    checkpoint = checkpoint_now(client)
    signature = witness.cosign(checkpoint)

    assert post(witness, signature).status_code == 201
    again = post(witness, witness.cosign(checkpoint))
    assert (again.status_code, again.json()["signature"]) == (200, signature)

    published = checkpoint_now(client)
    assert published["cosignatures"] == [{"name": "Customs UZ", "kid": witness.kid, "signature": signature}]
    jwks = client.get("/.well-known/jwks.json").json()
    assert verify_checkpoint(load_keys(jwks), published).tree_size == 5
    assert list(WitnessEvent.objects.values_list("action", flat=True)) == ["registered", "cosigned"]


def test_witnesses_are_listed_as_jwks_entries_with_their_names(client, witness):
    keys = client.get("/api/v1/log/witnesses").json()["keys"]
    assert keys == [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url_encode(public_x(witness.key)),
            "kid": witness.kid,
            "use": "sig",
            "alg": "EdDSA",
            "name": "Customs UZ",
        }
    ]


def refusals(witness: CustomsWitness, checkpoint: dict) -> dict[str, str]:
    other = register_witness("BY")
    wrong_root = {**checkpoint, "root_hash": base64.b64encode(b"\x01" * 32).decode()}
    stamp = datetime.fromisoformat(checkpoint["timestamp"].replace("Z", "+00:00"))
    return {
        "cosignature_bad_signature": witness.cosign(checkpoint, key=Ed25519PrivateKey.generate()),
        "witness_unknown": other.cosign(checkpoint),
        "checkpoint_not_issued": witness.cosign(wrong_root),
        "cosignature_clock_skew": witness.cosign(checkpoint, cosigned_at=stamp + timedelta(minutes=11)),
    }


@pytest.mark.parametrize(
    "code",
    ["cosignature_bad_signature", "witness_unknown", "checkpoint_not_issued", "cosignature_clock_skew"],
)
def test_each_refused_cosignature_is_a_400_problem_with_its_code(client, witness, code):
    signature = refusals(witness, checkpoint_now(client))[code]
    response = post(witness, signature, language="ru")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["type"].endswith(f"/problems/{code}")) == (code, True)
    assert not Cosignature.objects.exists()


def test_garbage_is_refused_as_a_bad_signature(witness):
    assert post(witness, "not.a.jws").json()["code"] == "cosignature_bad_signature"


def test_a_checkpoint_far_from_the_service_clock_cannot_be_cosigned(witness):
    """A checkpoint signed an hour ago: cosigned_at near its timestamp is far from now."""
    old = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    body = checkpoint_body(tree_size=3, root_hash=log_root(tree_size=3), timestamp=old)
    signed = jws_sign(payload=canonicalize(body), typ=TYP_CHECKPOINT)
    Checkpoint.objects.create(
        tree_size=3, root_hash=log_root(tree_size=3), timestamp=old, signature=signed.compact, kid=signed.kid
    )
    response = post(witness, witness.cosign(body, cosigned_at=old + timedelta(minutes=1)))
    assert (response.status_code, response.json()["code"]) == (400, "cosignature_clock_skew")


def test_another_users_post_of_a_witness_signature_is_an_unknown_witness(client, witness):
    intruder = customs_of("KZ")
    response = api_client_for(intruder).post(
        COSIGN_URL, {"signature": witness.cosign(checkpoint_now(client))}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "witness_unknown")


def test_a_kept_checkpoint_is_served_by_size_and_a_size_never_kept_is_404(client, logged):
    first = checkpoint_now(client)
    append_entries([entry_for(5)])
    checkpoint_now(client)
    kept = client.get("/api/v1/log/checkpoint", {"tree_size": 5}).json()
    assert kept == first
    missing = client.get("/api/v1/log/checkpoint", {"tree_size": 4})
    assert (missing.status_code, missing.json()["code"]) == (404, "checkpoint_not_kept")


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), (User.Role.EXPORTER, 403), (User.Role.OFFICER, 403), (User.Role.CUSTOMS, 200)],
)
def test_entries_are_for_customs_and_witnesses_only(logged, role, status):
    user = UserFactory(role=role) if role else None
    response = api_client_for(user).get("/api/v1/log/entries", {"start": 1, "end": 3})
    assert response.status_code == status
    if status == 200:
        entries = [base64.b64decode(entry) for entry in response.json()["entries"]]
        assert entries == [entry_for(1), entry_for(2)]


def test_a_witness_user_reads_entries(witness):
    response = api_client_for(witness.user).get("/api/v1/log/entries", {"start": 0, "end": 5})
    assert len(response.json()["entries"]) == 5


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [(0, 1001, "log_range_too_large"), (0, 6, "log_bad_range"), (3, 2, "log_bad_range")],
)
def test_too_many_entries_or_past_the_tree_is_a_400(active_key, start, end, code):
    append_entries([entry_for(i) for i in range(5)])
    if code == "log_range_too_large":
        append_entries([entry_for(i) for i in range(5, 1002)])
    response = api_client_for(customs_of("UZ")).get("/api/v1/log/entries", {"start": start, "end": end})
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_registration_by_command_needs_a_customs_user_and_a_32_byte_key(logged):
    x = b64url_encode(public_x(Ed25519PrivateKey.generate()))
    exporter = UserFactory(role=User.Role.EXPORTER)
    with pytest.raises(CommandError, match="customs"):
        call_command("witness_register", name="Exporter", user=exporter.username, public_key=x)
    customs = customs_of("BY")
    with pytest.raises(CommandError, match="32 bytes"):
        call_command("witness_register", name="Customs BY", user=customs.username, public_key="abc")
    call_command("witness_register", name="Customs BY", user=customs.username, public_key=x)
    with pytest.raises(CommandError, match="already"):
        call_command("witness_register", name="Customs BY", user=customs.username, public_key=x)


def _key_starting_with_a_dash() -> str:
    while not (x := b64url_encode(public_x(Ed25519PrivateKey.generate()))).startswith("-"):
        pass
    return x


@pytest.mark.django_db(transaction=True)
def test_a_key_that_begins_with_a_dash_registers_in_the_documented_spaced_form():
    """One key in 64 begins with ``-``: argparse alone would take it for an option and refuse it."""
    spaced, keyword = _key_starting_with_a_dash(), _key_starting_with_a_dash()
    customs = customs_of("BY")
    command = [sys.executable, str(BASE_DIR / "manage.py"), "witness_register", "--user", customs.username]
    run = subprocess.run(
        [*command, "--name", "Customs BY", "--public-key", spaced],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    call_command("witness_register", name="Customs BY 2", user=customs.username, public_key=keyword)
    assert set(Witness.objects.values_list("public_x", flat=True)) == {spaced, keyword}
    with pytest.raises(CommandError, match="--public-key is required"):
        call_command("witness_register", name="Customs BY 3", user=customs.username)


def test_a_new_checkpoint_asks_the_witnesses_organizations_by_webhook(client, witness):
    endpoint = WebhookEndpointFactory(
        organization=witness.user.organization, event_types=["log.checkpoint_published"]
    )
    assert checkpoint_publish() == 5  # the beat's task signs the checkpoint of the new size
    checkpoint = checkpoint_now(client)
    event = Event.objects.get(type="log.checkpoint_published")
    assert event.data == {key: checkpoint[key] for key in ("tree_size", "root_hash", "timestamp")}
    assert WebhookDelivery.objects.filter(event=event, endpoint=endpoint).count() == 1
    checkpoint_now(client)
    assert Event.objects.filter(type="log.checkpoint_published").count() == 1


def test_metrics_export_each_witness_lag(client, settings, witness):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = METRICS_TOKEN, []
    other = register_witness("BY")
    assert post(witness, witness.cosign(checkpoint_now(client))).status_code == 201
    append_entries([entry_for(5), entry_for(6)])
    samples = parse_samples(
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}").content.decode()
    )
    lag = "certsvc_transparency_witness_lag"
    assert samples[(lag, (("witness", witness.witness.name),))] == 2
    assert samples[(lag, (("witness", other.witness.name),))] == 7


def test_the_admin_shows_up_to_which_size_each_witness_cosigned(client, admin_client, witness):
    post(witness, witness.cosign(checkpoint_now(client)))
    page = admin_client.get("/admin/transparency/witness/").content.decode()
    assert "Customs UZ" in page
    assert '<td class="field-cosigned_size">5</td>' in page


def test_a_cosigned_at_in_the_service_clock_window_is_accepted(client, witness):
    checkpoint = checkpoint_now(client)
    moment = datetime.now(UTC) + timedelta(minutes=9)
    assert post(witness, witness.cosign(checkpoint, cosigned_at=moment)).status_code == 201


def test_an_administrator_registers_a_witness_in_the_admin(admin_client, admin_user, logged):
    customs = customs_of("BY")
    x = b64url_encode(public_x(Ed25519PrivateKey.generate()))
    form = {"name": "Customs of Belarus", "user": customs.pk, "public_key": x}
    response = admin_client.post("/admin/transparency/witness/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = WitnessEvent.objects.get(witness__name="Customs of Belarus")
    assert (event.action, event.actor) == ("registered", str(admin_user))

    refused = admin_client.post(
        "/admin/transparency/witness/add/", {**form, "name": "Exporter", "user": UserFactory().pk}
    )
    assert "must be an active customs user" in refused.content.decode()


def test_the_admin_stops_a_witness_through_the_service(client, admin_client, witness):
    url = f"/admin/transparency/witness/{witness.witness.pk}/change/"
    assert admin_client.get(url).status_code == 200
    management = {f"events-{name}": value for name, value in (("TOTAL_FORMS", "1"), ("INITIAL_FORMS", "1"))}
    response = admin_client.post(url, {**management, "events-0-id": witness.witness.events.get().pk})
    assert response.status_code == 302
    witness.witness.refresh_from_db()
    assert not witness.witness.active
    assert witness.witness.events.last().action == "deactivated"
    assert client.get("/api/v1/log/witnesses").json() == {"keys": []}
    assert post(witness, witness.cosign(checkpoint_now(client))).json()["code"] == "witness_unknown"
