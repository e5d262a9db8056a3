"""The ``certsvc-verify`` command: exit 0 when all is valid, 1 when something is not, 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from signing.times import rfc3339, rfc3339_or_date_parse
from signing.verifier.bundle_update import bundle_update_main
from signing.verifier.core import Verifier, log_consistency
from signing.verifier.errors import VerifierError
from signing.verifier.fetch_proof import fetch_proof_main
from signing.verifier.log import LogProof
from signing.verifier.paper import is_qr_text, read_documents, read_paper, verify_paper
from signing.verifier.results import Result
from signing.verifier.texts import LANGUAGES, language_chosen, text

__all__ = ["EXIT_INVALID", "EXIT_USAGE", "EXIT_VALID", "main"]

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["log-consistency"]:
        return _log_consistency_main(argv[1:])
    if argv[:1] == ["bundle-update"]:
        return bundle_update_main(argv[1:])
    if argv[:1] == ["fetch-proof"]:
        return fetch_proof_main(argv[1:])
    args = _arguments(argv)
    try:
        results = _verify_all(args)
    except VerifierError as exc:
        return _usage_error(exc)
    _print_results(results, as_json=args.json, language=language_chosen(args.lang))
    return EXIT_VALID if all(result.valid for _, result in results) else EXIT_INVALID


# --- verifying certificates --------------------------------------------------------------


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    _refuse_bad_combinations(parser, args)
    return args


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certsvc-verify",
        description="Verify certsvc certificates offline. "
        "Exit 0: all valid; 1: some invalid; 2: usage or input error.",
    )
    parser.add_argument(
        "certificates",
        nargs="*",
        help="files holding a certificate JWS (compact), the QR code's text, a photo or scan of the QR "
        "code (PNG, JPEG), or the certificate's PDF; or the QR code's text itself",
    )
    parser.add_argument(
        "--document",
        action="append",
        default=[],
        help="the certificate's PDF or JWS file, for a QR code that holds only the JWS's SHA-256 (#h=)",
    )
    _add_trust_arguments(parser)
    _add_online_arguments(parser)
    _add_log_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the details (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)",
    )
    return parser


def _add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    """What the verdict is reached with: the keys, the status bundle and the moment."""
    parser.add_argument("--jwks", required=True, help="the published keys, from /.well-known/jwks.json")
    parser.add_argument("--bundle", help="a status bundle, from /api/v1/status/bundle")
    parser.add_argument("--keys", help="the key list, from /api/v1/keys/, to detect revoked keys")
    parser.add_argument("--at", help="check the status at this moment (RFC 3339 or a date), not now")
    parser.add_argument("--allow-stale-bundle", action="store_true", help="accept a bundle past next_update")


def _add_online_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--online", metavar="URL", help="also ask the service at URL (e.g. https://certs.example)"
    )
    parser.add_argument(
        "--number", action="append", default=[], help="with --online: verify this certificate number"
    )


def _add_log_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--proof", help="an inclusion proof of the certificate, from /api/v1/log/inclusion?number=…"
    )
    parser.add_argument(
        "--checkpoint", help="the log checkpoint the proof is for, from /api/v1/log/checkpoint"
    )
    parser.add_argument(
        "--log-proof",
        help="a proof file from 'certsvc-verify fetch-proof NUMBER' (the cosigned checkpoint and the proof)",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        default=0,
        metavar="N",
        help="accept only under a checkpoint cosigned by N of the witnesses the bundle names",
    )


def _refuse_bad_combinations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if bool(args.proof) != bool(args.checkpoint):
        parser.error("--proof and --checkpoint go together")
    if args.log_proof and args.proof:
        parser.error("give --log-proof or --proof with --checkpoint, not both")
    if (args.proof or args.log_proof) and len(args.certificates) != 1:
        parser.error("--proof checks one certificate file")
    if args.min_witnesses < 0 or (args.min_witnesses and not args.bundle):
        parser.error("--min-witnesses N needs N >= 0 and --bundle (it names the witnesses)")
    if not args.certificates and not args.number:
        parser.error("name at least one certificate file (or --number with --online)")
    if args.number and not args.online:
        parser.error("--number needs --online")


def _verify_all(args: argparse.Namespace) -> list[tuple[str, Result]]:
    """Each certificate file, then each ``--number``, beside the name it was given by."""
    verifier, at = _build(args)
    documents = read_documents(args.document)
    results = [
        (_label(path), _verify_file(verifier, path, at, args, documents)) for path in args.certificates
    ]
    results += [(number, _verify_number(verifier, number, at, args.online)) for number in args.number]
    return results


def _build(args: argparse.Namespace) -> tuple[Verifier, datetime | None]:
    at = _moment(args.at)
    keys = _key_list(args.keys)
    bundle = _read(args.bundle) if args.bundle else None
    verifier = Verifier(
        _read_json(args.jwks),
        bundle,
        keys=keys,
        allow_stale_bundle=args.allow_stale_bundle,
        language=args.lang,
        min_witnesses=args.min_witnesses,
    )
    return verifier, at


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return rfc3339_or_date_parse(text)
    except ValueError as exc:
        raise VerifierError(f"--at {text!r} is not an RFC 3339 time or a date") from exc


def _key_list(path: str | None) -> list[dict[str, Any]] | None:
    """The keys of ``--keys``: a list, or an API page of them (``results``) or ``{"keys": [...]}``."""
    keys = _read_json(path) if path else None
    if isinstance(keys, dict):
        keys = keys.get("results", keys.get("keys"))
    if keys is None or isinstance(keys, list):
        return keys
    raise VerifierError("the key list is not a list of keys")


def _label(source: str) -> str:
    """How a result names its certificate: the file, or a QR text without its long fragment."""
    return source.partition("#")[0] if is_qr_text(source) else source


def _verify_file(
    verifier: Verifier, path: str, at: datetime | None, args: argparse.Namespace, documents: list[str]
) -> Result:
    """A certificate file, QR text, photo or PDF (``paper``), checked offline or also online."""
    log_proof = _log_proof(verifier, args)

    def verify(token: str) -> Result:
        if args.online:
            return verifier.verify_online(token, args.online, at=at)
        return verifier.verify(token, at=at, log_proof=log_proof)

    return verify_paper(lambda: read_paper(path, documents), verify, verifier.language)


def _log_proof(verifier: Verifier, args: argparse.Namespace) -> LogProof | None:
    if args.log_proof:
        saved = _read_json(args.log_proof)
        if not isinstance(saved, dict) or not {"checkpoint", "inclusion"} <= set(saved):
            raise VerifierError(f"{args.log_proof} is not a proof file (checkpoint and inclusion)")
        return LogProof(saved["inclusion"], verifier.checkpoint(saved["checkpoint"]))
    if args.proof:
        return LogProof(_read_json(args.proof), verifier.checkpoint(_read_json(args.checkpoint)))
    return None


def _verify_number(verifier: Verifier, number: str, at: datetime | None, online: str) -> Result:
    body: dict[str, Any] = {"number": number}
    if at is not None:
        body["at"] = rfc3339(at)
    return verifier.ask_online(online, body)


def _print_results(results: list[tuple[str, Result]], *, as_json: bool, language: str) -> None:
    if as_json:
        bodies = [result.as_dict() for _, result in results]
        print(json.dumps(bodies[0] if len(bodies) == 1 else bodies, ensure_ascii=False, indent=2))
        return
    for path, result in results:
        _print_text(path, result, language)


def _print_text(path: str, result: Result, language: str) -> None:
    print(f"{path}: {result.status.upper()}{' (' + result.number + ')' if result.number else ''}")
    for check in result.checks:
        mark = text(language, "ok") if check["ok"] else text(language, "FAILED")
        print(f"  {check['name']}: {mark}{': ' + check['detail'] if check.get('detail') else ''}")


# --- log-consistency ---------------------------------------------------------------------


def _log_consistency_main(argv: Sequence[str]) -> int:
    args = _log_consistency_parser().parse_args(argv)
    try:
        verifier = Verifier(_read_json(args.jwks))
        old, new = _read_json(args.old_checkpoint), _read_json(args.new_checkpoint)
        consistent = log_consistency(verifier, old, new, _read_json(args.proof))
    except VerifierError as exc:
        return _usage_error(exc)
    print("CONSISTENT: the newer checkpoint extends the older one" if consistent else "NOT CONSISTENT")
    return EXIT_VALID if consistent else EXIT_INVALID


def _log_consistency_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certsvc-verify log-consistency",
        description="Check that a newer log checkpoint extends an older one. Exit 0: it does; 1: it does "
        "not; 2: usage or input error.",
    )
    parser.add_argument("old_checkpoint", help="the checkpoint kept earlier (JSON)")
    parser.add_argument("new_checkpoint", help="the newer checkpoint (JSON)")
    parser.add_argument("--proof", required=True, help="from /api/v1/log/consistency?first=m&second=n")
    parser.add_argument("--jwks", required=True, help="the published keys, from /.well-known/jwks.json")
    return parser


# --- files -------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifierError(f"cannot read {path}: {exc}") from exc


def _read_json(path: str) -> Any:
    try:
        return json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise VerifierError(f"{path} is not JSON: {exc}") from exc


def _usage_error(exc: VerifierError) -> int:
    print(f"certsvc-verify: {exc}", file=sys.stderr)
    return EXIT_USAGE
