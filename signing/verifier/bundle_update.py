"""``certsvc-verify bundle-update``: keep a local status bundle current from the service's deltas.

The file holds the last full bundle and the deltas applied since, one compact JWS a line, so that
every entry the offline verifier uses is signed. Each update asks ``?since=`` the file's latest
``issued_at``; a delta is kept only if it verifies against the JWKS and its ``since`` is that
``issued_at``. A ``409 delta_unavailable`` (or a file that is missing, unusable or holds
``--max-deltas`` deltas) fetches the whole bundle instead. The file is replaced atomically.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from signing.canonical import canonical_parse
from signing.jws import parse_compact
from signing.verifier.bundle import LoadedBundle, bundle_delta_applied, read_bundle_chain
from signing.verifier.errors import BundleError, VerifierError
from signing.verifier.keys import Compromises, PublicKeys, load_compromises, load_keys
from signing.verifier.online import ONLINE_TIMEOUT_SECONDS, service_url

__all__ = ["MAX_BUNDLE_BYTES", "BundleUpdate", "bundle_update", "bundle_update_main"]

MAX_BUNDLE_BYTES = 256 * 1024 * 1024  # decoded: a gzip bomb stops here
DEFAULT_MAX_DELTAS = 168  # a week of hourly updates, then the whole bundle again


class BundleUpdate(NamedTuple):
    """What an update did: ``full`` (the whole bundle), ``delta`` (one applied) or ``current``."""

    kind: str
    bundle: LoadedBundle
    changes: int
    note: str = ""


class _Answer(NamedTuple):
    status: int
    text: str


def bundle_update(
    path: str,
    base_url: str,
    keys: PublicKeys,
    *,
    compromised: Compromises | None = None,
    max_deltas: int = DEFAULT_MAX_DELTAS,
) -> BundleUpdate:
    """Bring the bundle file at ``path`` up to the service's current bundle; ``VerifierError`` if refused."""
    url = service_url(base_url, "/api/v1/status/bundle", option="--url")
    held, note = _held(path, keys, compromised)
    if held is None or held[1].deltas >= max_deltas:
        return _whole(path, url, keys, compromised, note)
    text, local = held
    answer = _get(f"{url}?{urllib.parse.urlencode({'since': local.issued_at_text})}")
    if answer.status == 409:
        return _whole(path, url, keys, compromised, "the service has no delta from the file's bundle")
    updated = bundle_delta_applied(local, answer.text, keys)
    if updated.issued_at_text == local.issued_at_text:
        return BundleUpdate("current", local, 0)
    merged = f"{text.strip()}\n{answer.text.strip()}\n"
    checked = read_bundle_chain(merged, keys, compromised)  # the whole chain, as verify will read it
    _write(path, merged)
    return BundleUpdate("delta", checked, _changes(answer.text))


