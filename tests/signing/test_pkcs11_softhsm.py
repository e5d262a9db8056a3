"""The PKCS#11 backend against a real SoftHSM2 token made afresh for each test.

Each test initialises its own token in a temporary directory (``SOFTHSM2_CONF`` names a
configuration pointing at it) and the library is initialised again to read it. Under
``CI=true`` a missing SoftHSM2 fails these tests; elsewhere they skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from certificates.accounts.models import User
from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate
from certificates.issuance.revocation import certificate_revoke
from certsvc.health import readiness_report
from signing.backends import get_backend
from signing.backends import pkcs11 as backend_module
from signing.backends.pkcs11 import Pkcs11Backend, public_key_from_ec_point, token_sessions_reset
from signing.errors import KeyUnavailable
from signing.jws import b64url_decode
from signing.models import SigningKey, SigningKeyEvent, SoftwareKeyMaterial
from signing.observability import check_signing_token
from signing.services import jws_sign, signing_key_create, signing_key_revoke, signing_key_rotate
from tests.applications.factories import ApplicationFactory, IssuerFactory, UserFactory
from tests.issuance.helpers import independent_verify
from tests.services import BASE_DIR, WorkerProcess, purge_broker, require, subprocess_env, wait_until

TYP = "certsvc-certificate+jws"
PIN, SO_PIN = "4711-user", "0815-so"
MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


def softhsm_module() -> str | None:
    return next((path for path in MODULE_CANDIDATES if Path(path).exists()), None)


@dataclass
class Token:
    directory: Path
    conf: Path
    label: str
    module: str

    def env(self, **extra: str) -> dict[str, str]:
        """A subprocess's environment for this token (the PIN given as a file when ``pin_file``)."""
        env = subprocess_env(
            SOFTHSM2_CONF=str(self.conf),
            SIGNING_BACKEND="pkcs11",
            PKCS11_MODULE=self.module,
            PKCS11_TOKEN_LABEL=self.label,
            PKCS11_PIN=PIN,
        )
        env.update(extra)
        return env


def softhsm_token(root: Path, *, label: str = "certsvc-test") -> Token:
    """``softhsm2-util --init-token --free`` in a new token directory under ``root``."""
    module = softhsm_module()
    require(
        module is not None and shutil.which("softhsm2-util") is not None,
        "SoftHSM2 (apt-get install softhsm2)",
    )
    assert module is not None
    directory = root / "tokens"
    directory.mkdir(parents=True)
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory}\nobjectstore.backend = file\nlog.level = ERROR\n")
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN],
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        check=True,
        capture_output=True,
    )
    return Token(directory=directory, conf=conf, label=label, module=module)


def use_token(token: Token, monkeypatch, settings) -> None:
    monkeypatch.setenv("SOFTHSM2_CONF", str(token.conf))
    token_sessions_reset()  # the library reads SOFTHSM2_CONF when it is initialised
    settings.SIGNING_DEFAULT_BACKEND = "pkcs11"
    settings.PKCS11_MODULE = token.module
    settings.PKCS11_TOKEN_LABEL = token.label
    settings.PKCS11_PIN = PIN


@pytest.fixture
def token(tmp_path, monkeypatch, settings) -> Token:
    made = softhsm_token(tmp_path / "hsm")
    use_token(made, monkeypatch, settings)
    yield made
    token_sessions_reset()


# A PKCS#11 client of its own, in its own process, that looks at the token from outside.
INSPECT = """
import json, sys
import pkcs11
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11 import exceptions as p11

module, label, pin, key_id = sys.argv[1:5]
with pkcs11.lib(module).get_token(token_label=label).open(user_pin=pin, rw=True) as session:
    facts = {"objects": sum(1 for _ in session.get_objects())}
    if key_id:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=bytes.fromhex(key_id))
        for name in ("EXTRACTABLE", "SENSITIVE", "NEVER_EXTRACTABLE", "ALWAYS_SENSITIVE", "TOKEN", "PRIVATE"):
            facts[name] = bool(key[getattr(Attribute, name)])
        facts["label"] = key.label
        try:
            facts["value"] = key[Attribute.VALUE].hex()
        except p11.PKCS11Error as exc:
            facts["value"] = type(exc).__name__
        template = {Attribute.WRAP: True, Attribute.TOKEN: False}
        wrapper = session.generate_key(KeyType.AES, 256, template=template)
        try:
            facts["wrapped"] = wrapper.wrap_key(key).hex()
        except p11.PKCS11Error as exc:
            facts["wrapped"] = type(exc).__name__
print(json.dumps(facts))
"""


def inspect_token(token: Token, key_ref: str = "") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", INSPECT, token.module, token.label, PIN, key_ref],
        env={**os.environ, "SOFTHSM2_CONF": str(token.conf)},
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return json.loads(done.stdout)


