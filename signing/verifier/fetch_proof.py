"""``certsvc-verify fetch-proof NUMBER --url URL``: save, while online, what proves a certificate in the log.

The file (JSON, on standard output) holds the newest checkpoint with its witnesses' cosignatures and
the inclusion proof of the certificate under it: ``{"checkpoint": {…}, "inclusion": {…}}``. Offline,
``certsvc-verify CERT --bundle B --log-proof FILE --min-witnesses N`` checks it.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from signing.verifier.errors import VerifierError
from signing.verifier.online import ONLINE_TIMEOUT_SECONDS, service_url

__all__ = ["fetch_proof", "fetch_proof_main"]


def fetch_proof_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="certsvc-verify fetch-proof",
        description="Print a proof file: the newest checkpoint with its cosignatures and the certificate's "
        "inclusion proof under it.",
    )
    parser.add_argument("number", help="the certificate's number")
    parser.add_argument("--url", required=True, help="the service, e.g. https://certs.example")
    args = parser.parse_args(argv)
    try:
        saved = fetch_proof(args.url, args.number)
    except VerifierError as exc:
        print(f"certsvc-verify: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(saved, indent=2))
    if not saved["checkpoint"].get("cosignatures"):
        print("certsvc-verify: the checkpoint has no cosignatures yet; fetch again later", file=sys.stderr)
    return 0


def fetch_proof(base_url: str, number: str) -> dict[str, Any]:
    checkpoint = _get(service_url(base_url, "/api/v1/log/checkpoint", option="--url"))
    query = urllib.parse.urlencode({"number": number, "tree_size": checkpoint["tree_size"]})
    inclusion = _get(service_url(base_url, f"/api/v1/log/inclusion?{query}", option="--url"))
    return {"checkpoint": checkpoint, "inclusion": inclusion}


def _get(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=ONLINE_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310 - http(s) only
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise VerifierError(f"{url} answered {exc.code}: {exc.read()[:300]!r}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise VerifierError(f"cannot reach {url}: {exc}") from exc
