"""The witness's local files: its private key, its API token and its state (written atomically)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from signing.jws import b64url_decode, b64url_encode

__all__ = ["WitnessFailure", "key_generate", "key_load", "public_x", "state_load", "state_save", "token_load"]


class WitnessFailure(Exception):
    """Something the witness cannot get past this run (network, refusal, unreadable file): exit 1."""


def key_generate(path: str) -> Ed25519PrivateKey:
    """A new Ed25519 key, its 32-byte seed written base64url to ``path`` (readable by the owner only)."""
    if Path(path).exists():
        raise WitnessFailure(f"{path} exists already: a witness keeps its key")
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes_raw()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(b64url_encode(seed) + "\n")
    return key


def key_load(path: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(b64url_decode(_read(path).strip()))
    except ValueError as exc:
        raise WitnessFailure(f"{path} does not hold a witness key (base64url Ed25519 seed)") from exc


def public_x(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def token_load(path: str) -> str:
    token = _read(path).strip()
    if not token:
        raise WitnessFailure(f"{path} holds no token")
    return token


def state_load(path: str) -> dict[str, Any]:
    """The state kept so far (``{}`` before the first run)."""
    if not Path(path).exists():
        return {}
    try:
        state = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise WitnessFailure(f"the state file {path} is not JSON: {exc}") from exc
    if not isinstance(state, dict):
        raise WitnessFailure(f"the state file {path} is not a JSON object")
    return state


def state_save(path: str, state: dict[str, Any]) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".witness-state-", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WitnessFailure(f"cannot read {path}: {exc}") from exc
