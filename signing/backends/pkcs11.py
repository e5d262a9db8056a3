"""PKCS#11 backend: Ed25519 keys generated and used inside a hardware token (or SoftHSM).

The private key never leaves the token: it is generated there (``CKM_EC_EDWARDS_KEY_PAIR_GEN``
over curve 1.3.101.112) as a token object that is sensitive and not extractable, and the
token signs with ``CKM_EDDSA``. The database keeps only ``key_ref``, the hex ``CKA_ID``
that both halves carry; their ``CKA_LABEL`` is the key's kid, so an operator can match
the token's objects to the published keys (``pkcs11-tool --list-objects``).

Settings: ``PKCS11_MODULE`` (the vendor's library), ``PKCS11_TOKEN_LABEL`` and ``PKCS11_PIN``
(or ``PKCS11_PIN_FILE``). Each process opens one session and logs in on first use; one
operation at a time goes through it (a lock), and a process that finds itself forked
(Celery prefork, gunicorn) initialises the library again and opens its own session, since
PKCS#11 sessions do not survive a fork. A PIN the token refused is not tried again by the
process, so that readiness probes cannot lock the token's user PIN; anything else that
fails raises ``KeyUnavailable`` and the next operation opens a new session.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pkcs11
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pkcs11.util.ec import encode_named_curve_parameters

from signing.backends.base import CreatedKey, SigningBackend
from signing.errors import KeyUnavailable
from signing.jws import jwk_thumbprint

if TYPE_CHECKING:
    from pkcs11._pkcs11 import lib as Library

__all__ = ["ED25519_OID", "Pkcs11Backend", "public_key_from_ec_point", "token_check", "token_sessions_reset"]

ED25519_OID = "1.3.101.112"
KEY_ID_BYTES = 16
_PROBE = b"certsvc signing backend probe"
# After these the session is not worth keeping; the operation is tried once more on a new one.
_SESSION_LOST = (
    p11.SessionHandleInvalid,
    p11.SessionClosed,
    p11.UserNotLoggedIn,
    p11.DeviceRemoved,
    p11.TokenNotPresent,
    p11.DeviceError,
)
_PIN_REFUSED = (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange, p11.PinExpired, p11.PinLocked)
T = TypeVar("T")


@dataclass(frozen=True)
class _Config:
    module: str
    token_label: str
    pin: str = field(repr=False)

    def fingerprint(self, serial: bytes) -> str:
        """Names this PIN for this token (a token initialised again has a new serial number)."""
        return hashlib.sha256(f"{self.module}\0{serial.hex()}\0{self.pin}".encode()).hexdigest()


@dataclass
class _Connection:
    pid: int
    config: _Config
    session: pkcs11.Session
    objects: dict[tuple[str, ObjectClass], Any] = field(default_factory=dict)


# One connection per process, and the loaded libraries (never unloaded: unloading finalises).
_lock = threading.Lock()
_current: list[_Connection] = []
_libraries: dict[str, tuple[int, Library]] = {}
_refused_pins: dict[str, str] = {}  # the fingerprint of each refused configuration: the token's answer


def _after_fork_in_child() -> None:
    global _lock
    # A lock held by another thread of the parent stays held in the child: take a new one.
    _lock = threading.Lock()
    # The parent's session is not closed here: its handle means nothing in this process.
    _current.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _config() -> _Config:
    module = settings.PKCS11_MODULE
    if not module:
        raise KeyUnavailable("the pkcs11 signing backend needs PKCS11_MODULE (the token's PKCS#11 library)")
    if not settings.PKCS11_PIN:
        raise KeyUnavailable("the pkcs11 signing backend needs PKCS11_PIN (or PKCS11_PIN_FILE)")
    return _Config(module=module, token_label=settings.PKCS11_TOKEN_LABEL, pin=settings.PKCS11_PIN)


def _library(module: str) -> Library:
    """The loaded library, initialised again in a process forked since it was loaded."""
    loaded = _libraries.get(module)
    if loaded is None:
        loaded = (os.getpid(), pkcs11.lib(module))
    elif loaded[0] != os.getpid():
        # A library that noticed the fork itself has already forgotten the parent's state.
        with contextlib.suppress(pkcs11.PKCS11Error):
            loaded[1].finalize()
        loaded[1].initialize()
        loaded = (os.getpid(), loaded[1])
    _libraries[module] = loaded
    return loaded[1]


def _open(config: _Config) -> _Connection:
    token = _library(config.module).get_token(token_label=config.token_label)
    fingerprint = config.fingerprint(token.serial)
    if fingerprint in _refused_pins:
        raise KeyUnavailable(
            f"PKCS#11 token {config.token_label!r} refused the login with PKCS11_PIN "
            f"({_refused_pins[fingerprint]}) earlier; not tried again, so the token does not lock the PIN: "
            "correct the PIN and restart the process"
        )
    try:
        session = token.open(user_pin=config.pin, rw=True)
    except p11.UserAlreadyLoggedIn:
        # The login belongs to the process (the library), not to one session: it still holds.
        session = token.open(rw=True)
    except _PIN_REFUSED as exc:
        _refused_pins[fingerprint] = type(exc).__name__
        raise KeyUnavailable(
            f"PKCS#11 token {config.token_label!r} refused the login with PKCS11_PIN ({type(exc).__name__})"
        ) from exc
    return _Connection(pid=os.getpid(), config=config, session=session)


def _connection() -> _Connection:
    config = _config()
    if _current and _current[0].pid == os.getpid() and _current[0].config == config:
        return _current[0]
    _drop()
    _current.append(_open(config))
    return _current[0]


def _drop() -> None:
    """Forget this process's session, closing it when it is this process's own."""
    if _current and _current[0].pid == os.getpid():
        with contextlib.suppress(pkcs11.PKCS11Error):
            _current[0].session.close()
    _current.clear()


def token_sessions_reset() -> None:
    """Close this process's session and finalise the libraries it loaded.

    The next operation initialises the library again, which reads the token configuration
    afresh (SoftHSM: ``SOFTHSM2_CONF`` and its token directory, e.g. a restored one).
    """
    with _lock:
        _drop()
        for _pid, library in _libraries.values():
            with contextlib.suppress(pkcs11.PKCS11Error):
                library.finalize()
        _libraries.clear()


def _call(action: Callable[[_Connection], T]) -> T:
    """Run ``action`` on this process's session; every token failure becomes ``KeyUnavailable``."""
    with _lock:
        try:
            return _with_one_retry(action)
        except pkcs11.PKCS11Error as exc:
            _drop()
            label = settings.PKCS11_TOKEN_LABEL
            raise KeyUnavailable(
                f"PKCS#11 token {label!r} failed: {type(exc).__name__} {exc}".strip()
            ) from exc


