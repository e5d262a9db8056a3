"""Status bundle at scale: full bundle size (JSON, JWS, gzip on the wire), an hourly delta, times.

Measures, on the registry of ``DATABASE_URL`` (fill it with ``bench.generate``: 4 % revoked or
superseded):

1. the first bundle built (which also records every entry for deltas) and a rebuild;
2. its canonical JSON payload, the JWS, and the gzip the service sends (level 9, as served);
3. ``--changes`` certificates revoked (one UPDATE, as if over an hour), then the bundle rebuilt
   and the signed delta since the first bundle: its size, gzip size, and the time to build it;
4. the verifier's time to read the full bundle, and the full bundle plus the delta (apply).

All in one transaction, rolled back at the end: the registry is left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc_h21bundle \\
        .venv/bin/python -m bench.status_bundle --changes 500
"""

from __future__ import annotations

import argparse
import gzip
import json
import time


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--changes", type=int, default=500, help="certificates revoked between the bundles")
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def timed(work):
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started


def payload_size(token: str) -> int:
    from signing.jws import parse_compact

    return len(parse_compact(token).payload)


def revoke_some(count: int) -> int:
    """Revoke ``count`` issued certificates spread over the registry, at times spread over the last
    hour, in one statement: the bundle reads only ``status`` and ``revoked_at``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE certificates_certificate SET status = 'revoked', "
            "revoked_at = now() - random() * interval '1 hour' WHERE id IN (SELECT id FROM "
            "certificates_certificate WHERE status = 'issued' ORDER BY md5(id::text) LIMIT %s)",
            [count],
        )
        return cursor.rowcount


def measure(changes: int) -> dict[str, object]:
    from django.core.cache import cache
    from django.utils import timezone

    from certificates.issuance.models import Certificate
    from certificates.verification import bundle
    from certificates.verification.models import StatusBundleIssue, StatusBundleState
    from signing.selectors import jwks_document
    from signing.verifier.bundle import read_bundle_chain
    from signing.verifier.keys import load_keys

    StatusBundleState.objects.all().delete()
    StatusBundleIssue.objects.all().delete()
    cache.clear()
    first, first_s = timed(lambda: bundle.status_bundle_issue(timezone.now()))
    _, rebuild_s = timed(lambda: bundle.status_bundle_issue(timezone.now()))
    _, entries_s = timed(bundle.status_bundle_entries)
    full = first["token"]
    wire, gzip_s = timed(lambda: gzip.compress(full.encode(), compresslevel=9, mtime=0))
    revoked = revoke_some(changes)
    cache.clear()
    current, changed_build_s = timed(lambda: bundle.status_bundle_current())
    delta, delta_s = timed(lambda: bundle.status_delta_signed(since=first["issued_at"]))
    keys = load_keys(jwks_document())
    read, read_s = timed(lambda: read_bundle_chain(full, keys, None))
    merged, apply_s = timed(lambda: read_bundle_chain(f"{full}\n{delta}", keys, None))
    assert len(merged.status.entries) == len(read.status.entries) + revoked
    return {
        "certificates": Certificate.objects.count(),
        "entries": len(read.status.entries),
        "full_json_bytes": payload_size(full),
        "full_jws_bytes": len(full),
        "full_gzip_bytes": len(wire),
        "first_build_s": round(first_s, 3),
        "rebuild_s": round(rebuild_s, 3),
        "entries_query_s": round(entries_s, 3),
        "gzip_s": round(gzip_s, 3),
        "changes": revoked,
        "build_after_changes_s": round(changed_build_s, 3),
        "delta_s": round(delta_s, 4),
        "delta_json_bytes": payload_size(delta),
        "delta_jws_bytes": len(delta),
        "delta_gzip_bytes": len(gzip.compress(delta.encode(), compresslevel=9, mtime=0)),
        "read_full_s": round(read_s, 3),
        "read_full_and_delta_s": round(apply_s, 3),
        "current_issued_at": current["issued_at"],
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse_args(argv)
    from bench.generate import setup_django

    setup_django()
    from signing.services import signing_key_ensure_active

    signing_key_ensure_active()
    from django.db import transaction

    with transaction.atomic():  # the registry is left as it was: run it again for another figure
        result = measure(args.changes)
        transaction.set_rollback(True)
    if not args.quiet:
        print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
