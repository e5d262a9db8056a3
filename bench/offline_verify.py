#!/usr/bin/env python
"""Offline verification rate: ``signing.verifier.Verifier`` against raw Ed25519 on the same tokens.

    .venv/bin/python bench/offline_verify.py [--tokens 2000] [--rounds 5]

Tokens are certificate JWS built like the registry's (``bench/generate.py``'s documents, 1–3
goods items, signed with a fresh Ed25519 key). Each round times, interleaved:

- raw: ``Ed25519PublicKey.verify(signature, signing_input)`` with both already decoded;
- verifier: ``Verifier(jwks).verify(token)``: parsing, every check, the result.

Prints the median rate of each and their ratio (target: verifier >= 0.8 x raw). Needs no database
(Django is set up only for the models the document builder reads; nothing is queried).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_tokens(count: int) -> tuple[list[str], dict]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from bench.generator.plan import plan_for_tokens
    from bench.generator.rows import CertificateRows, Rows
    from signing.jws import public_jwk

    plan = plan_for_tokens(count=count)
    builder, rows, rng = CertificateRows(plan), Rows(), random.Random(7)
    for i in range(count):
        builder.add(i, rng, rows)
    tokens = [leaf[2].decode("ascii") for leaf in rows.leaves]
    public_x = Ed25519PrivateKey.from_private_bytes(plan.private_key).public_key().public_bytes_raw()
    return tokens, {"keys": [public_jwk(public_x, plan.kid)]}


def rate_raw(prepared, key) -> float:
    started = time.perf_counter()
    for signature, signing_input in prepared:
        key.verify(signature, signing_input)
    return len(prepared) / (time.perf_counter() - started)


def rate_verifier(tokens, verifier) -> float:
    started = time.perf_counter()
    for token in tokens:
        result = verifier.verify(token)
        if not result.valid:
            raise SystemExit(f"a generated token does not verify: {result}")
    return len(tokens) / (time.perf_counter() - started)


def measure(count: int, rounds: int) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from signing.jws import ed25519_x_from_jwk, parse_compact
    from signing.verifier import Verifier

    tokens, jwks = make_tokens(count)
    key = Ed25519PublicKey.from_public_bytes(ed25519_x_from_jwk(jwks["keys"][0]))
    prepared = [(p.signature, p.signing_input) for p in map(parse_compact, tokens)]
    verifier = Verifier(jwks)
    raw, lib = [], []
    for round_ in range(rounds):
        pair = [(raw, lambda: rate_raw(prepared, key)), (lib, lambda: rate_verifier(tokens, verifier))]
        for samples, run in pair if round_ % 2 == 0 else reversed(pair):
            samples.append(run())
    result = {
        "tokens": count,
        "rounds": rounds,
        "raw_per_s": statistics.median(raw),
        "verifier_per_s": statistics.median(lib),
        "ratios": [round(b / a, 3) for a, b in zip(raw, lib, strict=True)],
    }
    result["ratio"] = statistics.median(result["ratios"])
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    result = measure(args.tokens, args.rounds)
    print(
        f"offline verification ({result['tokens']:,} tokens, "
        f"median of {result['rounds']} interleaved rounds)\n"
        f"raw Ed25519 verify : {result['raw_per_s']:>9,.0f} /s\n"
        f"Verifier.verify    : {result['verifier_per_s']:>9,.0f} /s\n"
        f"ratio              : {result['ratio']:.3f}  (target >= 0.8; per round {result['ratios']})"
    )
    return result


if __name__ == "__main__":
    from bench.generate import setup_django

    setup_django()
    main()