def _with_one_retry(action: Callable[[_Connection], T]) -> T:
    try:
        return action(_connection())
    except _SESSION_LOST:
        _drop()
        return action(_connection())


def _find(connection: _Connection, key_ref: str, object_class: ObjectClass) -> Any:
    """The token object of ``key_ref`` (kept for the session's life: a handle is valid until then)."""
    cached = connection.objects.get((key_ref, object_class))
    if cached is not None:
        return cached
    try:
        found = connection.session.get_key(
            object_class=object_class, key_type=KeyType.EC_EDWARDS, id=_id(key_ref)
        )
    except p11.NoSuchKey as exc:
        raise KeyUnavailable(
            f"PKCS#11 token {connection.config.token_label!r} holds no {object_class.name.lower()} "
            f"with CKA_ID {key_ref}"
        ) from exc
    connection.objects[(key_ref, object_class)] = found
    return found


def _id(key_ref: str) -> bytes:
    try:
        return bytes.fromhex(key_ref)
    except ValueError as exc:
        raise KeyUnavailable(f"{key_ref!r} is not a PKCS#11 key reference (a hex CKA_ID)") from exc


def public_key_from_ec_point(ec_point: bytes) -> bytes:
    """The raw 32-byte key in ``CKA_EC_POINT``: a DER OCTET STRING (04 20 …), or the raw bytes."""
    if len(ec_point) == 34 and ec_point[:2] == b"\x04\x20":
        return ec_point[2:]
    if len(ec_point) == 32:
        return ec_point
    raise KeyUnavailable(f"CKA_EC_POINT of {len(ec_point)} bytes is not an Ed25519 public key")


def _templates(key_id: bytes) -> tuple[dict[Attribute, Any], dict[Attribute, Any]]:
    label = f"certsvc {key_id.hex()}"
    public = {
        Attribute.TOKEN: True,
        Attribute.PRIVATE: False,
        Attribute.VERIFY: True,
        Attribute.ID: key_id,
        Attribute.LABEL: label,
        Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID),
    }
    private = {
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.SIGN: True,
        Attribute.ID: key_id,
        Attribute.LABEL: label,
    }
    return public, private


def _generate(connection: _Connection) -> CreatedKey:
    key_id = secrets.token_bytes(KEY_ID_BYTES)
    public_template, private_template = _templates(key_id)
    public, private = connection.session.generate_keypair(
        KeyType.EC_EDWARDS,
        mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
        public_template=public_template,
        private_template=private_template,
        store=True,
    )
    public_x = public_key_from_ec_point(public[Attribute.EC_POINT])
    _label(jwk_thumbprint(public_x), public, private)
    return CreatedKey(key_ref=key_id.hex(), public_x=public_x)


def _label(kid: str, *objects: Any) -> None:
    """Name both halves by the kid; a token whose labels are read-only keeps the provisional one."""
    for obj in objects:
        with contextlib.suppress(p11.AttributeReadOnly):
            obj[Attribute.LABEL] = kid


def _public_x(connection: _Connection, key_ref: str) -> bytes:
    return public_key_from_ec_point(_find(connection, key_ref, ObjectClass.PUBLIC_KEY)[Attribute.EC_POINT])


def _probe(connection: _Connection, key_ref: str) -> None:
    signature = _find(connection, key_ref, ObjectClass.PRIVATE_KEY).sign(_PROBE, mechanism=Mechanism.EDDSA)
    public_x = public_key_from_ec_point(
        _find(connection, key_ref, ObjectClass.PUBLIC_KEY)[Attribute.EC_POINT]
    )
    try:
        Ed25519PublicKey.from_public_bytes(public_x).verify(signature, _PROBE)
    except InvalidSignature as exc:
        raise KeyUnavailable(f"the private key {key_ref} does not match its public key in the token") from exc


def token_check() -> dict[str, str]:
    """Readiness of the configured token: the library loads and the login succeeds."""
    return _call(lambda connection: {"token": connection.config.token_label})


class Pkcs11Backend(SigningBackend):
    def create_key(self) -> CreatedKey:
        return _call(_generate)

    def public_key(self, key_ref: str) -> bytes:
        return _call(lambda c: _public_x(c, key_ref))

    def sign(self, key_ref: str, data: bytes) -> bytes:
        signature: bytes = _call(
            lambda c: _find(c, key_ref, ObjectClass.PRIVATE_KEY).sign(data, mechanism=Mechanism.EDDSA)
        )
        return signature

    def check_usable(self, key_ref: str) -> None:
        _call(lambda c: _probe(c, key_ref))
