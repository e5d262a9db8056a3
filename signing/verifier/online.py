"""Asking the service (``POST /api/v1/verify/``) when a connection is available.

Its answer counts only with a receipt signed with a published key over exactly that
answer; it adds what cannot be known offline (``registry``, ``not_found``, the latest status).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from signing.canonical import canonicalize
from signing.jws import TYP_RECEIPT, JWSError, parse_compact, verify_ed25519
from signing.verifier.errors import VerifierError
from signing.verifier.keys import PublicKeys
from signing.verifier.results import Result, rank

__all__ = ["ONLINE_TIMEOUT_SECONDS", "ask_service", "merged"]

ONLINE_TIMEOUT_SECONDS = 15


def ask_service(base_url: str, body: dict[str, Any], keys: PublicKeys) -> Result:
    """The service's answer to ``body`` (``number`` or ``document``), once its receipt verifies."""
    answer = _post_json(base_url.rstrip("/") + "/api/v1/verify/", body)
    _check_receipt(answer, keys)
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


def _check_receipt(answer: dict[str, Any], keys: PublicKeys) -> None:
    try:
        parsed = parse_compact(answer["receipt"])
        key = keys.get(parsed.kid)
        if parsed.typ != TYP_RECEIPT or key is None:
            raise VerifierError("the answer's receipt is not signed with a published key")
        verify_ed25519(parsed, key)
    except (JWSError, KeyError, TypeError) as exc:
        raise VerifierError(f"the answer's receipt does not verify: {exc}") from exc
    if parsed.payload != canonicalize({k: v for k, v in answer.items() if k != "receipt"}):
        raise VerifierError("the answer's receipt does not sign this answer")


def _post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise VerifierError(f"--online needs an http(s) URL, not {url!r}")
    answer = _send(url, _json_request(url, body))
    if not isinstance(answer, dict) or not isinstance(answer.get("checks"), list) or "status" not in answer:
        raise VerifierError("the service's answer is not a verification result")
    return answer


def _json_request(url: str, body: dict[str, Any]) -> urllib.request.Request:
    return urllib.request.Request(  # noqa: S310 (scheme checked by the caller)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
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
