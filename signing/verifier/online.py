"""Asking the service (``POST /api/v1/verify/``) when a connection is available.

Its answer counts only when it is bound to the question (CONTRACT §4 v1.1): a receipt signed with
a published key that is not revoked, over exactly that answer; the ``nonce`` this request sent;
the number asked about (or the number of the document sent, and that document's SHA-256); and a
``checked_at`` within five minutes of this computer's clock. Plain ``http://`` is refused except
to the loopback interface, before any connection. The answer adds what cannot be known offline
(``registry``, ``not_found``, the latest status).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from signing.canonical import canonicalize
from signing.jws import TYP_RECEIPT, JWSError, b64url_encode, parse_compact, verify_ed25519
from signing.times import rfc3339_or_date_parse
from signing.verifier.errors import VerifierError
from signing.verifier.keys import Compromises, PublicKeys, refuse_revoked_signer
from signing.verifier.results import Result, rank

__all__ = [
    "MAX_ANSWER_AGE",
    "ONLINE_TIMEOUT_SECONDS",
    "ask_service",
    "document_sha256",
    "merged",
    "service_url",
]

ONLINE_TIMEOUT_SECONDS = 15
MAX_ANSWER_AGE = timedelta(minutes=5)


def ask_service(
    base_url: str,
    body: dict[str, Any],
    keys: PublicKeys,
    *,
    compromised: Compromises | None = None,
    number: str | None = None,
    language: str = "en",
) -> Result:
    """The service's answer to ``body`` (``number`` or ``document``), once bound to it.

    ``number``: the number the answer must be about (default: the one asked about); ``language``:
    the one the service is asked to write its details in (``Accept-Language``).
    """
    url = verify_url(base_url)
    question = {**body, "nonce": secrets.token_urlsafe(24)}
    answer = _post_json(url, question, language)
    _check_receipt(answer, keys, compromised)
    _check_bound(answer, question, number if number is not None else _asked_number(body))
    return Result(
        valid=answer["status"] == "valid",
        status=answer["status"],
        number=answer.get("number"),
        checks=[*answer["checks"], {"name": "receipt", "ok": True}],
    )


def merged(offline: Result, online: Result) -> Result:
    """The offline checks and the online ones not run offline; the earlier status in precedence wins."""
    status = min(offline.status, online.status, key=rank)
    seen = {check["name"] for check in offline.checks}
    extra = [check for check in online.checks if check["name"] not in seen]
    return Result(status == "valid", status, offline.number, [*offline.checks, *extra])


def verify_url(base_url: str) -> str:
    """The verify endpoint of ``base_url``: https, or plain http to a loopback address only."""
    return service_url(base_url, "/api/v1/verify/", option="--online")


def service_url(base_url: str, path: str, *, option: str) -> str:
    """``path`` on the service at ``base_url`` (given as ``option``): https, or http to loopback only."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise VerifierError(f"{option} needs an https URL, not {base_url!r}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise VerifierError(
            f"{option} refuses plain http to {parts.hostname}: anyone on the way could answer; use https "
            "(plain http only to this computer's loopback address)"
        )
    return base_url.rstrip("/") + path


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def document_sha256(document: str) -> str:
    """Base64url (no padding) SHA-256 of a compact JWS as sent, as the service's answer carries it."""
    return b64url_encode(hashlib.sha256(document.encode("utf-8")).digest())


def _asked_number(body: dict[str, Any]) -> str | None:
    number = body.get("number")
    return number.strip() if isinstance(number, str) else None


def _check_receipt(answer: dict[str, Any], keys: PublicKeys, compromised: Compromises | None) -> None:
    try:
        parsed = parse_compact(answer["receipt"])
        key = keys.get(parsed.kid)
        if parsed.typ != TYP_RECEIPT or key is None:
            raise VerifierError("the answer's receipt is not signed with a published key")
        verify_ed25519(parsed, key)
    except (JWSError, KeyError, TypeError) as exc:
        raise VerifierError(f"the answer's receipt does not verify: {exc}") from exc
    refuse_revoked_signer(compromised, parsed.kid, "the answer's receipt")
    keys.require_registry_key(parsed.kid, _signed_time(answer), "the answer's receipt")
    if parsed.payload != canonicalize({k: v for k, v in answer.items() if k != "receipt"}):
        raise VerifierError("the answer's receipt does not sign this answer")


def _signed_time(answer: dict[str, Any]) -> datetime | None:
    try:
        return rfc3339_or_date_parse(str(answer["checked_at"]))
    except (KeyError, ValueError):
        return None


def _check_bound(answer: dict[str, Any], question: dict[str, Any], number: str | None) -> None:
    """``VerifierError`` unless the signed answer answers ``question`` now (not a replay)."""
    if answer.get("nonce") != question["nonce"]:
        raise VerifierError("the answer does not carry this request's nonce: it answers another request")
    if number is not None and answer.get("number") != number:
        raise VerifierError(f"the answer is about number {answer.get('number')!r}, not {number!r}")
    if "document" in question and answer.get("document_sha256") != document_sha256(question["document"]):
        raise VerifierError("the answer's document_sha256 is not that of the document sent")
    _check_moment(answer, question)
    _check_fresh(answer)


def _check_moment(answer: dict[str, Any], question: dict[str, Any]) -> None:
    """An answer about ``at`` is about the moment asked."""
    if "at" in question and _moment(answer.get("at"), "at") != _moment(question["at"], "at"):
        raise VerifierError(f"the answer is about {answer.get('at')!r}, not {question['at']!r}")


def _check_fresh(answer: dict[str, Any]) -> None:
    checked_at = _moment(answer.get("checked_at"), "checked_at")
    if abs(datetime.now(UTC) - checked_at) > MAX_ANSWER_AGE:
        raise VerifierError(
            f"the answer's checked_at {answer['checked_at']} is more than 5 minutes from this "
            "computer's clock: an old answer, or a clock to set"
        )


def _moment(text: Any, name: str) -> datetime:
    try:
        return rfc3339_or_date_parse(text)
    except (TypeError, ValueError) as exc:
        raise VerifierError(f"the answer's {name} is not a time: {text!r}") from exc


def _post_json(url: str, body: dict[str, Any], language: str) -> dict[str, Any]:
    answer = _send(url, _json_request(url, body, language))
    if not isinstance(answer, dict) or not isinstance(answer.get("checks"), list) or "status" not in answer:
        raise VerifierError("the service's answer is not a verification result")
    return answer


def _json_request(url: str, body: dict[str, Any], language: str) -> urllib.request.Request:
    return urllib.request.Request(  # noqa: S310 (scheme checked by verify_url)
        url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Language": language,
        },
        method="POST",
    )


def _send(url: str, request: urllib.request.Request) -> Any:
    """The decoded JSON answer; ``VerifierError`` for an error status, no connection or no JSON."""
    try:
        with urllib.request.urlopen(request, timeout=ONLINE_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310 - http(s) only
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise VerifierError(f"the service answered {exc.code}: {exc.read()[:300]!r}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise VerifierError(f"cannot ask the service at {url}: {exc}") from exc