def _held(
    path: str, keys: PublicKeys, compromised: Compromises | None
) -> tuple[tuple[str, LoadedBundle] | None, str]:
    """The file's text and verified state; ``None`` and why when there is none to update."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifierError(f"cannot read {path}: {exc}") from exc
    try:
        return (text, read_bundle_chain(text, keys, compromised)), ""
    except BundleError as exc:
        return None, f"the file's bundle was not used: {exc}"


def _whole(path: str, url: str, keys: PublicKeys, compromised: Compromises | None, note: str) -> BundleUpdate:
    answer = _get(url)
    if answer.status != 200:
        raise VerifierError(f"the service answered {answer.status} for the status bundle")
    bundle = read_bundle_chain(answer.text, keys, compromised)
    if bundle.deltas:
        raise BundleError("the service answered more than one bundle")
    if datetime.now(UTC) > bundle.next_update:
        raise BundleError(f"the service's status bundle expired at {bundle.next_update_text}")
    _write(path, answer.text.strip() + "\n")
    return BundleUpdate("full", bundle, len(bundle.status.entries), note)


def _changes(token: str) -> int:
    """How many entries the (verified) delta ``token`` carries."""
    return len(canonical_parse(parse_compact(token.strip()).payload)["entries"])


def _get(url: str) -> _Answer:
    """The status answer (gzip accepted); 409 as a status, any other error as ``VerifierError``."""
    request = urllib.request.Request(  # noqa: S310 (scheme checked by service_url)
        url,
        headers={
            "Accept": "application/jose, application/problem+json, */*;q=0.1",
            "Accept-Encoding": "gzip",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=ONLINE_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310 - http(s) only
            return _Answer(
                response.status, _decoded(response.read(), response.headers.get("Content-Encoding"))
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 409 and _problem_code(exc.read()) == "delta_unavailable":
            return _Answer(409, "")
        raise VerifierError(f"the service answered {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise VerifierError(f"cannot fetch {url}: {exc}") from exc


def _decoded(raw: bytes, encoding: str | None) -> str:
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(raw, MAX_BUNDLE_BYTES)
        if inflater.unconsumed_tail:
            raise VerifierError(f"the status bundle decodes to more than {MAX_BUNDLE_BYTES} bytes")
    elif encoding not in (None, "identity"):
        raise VerifierError(f"the service sent the bundle in an unknown encoding {encoding!r}")
    return raw.decode("ascii")


def _problem_code(body: bytes) -> object:
    try:
        problem = json.loads(body)
    except ValueError:
        return None
    return problem.get("code") if isinstance(problem, dict) else None


def _write(path: str, text: str) -> None:
    """Replace ``path`` by ``text`` at once: a crash leaves the old file or the new one, never half."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".bundle-", suffix=".tmp")
    try:
        with open(handle, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


# --- the command ---------------------------------------------------------------------------


def bundle_update_main(argv: Sequence[str]) -> int:
    """``certsvc-verify bundle-update``: exit 0 when the file is current, 2 when it could not be updated."""
    args = _parser().parse_args(argv)
    try:
        keys = load_keys(_read_json(args.jwks))
        compromised = load_compromises(_key_list(args.keys)) if args.keys else None
        done = bundle_update(args.bundle, args.url, keys, compromised=compromised, max_deltas=args.max_deltas)
    except VerifierError as exc:
        print(f"certsvc-verify: {exc}", file=sys.stderr)
        return 2
    print(_summary(args.bundle, done))
    return 0


def _summary(path: str, done: BundleUpdate) -> str:
    state = f"as of {done.bundle.issued_at_text}, valid until {done.bundle.next_update_text}"
    what = {
        "full": f"fetched the whole bundle ({done.changes} entries)",
        "delta": f"applied a delta of {done.changes} entries ({done.bundle.deltas} deltas kept)",
        "current": "already current",
    }[done.kind]
    return f"{path}: {what}, {state}" + (f" ({done.note})" if done.note else "")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certsvc-verify bundle-update",
        description="Keep a local status bundle current from the service's signed deltas. "
        "Exit 0: the file is current; 2: it could not be updated (the file is left as it was).",
    )
    parser.add_argument("--bundle", required=True, help="the local bundle file (created if missing)")
    parser.add_argument("--url", required=True, help="the service (e.g. https://certs.example)")
    parser.add_argument("--jwks", required=True, help="the published keys, from /.well-known/jwks.json")
    parser.add_argument("--keys", help="the key list, from /api/v1/keys/, to detect revoked keys")
    parser.add_argument(
        "--max-deltas",
        type=int,
        default=DEFAULT_MAX_DELTAS,
        help=f"fetch the whole bundle once the file holds this many deltas (default {DEFAULT_MAX_DELTAS})",
    )
    return parser


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VerifierError(f"cannot read {path} as JSON: {exc}") from exc


def _key_list(path: str) -> list[dict[str, Any]]:
    keys = _read_json(path)
    if isinstance(keys, dict):
        keys = keys.get("results", keys.get("keys"))
    if not isinstance(keys, list):
        raise VerifierError("the key list is not a list of keys")
    return keys
