"""Witnesses of the log and their cosignatures (CONTRACT §11): registration, cosigning, what is published.

Who may be a witness's user is not the log's to know: ``settings.TRANSPARENCY_WITNESS_USER_CHECK``
(a dotted path to ``(user) -> bool``) answers it, as the number resolver does for entries.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework import status

from certsvc.problems import ProblemError
from signing.jws import JWSError, b64url_decode, b64url_encode, jwk_thumbprint, public_jwk
from signing.transparency.cosigning import MAX_CLOCK_SKEW, Cosigned, cosignature_parse, cosignature_verify
from signing.transparency.models import Checkpoint, Cosignature, Witness, WitnessEvent
from signing.transparency.services import checkpoint_body

__all__ = [
    "WitnessError",
    "checkpoint_cosignatures",
    "cosignature_submit",
    "witness_register",
    "witness_set_active",
    "witnesses_cosigned_sizes",
    "witnesses_jwks",
]

logger = logging.getLogger(__name__)


class WitnessError(ProblemError):
    """A cosignature or registration the service refuses (400 unless said otherwise)."""

    status_code = status.HTTP_400_BAD_REQUEST


def witness_register(*, name: str, user: Any, public_key: str, actor: str = "") -> Witness:
    """Register an active witness whose cosignatures ``user`` posts; ``public_key`` is its base64url ``x``."""
    x = _public_x(public_key)
    if not _user_may_witness(user):
        raise WitnessError("witness_user_refused", _("The witness's user must be an active customs user."))
    name = name.strip()
    if not name:
        raise WitnessError("witness_key_invalid", _("A witness needs a name."))
    try:
        with transaction.atomic():
            witness = Witness.objects.create(
                name=name, kid=jwk_thumbprint(x), public_x=b64url_encode(x), user=user
            )
            _record(witness, "registered", actor=actor, detail=f"user {user}")
    except IntegrityError as exc:  # the name and the key are each unique
        raise WitnessError(
            "witness_exists", _("A witness with this name or key is already registered.")
        ) from exc
    logger.info("witness %s registered with key %s", name, witness.kid)
    return witness


def _public_x(public_key: str) -> bytes:
    try:
        x = b64url_decode(public_key.strip())
    except ValueError:
        x = b""
    if len(x) != 32:
        raise WitnessError("witness_key_invalid", _("The public key is not 32 bytes of unpadded base64url."))
    return x


def _user_may_witness(user: Any) -> bool:
    check_path = getattr(settings, "TRANSPARENCY_WITNESS_USER_CHECK", "")
    return bool(import_string(check_path)(user)) if check_path else bool(getattr(user, "is_active", False))


def witness_set_active(*, witness: Witness, active: bool, actor: str = "") -> Witness:
    """Start or stop accepting (and publishing) a witness's cosignatures."""
    with transaction.atomic():
        witness = Witness.objects.select_for_update().get(pk=witness.pk)
        if witness.active != active:
            witness.active = active
            witness.save(update_fields=["active"])
            _record(witness, "activated" if active else "deactivated", actor=actor)
    return witness


def witnesses_jwks() -> dict[str, list[dict[str, str]]]:
    """``{"keys": [...]}``: each active witness's JWK with its ``name``."""
    return {"keys": [_witness_jwk(witness) for witness in Witness.objects.filter(active=True)]}


def _witness_jwk(witness: Witness) -> dict[str, str]:
    return {**public_jwk(witness.public_key_bytes, witness.kid), "name": witness.name}


def checkpoint_cosignatures(*, checkpoint: Checkpoint) -> list[dict[str, str]]:
    """``[{"name", "kid", "signature"}]`` of the active witnesses that cosigned ``checkpoint``."""
    rows = Cosignature.objects.filter(checkpoint_id=checkpoint.pk, witness__active=True)
    rows = rows.select_related("witness").order_by("witness__name")
    return [{"name": row.witness.name, "kid": row.witness.kid, "signature": row.signature} for row in rows]


