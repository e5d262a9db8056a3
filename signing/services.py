"""Writes of the signing service: key lifecycle and JWS signing/verification.

Every state change runs in one transaction with the affected rows locked, and
sends its signal inside that transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from signing.backends import CreatedKey, get_backend
from signing.errors import NoActiveKey, SigningKeyNotFound, SigningKeyStateError
from signing.jws import (
    BadSignature,
    JWSError,
    MalformedJWS,
    UnknownKey,
    UnsupportedAlgorithm,
    b64url_encode,
    ed25519_header,
    encoded_header,
    jwk_thumbprint,
    parse_compact,
    sign_compact,
    sign_compact_with_header,
    verify_ed25519,
)
from signing.models import SigningKey, SigningKeyEvent
from signing.published import published_keys_changed
from signing.scopes import REGISTRY, scope_issuer_name
from signing.selectors import (
    signing_key_get_active,
    signing_key_get_for_verification,
    signing_keys_await_registry,
)
from signing.signals import signing_key_activated, signing_key_revoked

__all__ = [
    "BadSignature",
    "JWSError",
    "MalformedJWS",
    "SignedJWS",
    "UnknownKey",
    "UnsupportedAlgorithm",
    "VerifiedJWS",
    "jws_sign",
    "jws_sign_repeated",
    "jws_verify",
    "signing_kek_rewrap",
    "signing_key_activate",
    "signing_key_create",
    "signing_key_ensure_active",
    "signing_key_revoke",
    "signing_key_rotate",
    "signing_keys_rename_body",
]

logger = logging.getLogger(__name__)
Status = SigningKey.Status


@dataclass(frozen=True)
class SignedJWS:
    compact: str
    kid: str


@dataclass(frozen=True)
class VerifiedJWS:
    header: dict[str, Any]
    payload: bytes
    key: SigningKey


def signing_key_create(
    *,
    activate: bool = False,
    backend: str | None = None,
    actor: str = "",
    replace_active: bool = True,
    issuer_country: str = REGISTRY,
) -> SigningKey:
    """Generate a key in ``backend`` (default ``SIGNING_DEFAULT_BACKEND``); pending unless ``activate``.

    ``issuer_country``: the issuing body the key signs for (its country), or ``REGISTRY``; a body
    must be known to the resolver the certificates app registers (``signing.scopes``).
    ``actor`` names who asked (a username, or the management command) for the key's audit rows.
    """
    alias = backend or settings.SIGNING_DEFAULT_BACKEND
    issuer_name = scope_issuer_name(issuer_country)
    with transaction.atomic():
        key = _key_store(alias, get_backend(alias).create_key(), issuer_country, issuer_name)
        _record(key, action="created", from_status="", actor=actor)
        logger.info("signing key %s created in backend %s", key.kid, alias)
        if activate:
            key = signing_key_activate(kid=key.kid, actor=actor, replace_active=replace_active)
    return key


def _key_store(alias: str, created: CreatedKey, issuer_country: str, issuer_name: str) -> SigningKey:
    """The pending row of a key the backend ``alias`` just made: its public half, reference and scope."""
    return SigningKey.objects.create(
        kid=jwk_thumbprint(created.public_x),
        backend=alias,
        key_ref=created.key_ref,
        public_x=b64url_encode(created.public_x),
        issuer_country=issuer_country,
        issuer_name=issuer_name,
    )


def signing_key_activate(*, kid: str, actor: str = "", replace_active: bool = True) -> SigningKey:
    """Make a pending key the one active key; the previously active key becomes retired.

    The backend must prove it can sign with the key first, so a key whose private
    half is unreachable never becomes active. With ``replace_active=False`` an active key
    found under the lock is left alone and the activation refused. Only the active key of the
    same scope (body or registry) is retired: the other scopes' keys are untouched.
    """
    with transaction.atomic():
        key = _locked_key(kid)
        if key.status != Status.PENDING:
            raise SigningKeyStateError(f"key {kid} is {key.status}; only a pending key can be activated")
        get_backend(key.backend).check_usable(key.key_ref)
        now = timezone.now()
        previous = _retire_active_key(
            scope=key.issuer_country, now=now, actor=actor, replace_active=replace_active
        )
        _mark_active(key, now=now)
        _record(key, action="activated", from_status=Status.PENDING, actor=actor)
        signing_key_activated.send(sender=SigningKey, key=key, previous=previous)
    logger.info("signing key %s activated (previous: %s)", kid, previous.kid if previous else None)
    return key


def _retire_active_key(*, scope: str, now: datetime, actor: str, replace_active: bool) -> SigningKey | None:
    """The scope's active key, now retired and locked until the transaction ends; ``None`` if none."""
    active = SigningKey.objects.select_for_update().filter(status=Status.ACTIVE, issuer_country=scope)
    previous = active.first()
    if previous is not None and not replace_active:
        raise SigningKeyStateError(f"key {previous.kid} is already active")
    if previous is not None:
        previous.status, previous.retired_at = Status.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
        _record(previous, action="retired", from_status=Status.ACTIVE, actor=actor)
    return previous