def verifies(public_x: bytes, signature: bytes, data: bytes) -> bool:
    Ed25519PublicKey.from_public_bytes(public_x).verify(signature, data)
    return True


# --- Keys and signatures -----------------------------------------------------------


@pytest.mark.django_db
def test_a_key_made_in_the_token_signs_jws_that_joserfc_verifies_against_the_published_jwks(client, token):
    key = signing_key_create(activate=True)
    assert (key.backend, len(key.key_ref)) == ("pkcs11", 32)
    assert not SoftwareKeyMaterial.objects.exists()
    assert get_backend("pkcs11").public_key(key.key_ref) == key.public_key_bytes

    signed = jws_sign(payload=b'{"certificate":"UZ-BY-1"}', typ=TYP)
    jwks = client.get("/.well-known/jwks.json").json()
    assert independent_verify(signed.compact, jwks) == b'{"certificate":"UZ-BY-1"}'
    assert signed.kid == key.kid
    assert inspect_token(token, key.key_ref)["label"] == key.kid


@pytest.mark.django_db
def test_the_private_key_never_leaves_the_token(token):
    key = signing_key_create(activate=True)
    facts = inspect_token(token, key.key_ref)
    assert facts["EXTRACTABLE"] is False
    assert facts["NEVER_EXTRACTABLE"] is True
    assert facts["SENSITIVE"] is True
    assert facts["ALWAYS_SENSITIVE"] is True
    assert (facts["TOKEN"], facts["PRIVATE"]) == (True, True)
    # The token itself refuses to hand out the value, in clear or wrapped under a key of ours.
    assert facts["value"] == "AttributeSensitive"
    assert facts["wrapped"] == "KeyUnextractable"


def test_the_public_key_is_read_from_the_der_octet_string_of_the_ec_point():
    raw = bytes(range(32))
    assert public_key_from_ec_point(b"\x04\x20" + raw) == raw
    assert public_key_from_ec_point(raw) == raw
    with pytest.raises(KeyUnavailable, match="33 bytes"):
        public_key_from_ec_point(b"\x04" + raw)