def witnesses_cosigned_sizes() -> QuerySet[Witness]:
    """Every witness with ``cosigned_size``: the largest tree size it cosigned (``None`` if none)."""
    return Witness.objects.annotate(cosigned_size=Max("cosignatures__checkpoint__tree_size"))


def cosignature_submit(*, user: Any, signature: str, now: datetime | None = None) -> tuple[Cosignature, bool]:
    """Store a witness's cosignature of an issued checkpoint; ``(row, created)``, created False when
    that witness already cosigned that tree size.

    Refused (``WitnessError``, 400): a token that is no cosignature or does not verify, a kid of no
    active witness of ``user``, a checkpoint the service never issued, ``cosigned_at`` more than
    ``MAX_CLOCK_SKEW`` from the checkpoint's timestamp or from the service's clock.
    """
    cosigned = _parsed(signature)
    witness = _witness_of(user, cosigned.kid)
    _verified(signature, witness)
    checkpoint = _issued_checkpoint(cosigned)
    _check_clocks(cosigned.cosigned_at, checkpoint.timestamp, now or timezone.now())
    with transaction.atomic():
        locked = Witness.objects.select_for_update().get(pk=witness.pk)
        if not locked.active:  # deactivated since it was looked up
            raise WitnessError(
                "witness_unknown", _("No active witness of this user has key %(kid)s.") % {"kid": witness.kid}
            )
        existing = Cosignature.objects.filter(witness=witness, checkpoint=checkpoint).first()
        if existing is not None:
            return existing, False
        row = Cosignature.objects.create(
            witness=witness, checkpoint=checkpoint, signature=signature, cosigned_at=cosigned.cosigned_at
        )
        _record(witness, "cosigned", actor=str(user), detail=f"tree size {checkpoint.tree_size}")
    return row, True


def _parsed(signature: str) -> Cosigned:
    try:
        return cosignature_parse(signature)
    except JWSError as exc:
        raise WitnessError(
            "cosignature_bad_signature", _("Not a cosignature: %(error)s") % {"error": exc}
        ) from exc


def _witness_of(user: Any, kid: str) -> Witness:
    witness = Witness.objects.filter(kid=kid, active=True, user_id=getattr(user, "pk", 0) or 0).first()
    if witness is None:
        raise WitnessError(
            "witness_unknown", _("No active witness of this user has key %(kid)s.") % {"kid": kid}
        )
    return witness


def _verified(signature: str, witness: Witness) -> None:
    try:
        cosignature_verify(signature, witness.public_key_bytes)
    except JWSError as exc:
        raise WitnessError(
            "cosignature_bad_signature", _("The cosignature does not verify: %(error)s") % {"error": exc}
        ) from exc


def _issued_checkpoint(cosigned: Cosigned) -> Checkpoint:
    body = cosigned.checkpoint
    size = body.get("tree_size")
    checkpoint = Checkpoint.objects.filter(tree_size=size).first() if type(size) is int else None
    if (
        checkpoint is None
        or checkpoint_body(
            tree_size=checkpoint.tree_size,
            root_hash=bytes(checkpoint.root_hash),
            timestamp=checkpoint.timestamp,
        )
        != body
    ):
        raise WitnessError(
            "checkpoint_not_issued",
            _("The service never issued a checkpoint with this size, root and timestamp."),
        )
    return checkpoint


def _check_clocks(cosigned_at: datetime, timestamp: datetime, now: datetime) -> None:
    if abs(cosigned_at - timestamp) > MAX_CLOCK_SKEW or abs(cosigned_at - now) > MAX_CLOCK_SKEW:
        raise WitnessError(
            "cosignature_clock_skew",
            _(
                "cosigned_at is more than 10 minutes from the checkpoint's timestamp or from the service's "
                "clock."
            ),
        )


def _record(witness: Witness, action: str, *, actor: str = "", detail: str = "") -> None:
    WitnessEvent.objects.create(witness=witness, action=action, actor=actor, detail=detail)
