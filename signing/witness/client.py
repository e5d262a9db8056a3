"""The few calls a witness makes to the service: JSON over https (plain http only to loopback)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from signing.verifier.errors import VerifierError
from signing.verifier.online import service_url
from signing.witness.state import WitnessFailure

__all__ = ["Service"]

TIMEOUT_SECONDS = 30


class Service:
    """The service at ``base_url``, asked with ``token`` (``Authorization: Token …``) when given."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        try:
            service_url(base_url, "/", option="--url")
        except VerifierError as exc:
            raise WitnessFailure(str(exc)) from exc
        self.base_url = base_url.rstrip("/")
        self.token = token

    def get(self, path: str, **query: int | str) -> Any:
        url = self.base_url + path + (("?" + urllib.parse.urlencode(query)) if query else "")
        return self._send(urllib.request.Request(url, headers=self._headers()))  # noqa: S310 - scheme checked

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={**self._headers(), "Content-Type": "application/json"},
            method="POST",
        )
        status, answer = self._send(request, with_status=True)
        return int(status), answer

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        return headers

    def _send(self, request: urllib.request.Request, *, with_status: bool = False) -> Any:
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310 - http(s) only
                answer = json.loads(response.read())
                return (response.status, answer) if with_status else answer
        except urllib.error.HTTPError as exc:
            raise WitnessFailure(f"{request.full_url} answered {exc.code}: {exc.read()[:500]!r}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise WitnessFailure(f"cannot reach {request.full_url}: {exc}") from exc