@pytest.mark.django_db
def test_threads_sign_through_the_one_session_of_the_process(token):
    key = signing_key_create(activate=True)
    backend = get_backend("pkcs11")
    results: list[tuple[bytes, bytes]] = []

    def sign_many(n: int) -> None:
        for i in range(20):
            data = f"thread {n} message {i}".encode()
            results.append((data, backend.sign(key.key_ref, data)))

    threads = [threading.Thread(target=sign_many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 160
    assert all(verifies(key.public_key_bytes, signature, data) for data, signature in results)


@pytest.mark.django_db
def test_a_forked_child_opens_its_own_session_and_signs_with_the_same_key(token):
    key = signing_key_create(activate=True)
    backend = Pkcs11Backend("pkcs11")
    parent_session = backend_module._current[0].session
    read_end, write_end = os.pipe()
    # Forked while another thread of the parent is inside the backend: the child must not wait for it.
    with _lock_held_by_another_thread():
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe and exits at once
        try:
            signature = backend.sign(key.key_ref, b"signed in the child")
            own = backend_module._current[0]
            report = {"signature": signature.hex(), "own_pid": own.pid == os.getpid()}
            report["new_session"] = own.session is not parent_session
        except BaseException as exc:
            report = {"error": repr(exc)}
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    child = _wait_for_child(pid)
    report = json.loads(os.read(read_end, 4096))
    assert child == 0
    assert "error" not in report, report
    assert report["own_pid"]
    assert report["new_session"]
    assert verifies(key.public_key_bytes, bytes.fromhex(report["signature"]), b"signed in the child")
    # The parent's session was not disturbed by the child's.
    assert verifies(key.public_key_bytes, backend.sign(key.key_ref, b"parent"), b"parent")


@contextlib.contextmanager
def _lock_held_by_another_thread() -> Iterator[None]:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with backend_module._lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def _wait_for_child(pid: int, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, 9)
    raise AssertionError("the forked child did not finish: a lock or a session hung")


# --- Failing closed ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_pin_fails_closed_refuses_to_sign_and_writes_nothing(client, token, settings):
    key = signing_key_create(activate=True)
    keys, events = SigningKey.objects.count(), SigningKeyEvent.objects.count()
    objects = inspect_token(token)["objects"]
    settings.PKCS11_PIN = "0000-wrong"
    token_sessions_reset()  # as a process started with the wrong PIN

    report = readiness_report()
    assert report["status"] == "fail"
    assert report["checks"]["signing_key"] == {
        "status": "fail",
        "error": "KeyUnavailable",
        **_duration(report),
    }
    assert client.get("/readyz").status_code == 503
    with pytest.raises(KeyUnavailable, match="not tried again"):
        jws_sign(payload=b"x", typ=TYP)
    with pytest.raises(KeyUnavailable, match="not tried again"):
        signing_key_rotate()
    with pytest.raises(KeyUnavailable):
        check_signing_token()

    assert (SigningKey.objects.count(), SigningKeyEvent.objects.count()) == (keys, events)
    assert SigningKey.objects.get(status="active") == key
    assert inspect_token(token)["objects"] == objects
    settings.PKCS11_PIN = PIN
    assert jws_sign(payload=b"x", typ=TYP).kid == key.kid


@pytest.mark.django_db
def test_issuance_with_a_wrong_pin_fails_on_the_order_and_signs_nothing(token, settings):
    from certificates.applications.models import Application
    from certificates.issuance.models import IssuanceOrder
    from certificates.issuance.tasks import sign_certificate
    from signing.transparency.models import LogLeaf

    officer = UserFactory(role=User.Role.OFFICER, organization=IssuerFactory(country="UZ", tax_id=""))
    signing_key_create(activate=True, issuer_country="UZ")
    settings.PKCS11_PIN = "0000-wrong"
    token_sessions_reset()
    application = ApplicationFactory(status="submitted")
    application_approve(application=application, actor=officer)
    order = IssuanceOrder.objects.get(application=application)
    sign_certificate.run(order.pk)

    order.refresh_from_db()
    assert (order.state, order.error_code) == (IssuanceOrder.State.FAILED, "signing_key_unavailable")
    assert "refused the login with PKCS11_PIN" in order.error
    assert not Certificate.objects.filter(application=application).exclude(jws="").exists()
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED
    assert not LogLeaf.objects.exists()


@pytest.mark.django_db
def test_with_new_keys_made_in_the_token_readiness_also_needs_the_token_login(token, settings):
    from certsvc import health
    from signing import observability

    observability.register()  # as at start-up with SIGNING_BACKEND=pkcs11
    try:
        assert "signing_token" in health._REQUIRED_CHECKS
        signing_key_create(activate=True)
        assert readiness_report()["checks"]["signing_token"]["token"] == token.label
        settings.PKCS11_PIN = "0000-wrong"
        token_sessions_reset()
        assert readiness_report()["checks"]["signing_token"]["status"] == "fail"
    finally:
        health._REQUIRED_CHECKS.pop("signing_token", None)


def _duration(report: dict) -> dict:
    return {"duration_ms": report["checks"]["signing_key"]["duration_ms"]}


@pytest.mark.django_db
def test_the_first_refusal_of_the_pin_says_so(token, settings):
    key = signing_key_create(activate=True)
    settings.PKCS11_PIN = "0000-wrong"
    token_sessions_reset()
    with pytest.raises(KeyUnavailable, match=r"refused the login with PKCS11_PIN \(PinIncorrect\)"):
        get_backend("pkcs11").check_usable(key.key_ref)


@pytest.mark.django_db
def test_a_key_the_token_does_not_hold_is_refused_clearly(token):
    with pytest.raises(KeyUnavailable, match="holds no private_key with CKA_ID 00ff"):
        get_backend("pkcs11").sign("00ff", b"x")
    with pytest.raises(KeyUnavailable, match="not a PKCS#11 key reference"):
        get_backend("pkcs11").sign("kid-not-hex", b"x")


def test_the_backend_without_module_or_pin_fails_clearly(settings):
    settings.PKCS11_MODULE, settings.PKCS11_PIN = "", "1234"
    with pytest.raises(KeyUnavailable, match="needs PKCS11_MODULE"):
        get_backend("pkcs11").sign("00", b"x")
    settings.PKCS11_MODULE, settings.PKCS11_PIN = "/nonexistent/libpkcs11.so", ""
    with pytest.raises(KeyUnavailable, match=r"needs PKCS11_PIN \(or PKCS11_PIN_FILE\)"):
        get_backend("pkcs11").sign("00", b"x")
    settings.PKCS11_PIN = "1234"
    with pytest.raises(KeyUnavailable, match=r"/nonexistent/libpkcs11\.so"):
        get_backend("pkcs11").sign("00", b"x")


def test_the_settings_refuse_the_pkcs11_backend_without_module_and_pin(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import certsvc.settings_signing as module

    monkeypatch.setenv("SIGNING_BACKEND", "pkcs11")
    monkeypatch.delenv("PKCS11_MODULE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="needs PKCS11_MODULE and PKCS11_PIN"):
        importlib.reload(module)
    monkeypatch.setenv("PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
    monkeypatch.setenv("PKCS11_PIN_FILE", str(BASE_DIR / "pyproject.toml"))
    assert importlib.reload(module).PKCS11_PIN.startswith("[build-system]")
    monkeypatch.undo()
    importlib.reload(module)


# --- The key ceremony: backup and restore ------------------------------------------

SIGN_IN_A_NEW_PROCESS = """
import json, sys
import django
django.setup()
from signing.backends import get_backend
from signing.errors import KeyUnavailable
from signing.jws import ed25519_header, jwk_thumbprint, sign_compact
backend = get_backend("pkcs11")
answers = {}
for key_ref in sys.argv[1:]:
    try:
        kid = jwk_thumbprint(backend.public_key(key_ref))
        header = ed25519_header(kid=kid, typ="certsvc-certificate+jws")
        signer = lambda data: backend.sign(key_ref, data)
        answers[key_ref] = sign_compact(payload=b"signed after restore", header=header, signer=signer)
    except KeyUnavailable as exc:
        answers[key_ref] = "KeyUnavailable: " + str(exc)
print(json.dumps(answers))
"""


@pytest.mark.django_db
def test_a_restored_token_signs_with_the_same_kid_and_a_key_never_backed_up_died_with_its_token(
    client, token, tmp_path
):
    key = signing_key_create(activate=True)
    token_sessions_reset()  # the backup is taken while no session writes to the token
    backup = tmp_path / "backup.tar"
    shutil.make_archive(str(backup.with_suffix("")), "tar", root_dir=token.directory)
    never_backed_up = signing_key_rotate()  # made after the backup: only the original token holds it
    token_sessions_reset()
    shutil.rmtree(token.directory)  # the original is gone: only the backup is left

    restored = softhsm_token(tmp_path / "restored", label="unused")
    shutil.rmtree(restored.directory)
    shutil.unpack_archive(backup, restored.directory)
    env = Token(
        directory=restored.directory, conf=restored.conf, label=token.label, module=token.module
    ).env()
    done = subprocess.run(
        [sys.executable, "-c", SIGN_IN_A_NEW_PROCESS, key.key_ref, never_backed_up.key_ref],
        cwd=BASE_DIR,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    jwks = client.get("/.well-known/jwks.json").json()
    restored_jws = answers[key.key_ref]
    assert json.loads(b64url_decode(restored_jws.split(".")[0]))["kid"] == key.kid
    assert independent_verify(restored_jws, jwks) == b"signed after restore"
    lost = never_backed_up.key_ref
    assert (
        answers[lost]
        == f"KeyUnavailable: PKCS#11 token {token.label!r} holds no public_key with CKA_ID {lost}"
    )


# --- Issuance with a real worker ---------------------------------------------------


def _approved(officer: User, exporter: User) -> Certificate:
    application = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="submitted")
    application_approve(application=application, actor=officer)
    return wait_until(
        lambda: Certificate.objects.filter(application=application).exclude(jws="").first(),
        timeout=30,
        message="the worker to sign the certificate",
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_issues_with_the_token_key_through_rotation_revocation_and_restart(
    client, token, redis_broker, tmp_path
):
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    env = token.env(PKCS11_PIN="", PKCS11_PIN_FILE=str(pin_file))
    officer = UserFactory(role=User.Role.OFFICER, organization=IssuerFactory(country="UZ", tax_id=""))
    exporter = UserFactory(role=User.Role.EXPORTER)
    first_key = signing_key_create(activate=True, issuer_country="UZ")
    signing_key_create(activate=True)  # the registry's: revocations are logged events it signs
    purge_broker()
    worker = WorkerProcess(concurrency=2, env=env).start()
    workers = [worker]
    try:
        first = _approved(officer, exporter)
        second_key = signing_key_rotate(issuer_country="UZ")
        second = _approved(officer, exporter)
        certificate_revoke(certificate=first, actor=officer, reason="issued in error")
        signing_key_revoke(kid=first_key.kid, compromised_at=timezone.now(), reason="ceremony drill")
        worker.stop()
        worker = WorkerProcess(concurrency=1, env=env).start()  # a new process, the same token key
        workers.append(worker)
        third = _approved(officer, exporter)
    finally:
        worker.stop()

    assert (first.kid, second.kid, third.kid) == (first_key.kid, second_key.kid, second_key.kid)
    assert SigningKey.objects.filter(backend="pkcs11").count() == 3
    assert not SoftwareKeyMaterial.objects.exists()
    jwks = client.get("/.well-known/jwks.json").json()
    for certificate in (first, second, third):
        assert independent_verify(certificate.jws, jwks) == bytes(certificate.canonical)
    assert all("KeyUnavailable" not in each.log for each in workers)


@pytest.mark.django_db
def test_a_session_the_token_closed_is_replaced_and_the_signature_still_made(token):
    key = signing_key_create(activate=True)
    lost = backend_module._current[0].session
    lost.close()  # as when the device restarts under a running process
    signature = get_backend("pkcs11").sign(key.key_ref, b"after the session was lost")
    assert backend_module._current[0].session is not lost
    assert verifies(key.public_key_bytes, signature, b"after the session was lost")