def _mark_active(key: SigningKey, *, now: datetime) -> None:
    key.status, key.activated_at = Status.ACTIVE, now
    try:
        with transaction.atomic():
            key.save(update_fields=["status", "activated_at"])
    except IntegrityError as exc:
        raise SigningKeyStateError("another key was activated at the same time; retry") from exc


def signing_key_rotate(*, actor: str = "", issuer_country: str = REGISTRY) -> SigningKey:
    """A new active key of the scope; the scope's previously active key is retired (still verifies)."""
    return signing_key_create(activate=True, actor=actor, issuer_country=issuer_country)


def signing_key_revoke(*, kid: str, compromised_at: datetime, reason: str, actor: str = "") -> SigningKey:
    """Revoke a key as compromised since ``compromised_at``.

    Signatures made by it at or after that moment must be refused by verifiers
    (``SigningKey.was_compromised_at``). Revoking the active key leaves NO active
    key: nothing is signed until the next ``signing_key_rotate``.
    """
    _check_revocation(compromised_at=compromised_at, reason=reason)
    with transaction.atomic():
        key = _locked_key(kid)
        if key.status == Status.REVOKED:
            raise SigningKeyStateError(f"key {kid} is already revoked")
        from_status = key.status
        _mark_revoked(key, compromised_at=compromised_at, reason=reason.strip())
        _record(key, action="revoked", from_status=from_status, actor=actor, reason=key.revocation_reason)
        signing_key_revoked.send(sender=SigningKey, key=key)
    logger.warning("signing key %s revoked, compromised since %s", kid, compromised_at.isoformat())
    return key


def _check_revocation(*, compromised_at: datetime, reason: str) -> None:
    if timezone.is_naive(compromised_at):
        raise SigningKeyStateError("the compromise time needs a time zone", code="invalid_compromise_time")
    if compromised_at > timezone.now():
        raise SigningKeyStateError("the compromise time is in the future", code="invalid_compromise_time")
    if not reason.strip():
        raise SigningKeyStateError("a revocation needs a reason", code="reason_required")


def _mark_revoked(key: SigningKey, *, compromised_at: datetime, reason: str) -> None:
    key.status, key.revoked_at = Status.REVOKED, timezone.now()
    key.compromised_at, key.revocation_reason = compromised_at, reason
    key.save(update_fields=["status", "revoked_at", "compromised_at", "revocation_reason"])


def signing_key_ensure_active(*, issuer_country: str = REGISTRY) -> SigningKey:
    """The scope's active key, creating and activating one if there is none. Safe to call repeatedly."""
    try:
        return signing_key_get_active(issuer_country=issuer_country)
    except NoActiveKey:
        pass
    try:
        with transaction.atomic():
            # Never retire a key another process activated since our read: that one is fine.
            return signing_key_create(activate=True, replace_active=False, issuer_country=issuer_country)
    except SigningKeyStateError:
        return signing_key_get_active(issuer_country=issuer_country)


def signing_keys_rename_body(*, issuer_country: str, issuer_name: str) -> int:
    """The body of ``issuer_country`` is now called ``issuer_name``: its keys show the new name."""
    changed = SigningKey.objects.filter(issuer_country=issuer_country).exclude(issuer_name=issuer_name)
    count = changed.update(issuer_name=issuer_name)
    if count:
        published_keys_changed()
    return count


def signing_kek_rewrap() -> dict[str, int]:
    """Re-wrap stored data keys under the current KEK, for each backend that wraps keys."""
    results = {}
    for alias in settings.SIGNING_BACKENDS:
        backend = get_backend(alias)
        if hasattr(backend, "rewrap_data_keys"):
            results[alias] = backend.rewrap_data_keys()
    logger.info("data keys re-wrapped under KEK %s: %s", settings.SIGNING_KEK_ID, results)
    return results


