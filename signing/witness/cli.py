"""The ``certsvc-witness`` command. Exit 0: cosigned (or nothing new); 1: could not this time (network,
refusal, files); 2: usage; 3: the service showed an inconsistent history or a rollback (refused)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from signing.jws import b64url_encode, jwk_thumbprint
from signing.verifier.errors import VerifierError
from signing.witness.client import Service
from signing.witness.monitor import monitor_round
from signing.witness.state import (
    WitnessFailure,
    key_generate,
    key_load,
    public_x,
    state_load,
    state_save,
    token_load,
)
from signing.witness.witnessing import Inconsistent, witness_round

__all__ = ["EXIT_FAILED", "EXIT_INCONSISTENT", "EXIT_OK", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INCONSISTENT = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["keygen"]:
        return _keygen(argv[1:])
    args = _parser().parse_args(argv)
    if args.monitor and not args.country:
        _parser().error("--monitor needs --country")
    while True:
        code = _round(args)
        if args.interval is None or code == EXIT_INCONSISTENT:
            return code
        time.sleep(args.interval)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certsvc-witness",
        description="Witness the certsvc transparency log: cosign only checkpoints consistent with the last "
        "one cosigned. Exit 0: done; 1: failed this time; 2: usage; 3: inconsistent history refused. "
        "'certsvc-witness keygen --key-file K' makes the witness's key.",
    )
    parser.add_argument("--url", required=True, help="the service, e.g. https://certs.example")
    parser.add_argument("--token-file", required=True, help="file with the witness user's API token")
    parser.add_argument("--key-file", required=True, help="file with the witness's key (from keygen)")
    parser.add_argument(
        "--state", required=True, help="state file: the last cosigned checkpoint, pinned keys"
    )
    parser.add_argument("--jwks", help="the service's keys to trust (default: pinned on first use)")
    parser.add_argument("--monitor", action="store_true", help="also read new log entries")
    parser.add_argument("--country", help="with --monitor: report certificates of this country (UZ, BY)")
    runs = parser.add_mutually_exclusive_group()
    runs.add_argument("--once", action="store_true", help="one round, then exit (the default)")
    runs.add_argument("--interval", type=float, metavar="S", help="a round every S seconds, until refused")
    return parser


def _round(args: argparse.Namespace) -> int:
    try:
        service = Service(args.url, token_load(args.token_file))
        state = state_load(args.state)
        jwks = _read_json(args.jwks) if args.jwks else None
        state = witness_round(service, key_load(args.key_file), state, jwks=jwks, log=sys.stderr)
        if args.monitor:
            state = monitor_round(service, state, country=args.country, out=sys.stdout)
        state_save(args.state, state)
    except Inconsistent as exc:
        print(f"certsvc-witness: REFUSED, NOT COSIGNED: {exc}", file=sys.stderr)
        return EXIT_INCONSISTENT
    except (WitnessFailure, VerifierError) as exc:
        print(f"certsvc-witness: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _keygen(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="certsvc-witness keygen", description="Make the witness's Ed25519 key; print its public x."
    )
    parser.add_argument("--key-file", required=True, help="where to write the key (must not exist)")
    args = parser.parse_args(argv)
    try:
        x = public_x(key_generate(args.key_file))
    except WitnessFailure as exc:
        print(f"certsvc-witness: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(b64url_encode(x))
    print(f"kid {jwk_thumbprint(x)}", file=sys.stderr)
    return EXIT_OK


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise WitnessFailure(f"cannot read {path}: {exc}") from exc
