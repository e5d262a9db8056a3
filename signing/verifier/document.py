"""One certificate: its JWS and document (``well_formed``), its signature and its validity dates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from signing.canonical import plain_json, require_canonical
from signing.jws import ACCEPTED_ED25519_ALGS, ED25519_SIGNATURE_LENGTH, TYP_CERTIFICATE, JWSError, ParsedJWS
from signing.times import rfc3339, rfc3339_or_date_parse
from signing.verifier.compact import Headers, parse_compact_cached
from signing.verifier.keys import PublicKeys
from signing.verifier.results import Checks

__all__ = [
    "CertificateDates",
    "SignedCertificate",
    "check_signature",
    "check_validity",
    "document_dates",
    "json_document",
    "parse_certificate",
]

_orjson_loads: Callable[[bytes], Any] | None
_orjson_dumps: Callable[..., bytes] | None
_ORJSON_SORT_KEYS = 0
try:  # optional: only makes batches faster
    from orjson import OPT_SORT_KEYS as _ORJSON_SORT_KEYS
    from orjson import dumps as _orjson_dumps
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - the standard library does the same, slower
    _orjson_loads = _orjson_dumps = None


class CertificateDates(NamedTuple):
    issued_at: datetime
    valid_from: date
    valid_until: date


class SignedCertificate(NamedTuple):
    """A well-formed certificate JWS, its signature not checked yet."""

    jws: ParsedJWS
    dates: CertificateDates
    number: str
    issuer_country: object = None


def parse_certificate(token: str, headers: Headers, checks: Checks) -> SignedCertificate | None:
    """``well_formed``: a compact JWS of typ ``certsvc-certificate+jws`` over a certificate document."""
    try:
        parsed = parse_compact_cached(token, headers)
        if parsed.typ != TYP_CERTIFICATE:
            raise ValueError(f"typ is {parsed.typ!r}, not {TYP_CERTIFICATE!r}")
        document = json_document(parsed.payload)
        _require_canonical(parsed.payload, document)
        dates = document_dates(document)
    except (JWSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        reason = str(exc) or "not a certificate document"
        checks.add("well_formed", False, "malformed", "not a certificate document: %(reason)s", reason=reason)
        return None
    checks.add("well_formed", True, "malformed")
    issuer = document.get("issuer")
    return SignedCertificate(
        parsed, dates, document["number"], issuer.get("country") if isinstance(issuer, dict) else None
    )


def json_document(payload: bytes) -> Any:
    """``json.loads`` of UTF-8 bytes; with orjson installed, tried first (4x faster on documents).

    Whatever orjson refuses (lone surrogates, ``NaN``…) is left to ``json.loads``, and so is any
    number: orjson reads an integer beyond 64 bits as a float, where the standard library keeps it
    exact. The verdict is therefore always the standard library's.
    """
    if _orjson_loads is not None:
        try:
            parsed = _orjson_loads(payload)
        except ValueError:
            pass
        else:
            if not _holds_float(parsed):
                return parsed
    return json.loads(payload.decode("utf-8"))


def _require_canonical(payload: bytes, document: Any) -> None:
    """``ValueError`` unless the payload is the RFC 8785 form of itself (which has no duplicate names).

    orjson writes exactly the RFC 8785 form of a value of ASCII member names, text, booleans, null
    and integers within ±2**53 (what documents hold), 40x faster than ``rfc8785``: when its bytes
    match, the payload is canonical; otherwise ``rfc8785`` gives the verdict.
    """
    if _orjson_dumps is not None and plain_json(document):
        if _orjson_dumps(document, option=_ORJSON_SORT_KEYS) == payload:
            return
    require_canonical(payload, document)


def _holds_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_holds_float(member) for member in value.values())
    if isinstance(value, list):
        return any(_holds_float(item) for item in value)
    return False


def document_dates(document: Any) -> CertificateDates:
    """The dates of a certificate document; ``ValueError`` if it is not one."""
    if not isinstance(document, dict) or not isinstance(document.get("number"), str):
        raise ValueError("the payload is not a certificate document")
    for member in ("issued_at", "valid_from", "valid_until"):
        # As the service checks it: a missing or non-text date is a malformed document, not a crash.
        if not isinstance(document.get(member), str):
            raise ValueError(f"the document has no {member}")
    return CertificateDates(
        issued_at=rfc3339_or_date_parse(document["issued_at"]),
        valid_from=date.fromisoformat(document["valid_from"]),
        valid_until=date.fromisoformat(document["valid_until"]),
    )


def check_signature(parsed: ParsedJWS, keys: PublicKeys, checks: Checks, country: object = None) -> bool:
    """``algorithm``, ``key_known`` and ``signature``; true when all three pass.

    ``key_known`` also asks that the key belongs to the body of the document's ``issuer.country``.
    """
    alg_ok = parsed.alg in ACCEPTED_ED25519_ALGS
    refused = None if alg_ok else "alg %(alg)s refused"
    checks.add("algorithm", alg_ok, "bad_signature", refused, alg=repr(parsed.alg))
    if not alg_ok:
        return False
    key = keys.get(parsed.kid)
    if key is None:
        return checks.add("key_known", False, "unknown_key", "kid %(kid)s is not in the JWKS", kid=parsed.kid)
    refusal = keys.certificate_key_refusal(parsed.kid, country) if isinstance(keys, PublicKeys) else None
    if refusal is not None:
        return checks.add("key_known", False, "unknown_key", refusal[0], **refusal[1])
    checks.add("key_known", True, "unknown_key")
    verified = _ed25519_verifies(parsed, key)
    return checks.add(
        "signature", verified, "bad_signature", None if verified else "the signature does not verify"
    )


def _ed25519_verifies(parsed: ParsedJWS, key: Ed25519PublicKey) -> bool:
    # The algorithm was checked before and the key is Ed25519 by construction (load_keys), which is
    # what verify_ed25519 would check again; calling the key directly keeps batches fast.
    if len(parsed.signature) != ED25519_SIGNATURE_LENGTH:
        return False
    try:
        key.verify(parsed.signature, parsed.signing_input)
    except InvalidSignature:
        return False
    return True


def check_validity(dates: CertificateDates, moment: datetime, checks: Checks) -> None:
    """``validity``: issued, and ``moment``'s UTC day within ``valid_from`` … ``valid_until``."""
    day = moment.astimezone(UTC).date()
    start, end = dates.valid_from.isoformat(), dates.valid_until.isoformat()
    if moment < dates.issued_at:
        checks.add(
            "validity", False, "not_yet_valid", "not issued until %(time)s", time=rfc3339(dates.issued_at)
        )
    elif day < dates.valid_from:
        checks.add("validity", False, "not_yet_valid", "valid from %(date)s", date=start)
    elif day > dates.valid_until:
        checks.add("validity", False, "expired", "expired after %(date)s", date=end)
    else:
        checks.add("validity", True, "valid", "valid %(start)s to %(end)s", start=start, end=end)