def jws_sign(
    *,
    payload: bytes,
    typ: str,
    key: SigningKey | None = None,
    cty: str | None = None,
    issuer_country: str = REGISTRY,
) -> SignedJWS:
    """Sign ``payload`` with the scope's active key; raises ``NoActiveKey`` or ``KeyUnavailable``.

    ``issuer_country``: a body's country for its certificates and credentials; by default the
    registry, which signs everything else (CONTRACT §3 v1.1).
    ``key``: the active key when the caller has just read it (a verification reads it in the same
    query as the certificate). ``cty``: the content type of the payload, named in the header when
    given (a W3C credential is ``vc``). The signature is verified before it is returned, so a faulty
    backend can never hand out a JWS that does not verify.
    """
    key = key or _active_for_signing(issuer_country)
    backend = get_backend(key.backend)
    header: dict[str, str] = ed25519_header(kid=key.kid, typ=typ)
    if cty is not None:
        header["cty"] = cty
    compact = sign_compact(
        payload=payload,
        header=header,
        signer=lambda data: backend.sign(key.key_ref, data),
    )
    verify_ed25519(parse_compact(compact), key.public_key_bytes)
    return SignedJWS(compact=compact, kid=key.kid)


# Header parts by (kid, typ), and the (backend, key_ref, public_x) that signed correctly in this process.
_header_parts: dict[tuple[str, str], str] = {}
_sound_signers: set[tuple[str, str, str]] = set()


def jws_sign_repeated(*, payload: bytes, typ: str, key: SigningKey) -> str:
    """``jws_sign`` for answers signed many times a second with a key the caller has read (receipts).

    The header is serialized once per key and ``typ``. A backend whose signatures follow from the
    key (software: checked against its kid when unwrapped, deterministic Ed25519) has the first
    signature of each key verified in this process; any other backend has every signature verified.
    """
    backend = get_backend(key.backend)
    header_part = _header_parts.get((key.kid, typ))
    if header_part is None:
        header_part = _header_parts.setdefault(
            (key.kid, typ), encoded_header(ed25519_header(kid=key.kid, typ=typ))
        )
    compact = sign_compact_with_header(
        payload=payload, header_part=header_part, signer=lambda data: backend.sign(key.key_ref, data)
    )
    signer = (key.backend, key.key_ref, key.public_x)
    if not (backend.signatures_follow_from_key and signer in _sound_signers):
        verify_ed25519(parse_compact(compact), key.public_key_bytes)
        _sound_signers.add(signer)
    return compact


def _active_for_signing(issuer_country: str) -> SigningKey:
    """The scope's active key; an installation upgraded from one key set gets its registry key now.

    The data migration that gave the old keys to a body cannot make key material (the KEK is the
    backends'), so the first registry signature after it creates the registry's first key.
    """
    try:
        return signing_key_get_active(issuer_country=issuer_country)
    except NoActiveKey:
        if issuer_country != REGISTRY or not signing_keys_await_registry():
            raise
    with transaction.atomic():
        # First signatures racing here queue on the old keys' rows, so only one makes key material
        # in the backend; the others find its key (no orphaned private key in an HSM).
        list(SigningKey.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        logger.info("the registry's first key is created at its first use after the cut-over")
        return signing_key_ensure_active(issuer_country=REGISTRY)


def jws_verify(*, token: str, expected_typ: str | None = None) -> VerifiedJWS:
    """Check a compact JWS against the published keys; raises a ``JWSError`` subclass.

    A revoked key still verifies cryptographically: the caller decides by time
    with ``VerifiedJWS.key.was_compromised_at(signed_at)``.
    """
    parsed = parse_compact(token)
    if expected_typ is not None and parsed.typ != expected_typ:
        raise MalformedJWS(f"typ is {parsed.typ!r}, expected {expected_typ!r}")
    key = signing_key_get_for_verification(kid=parsed.kid)
    if key is None:
        raise UnknownKey(f"no published key has kid {parsed.kid!r}")
    verify_ed25519(parsed, key.public_key_bytes)
    return VerifiedJWS(header=parsed.header, payload=parsed.payload, key=key)


def _record(key: SigningKey, *, action: str, from_status: str, actor: str, reason: str = "") -> None:
    SigningKeyEvent.objects.create(
        key=key, action=action, from_status=from_status, to_status=key.status, actor=actor, reason=reason
    )


def _locked_key(kid: str) -> SigningKey:
    try:
        return SigningKey.objects.select_for_update().get(kid=kid)
    except SigningKey.DoesNotExist as exc:
        raise SigningKeyNotFound(f"no signing key has kid {kid!r}") from exc
