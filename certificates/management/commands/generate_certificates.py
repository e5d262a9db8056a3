"""Fill a benchmark registry with N issued certificates, fast (PostgreSQL COPY, one process per core).

    DATABASE_URL=postgres://…/certsvc_bench manage.py generate_certificates --count 1000000 --reset

What it writes, all consistent with what the service itself would have written:

- issuer, exporter and customs organizations, one exporter user per exporter, an officer;
- per certificate: an issued application with 1–3 goods items, its audit chain
  (created → submitted → approved → issued, hash-linked as ``certificates.audit`` computes it),
  the certificate (document, canonical bytes, compact JWS, SHA-256, ``log_index``) and its
  audit chain (issued, then revoked or superseded for some);
- numbers ``<PREFIX>-YYYY-EX|IM-NNNNNN`` gapless per year and type, and ``NumberSequence`` rows;
- the transparency log: one leaf per certificate JWS and every complete subtree (``LogNode``),
  computed here as ``bench/transparency_log.py`` does (revocation and supersession log events
  are not logged by this fast path);
- about 2 % revoked and 2 % superseded (the replacement is the next certificate).

Signatures are real: a fresh Ed25519 key is generated in memory, registered as a retired
``SigningKey`` (so the JWKS publishes it and verification accepts it) and its private half is
dropped when the command ends. The service's own active key (for receipts) is ensured too.
Canonical bytes: the documents hold only strings, small integers and ``null``, for which
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` gives the RFC 8785
bytes; the first document of every batch is checked against ``signing.canonical.canonicalize``.

``--reset`` empties the registry tables first (benchmark databases only).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
TYPES = (("export", "EX"), ("import", "IM"))
MAX_SEQUENCE = 999_999
CHUNK_ALIGN = 50
EXPORTERS = 200
HS_CODES = ("520100", "080610", "081090", "610910", "870323", "271019", "100199", "310520")
GOODS = ("Raw cotton", "Fresh grapes", "Dried apricots", "Cotton T-shirts", "Cars", "Fuel oil", "Wheat")
CITIES = ("Tashkent", "Samarkand", "Bukhara", "Minsk", "Brest", "Gomel", "Andijan", "Namangan")
TABLES = [
    "certificates_certificateevent",
    "certificates_applicationevent",
    "certificates_issuanceorder",
    "certificates_verification",
    "certificates_goodsitem",
    "certificates_certificate",
    "certificates_application",
    "certificates_numbersequence",
    "transparency_checkpoint",
    "transparency_lognode",
    "transparency_logleaf",
    "transparency_loghead",
]
APPLICATION_COLUMNS = (
    "id type status consignee_name consignee_country consignee_address consignee_tax_id country_of_export "
    "country_of_destination transport_mode transport_details invoice_number invoice_date submitted_at "
    "created_at updated_at created_by_id exporter_id replaces_id"
).split()
ITEM_COLUMNS = (
    "application_id line description hs_code quantity unit net_weight_kg gross_weight_kg value currency "
    "origin_country"
).split()
CERTIFICATE_COLUMNS = (
    "id number type year sequence status document canonical jws jws_sha256 kid issued_at valid_from "
    "valid_until revoked_at revocation_reason log_index pdf created_at application_id replaces_id "
    "superseded_by_id"
).split()
EVENT_COLUMNS = ["at", "from_status", "to_status", "action", "reason", "actor_id", "prev_hash", "hash"]
LEAF_COLUMNS = ["index", "leaf_hash", "entry", "created_at"]


def fast_canonical(value) -> bytes:
    """RFC 8785 bytes for values made of strings, small integers, booleans and null only."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Command(BaseCommand):
    help = "Generate N signed certificates with applications, goods, audit chains and the log (benchmarks)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--batch", type=int, default=5_000, help="certificates per COPY transaction")
        parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
        parser.add_argument("--reset", action="store_true", help="empty the registry tables first")
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument("--quiet", action="store_true", help="no progress output")

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_certificates writes with COPY: it needs a PostgreSQL DATABASE_URL")
        count = options["count"]
        if not 1 <= count <= MAX_SEQUENCE * 5 // 4:
            raise CommandError(
                f"--count must be between 1 and {MAX_SEQUENCE * 5 // 4:,} (numbers of one year)"
            )
        batch = max(CHUNK_ALIGN, options["batch"] // CHUNK_ALIGN * CHUNK_ALIGN)
        if options["reset"]:
            _truncate()
        elif _registry_in_use():
            raise CommandError("the registry already holds certificates or log leaves; use --reset")
        started = time.perf_counter()
        plan = _prepare(count=count, seed=options["seed"])
        chunks = [(start, min(start + batch, count)) for start in range(0, count, batch)]
        leaf_hashes = _run_chunks(plan, chunks, workers=max(1, options["workers"]), quiet=options["quiet"])
        _finish(plan, leaf_hashes)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"generated {count:,} certificates in {elapsed:.1f} s ({count / elapsed:,.0f}/s), "
            f"kid {plan['kid']}"
        )


# --- setup (main process) ----------------------------------------------------------


def _truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def _registry_in_use() -> bool:
    from certificates.issuance.models import Certificate
    from signing.transparency.models import LogLeaf

    return Certificate.objects.exists() or LogLeaf.objects.exists()


def _prepare(*, count: int, seed: int) -> dict:
    """Organizations, users, the key and the id ranges; everything the workers share."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certificates.accounts.models import Organization, User
    from certificates.applications.models import Application
    from certificates.issuance.models import Certificate
    from signing.jws import jwk_thumbprint
    from signing.models import SigningKey
    from signing.services import signing_key_ensure_active

    now = timezone.now().replace(microsecond=0)
    signing_key_ensure_active()
    private = Ed25519PrivateKey.generate()
    public_x = private.public_key().public_bytes_raw()
    kid = jwk_thumbprint(public_x)
    with transaction.atomic():
        issuer, _ = Organization.objects.get_or_create(
            kind=Organization.Kind.ISSUER, name="Chamber of Commerce (bench)", defaults={"country": "UZ"}
        )
        Organization.objects.get_or_create(
            kind=Organization.Kind.CUSTOMS, name="Customs (bench)", defaults={"country": "BY"}
        )
        officer, _ = User.objects.get_or_create(
            username="bench-officer", defaults={"role": User.Role.OFFICER, "organization": issuer}
        )
        exporters = []
        for n in range(EXPORTERS):
            organization, _ = Organization.objects.get_or_create(
                kind=Organization.Kind.EXPORTER,
                name=f"Exporter {n:03d} LLC",
                defaults={"country": "UZ", "address": f"{n} Navoi street, {CITIES[n % len(CITIES)]}"},
            )
            user, _ = User.objects.get_or_create(
                username=f"bench-exporter-{n}",
                defaults={"role": User.Role.EXPORTER, "organization": organization},
            )
            exporters.append((organization.pk, user.pk, organization.name, organization.address))
        SigningKey.objects.create(
            kid=kid,
            backend="software",
            key_ref=f"generated:{kid}",
            public_x=b64url(public_x),
            status=SigningKey.Status.RETIRED,
            activated_at=now - timedelta(days=400),
            retired_at=now,
        )
    id_base = lambda model: model.objects.order_by("-id").values_list("id", flat=True).first() or 0  # noqa: E731
    return {
        "count": count,
        "seed": seed,
        "now": now,
        "private": private.private_bytes_raw(),
        "kid": kid,
        "issuer": {"name": issuer.name, "country": "UZ"},
        "officer": officer.pk,
        "exporters": exporters,
        "application_base": id_base(Application),
        "certificate_base": id_base(Certificate),
        "prefix": settings.CERTIFICATE_NUMBER_PREFIX,
        "validity_days": settings.CERTIFICATE_VALIDITY_DAYS,
        "database": dict(connection.get_connection_params()),
    }


def _run_chunks(plan: dict, chunks: list[tuple[int, int]], *, workers: int, quiet: bool) -> list[bytes]:
    leaf_hashes: list[bytes] = []
    done, started = 0, time.perf_counter()
    connection.close()  # forked workers must not share the parent's socket
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_init, initargs=(plan,)) as pool:
        for hashes in pool.imap(_worker_chunk, chunks):
            leaf_hashes.extend(hashes)
            done += len(hashes)
            if not quiet:
                _progress(done, plan["count"], started)
    if not quiet:
        sys.stderr.write("\n")
    return leaf_hashes


def _progress(done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0.0
    width = 30
    filled = int(width * done / total)
    eta = (total - done) / rate if rate else 0.0
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {rate:,.0f}/s eta {eta:,.0f} s"
    )
    sys.stderr.flush()


def _finish(plan: dict, leaf_hashes: list[bytes]) -> None:
    """Log nodes and head, number sequences, id sequences, statistics."""
    from certificates.issuance.models import NumberSequence
    from signing.transparency.merkle import node_hash
    from signing.transparency.models import LogHead

    levels = [leaf_hashes]
    while len(levels[-1]) >= 2:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    rows = (
        (level, index, value) for level in range(1, len(levels)) for index, value in enumerate(levels[level])
    )
    with transaction.atomic():
        _copy(connection, "transparency_lognode", ["level", "index", "hash"], rows)
        LogHead.objects.update_or_create(id=LogHead.SINGLETON_ID, defaults={"tree_size": len(leaf_hashes)})
        for (year, type_), last in _sequence_lasts(plan).items():
            NumberSequence.objects.update_or_create(year=year, type=type_, defaults={"last": last})
    with connection.cursor() as cursor:
        for table in ("certificates_application", "certificates_certificate"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608  # nosec B608 - fixed table names
            )
        cursor.execute("ANALYZE")


def _sequence_lasts(plan: dict) -> dict[tuple[int, str], int]:
    lasts: dict[tuple[int, str], int] = {}
    for i in range(plan["count"]):
        year, type_, sequence = _numbering(plan, i)
        lasts[(year, type_)] = max(lasts.get((year, type_), 0), sequence)
    return lasts


# --- the rows of one certificate (workers) --------------------------------------------

_PLAN: dict = {}


def _worker_init(plan: dict) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _PLAN.update(plan)
    _PLAN["signer"] = Ed25519PrivateKey.from_private_bytes(_PLAN.pop("private"))
    _PLAN["header_b64"] = b64url(
        fast_canonical({"alg": "EdDSA", "kid": plan["kid"], "typ": "certsvc-certificate+jws"})
    )


def _numbering(plan: dict, i: int) -> tuple[int, str, int]:
    """(year, type, sequence) of certificate ``i``: one import in five, gapless per type this year."""
    if i % 5 == 4:
        return plan["now"].year, "import", i // 5 + 1
    return plan["now"].year, "export", i // 5 * 4 + i % 5 + 1


def _issued_at(plan: dict, i: int) -> datetime:
    """Issue moments spread evenly over this year so far (at most 300 days), in number order."""
    now = plan["now"]
    start = max(now - timedelta(days=300), datetime(now.year, 1, 1, tzinfo=UTC))
    span = (now - timedelta(minutes=10) - start).total_seconds()
    return (start + timedelta(seconds=int(span * i / plan["count"]))).replace(microsecond=0)


def _worker_chunk(bounds: tuple[int, int]) -> list[bytes]:
    import psycopg

    start, end = bounds
    rng = random.Random(_PLAN["seed"] * 1_000_003 + start)  # noqa: S311 - test data
    rows = {name: [] for name in ("app", "item", "cert", "app_event", "cert_event", "leaf")}
    leaf_hashes = []
    for i in range(start, end):
        leaf_hashes.append(_certificate_rows(i, rng, rows, check_canonical=i == start))
    params = dict(_PLAN["database"])
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as conn, conn.transaction():
        # Rebuildable benchmark data: a lost tail after a crash is regenerated, not recovered.
        conn.execute("SET LOCAL synchronous_commit TO off")
        _copy(conn, "certificates_application", APPLICATION_COLUMNS, rows["app"])
        _copy(conn, "certificates_goodsitem", ITEM_COLUMNS, rows["item"])
        _copy(conn, "certificates_certificate", CERTIFICATE_COLUMNS, rows["cert"])
        _copy(conn, "certificates_applicationevent", ["application_id", *EVENT_COLUMNS], rows["app_event"])
        _copy(conn, "certificates_certificateevent", ["certificate_id", *EVENT_COLUMNS], rows["cert_event"])
        _copy(conn, "transparency_logleaf", LEAF_COLUMNS, rows["leaf"])
    return leaf_hashes


def _copy(conn, table: str, columns, rows) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.cursor()
    raw = getattr(cursor, "cursor", cursor)
    with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _certificate_rows(i: int, rng: random.Random, rows: dict, *, check_canonical: bool) -> bytes:
    plan = _PLAN
    year, type_, sequence = _numbering(plan, i)
    code = "EX" if type_ == "export" else "IM"
    number = f"{plan['prefix']}-{year}-{code}-{sequence:06d}"
    app_id, cert_id = plan["application_base"] + i + 1, plan["certificate_base"] + i + 1
    exporter_id, user_id, exporter_name, exporter_address = plan["exporters"][i % len(plan["exporters"])]
    issued_at = _issued_at(plan, i)
    valid_from = issued_at.date()
    valid_until = valid_from + timedelta(days=plan["validity_days"])
    # Every 50th pair: certificate i+1 replaces certificate i (both in the same batch).
    replaced = i % CHUNK_ALIGN == 49
    superseded = i % CHUNK_ALIGN == 48 and i + 1 < plan["count"]
    revoked = not superseded and not replaced and i % CHUNK_ALIGN == 17
    replaces_id = cert_id - 1 if replaced else None
    items = _items(rng, count=1 + i % 3)
    destination = "BY" if type_ == "export" else "UZ"
    invoice = f"INV-{year}-{i + 1:07d}"
    invoice_date = valid_from - timedelta(days=3)
    consignee = {
        "name": f"Consignee {i % 997:03d} OJSC",
        "country": destination,
        "address": f"{i % 97} Independence avenue, {CITIES[(i + 3) % len(CITIES)]}",
        "tax_id": "",
    }
    document = {
        "schema": "certsvc.certificate.v1",
        "number": number,
        "type": type_,
        "issued_at": issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "issuer": plan["issuer"],
        "exporter": {"name": exporter_name, "country": "UZ", "address": exporter_address, "tax_id": ""},
        "consignee": consignee,
        "country_of_export": "UZ" if type_ == "export" else "BY",
        "country_of_destination": destination,
        "transport": {"mode": "road", "details": f"Truck 01 A {i % 1000:03d} BC"},
        "invoice": {"number": invoice, "date": invoice_date.isoformat()},
        "items": [item for item, _ in items],
        "replaces": _number_of(plan, i - 1) if replaced else None,
    }
    canonical = fast_canonical(document)
    if check_canonical:
        from signing.canonical import canonicalize

        if canonicalize(document) != canonical:
            raise CommandError(f"fast canonical form differs from RFC 8785 for {number}")
    signing_input = f"{plan['header_b64']}.{b64url(canonical)}"
    jws = f"{signing_input}.{b64url(plan['signer'].sign(signing_input.encode('ascii')))}"
    jws_bytes = jws.encode("ascii")
    leaf = hashlib.sha256(b"\x00" + jws_bytes).digest()
    created = issued_at - timedelta(days=2)
    submitted = created + timedelta(hours=2)
    approved = issued_at - timedelta(seconds=30)
    rows["app"].append(
        (
            app_id,
            type_,
            "issued",
            consignee["name"],
            destination,
            consignee["address"],
            "",
            document["country_of_export"],
            destination,
            "road",
            document["transport"]["details"],
            invoice,
            invoice_date,
            submitted,
            created,
            issued_at,
            user_id,
            exporter_id,
            replaces_id,
        )
    )
    for line, (item, decimals) in enumerate(items, start=1):
        rows["item"].append(
            (
                app_id,
                line,
                item["description"],
                item["hs_code"],
                *decimals[:1],
                item["unit"],
                *decimals[1:4],
                item["currency"],
                item["origin_country"],
            )
        )
    status, revoked_at, reason, superseded_by = "issued", None, "", None
    if revoked:
        revoked_at = min(issued_at + timedelta(days=1), plan["now"] - timedelta(minutes=1))
        status, reason = "revoked", "wrong HS code"
    elif superseded:
        status, superseded_by = "superseded", cert_id + 1
    rows["cert"].append(
        (
            cert_id,
            number,
            type_,
            year,
            sequence,
            status,
            canonical.decode("utf-8"),
            canonical,
            jws,
            hashlib.sha256(jws_bytes).hexdigest(),
            plan["kid"],
            issued_at,
            valid_from,
            valid_until,
            revoked_at,
            reason,
            i,
            "",
            issued_at,
            app_id,
            replaces_id,
            superseded_by,
        )
    )
    rows["leaf"].append((i, leaf, jws_bytes, issued_at))
    _chain(
        rows["app_event"],
        f"certificates.applicationevent:{app_id}",
        app_id,
        [
            (created, "", "draft", "created", "", user_id),
            (submitted, "draft", "submitted", "submitted", "", user_id),
            (approved, "submitted", "approved", "approved", "", plan["officer"]),
            (issued_at, "approved", "issued", "issued", "", None),
        ],
    )
    cert_events = [(issued_at, "", "issued", "issued", "", None)]
    if revoked:
        cert_events.append((revoked_at, "issued", "revoked", "revoked", reason, plan["officer"]))
    elif superseded:
        replacement_at = _issued_at(plan, i + 1)
        cert_events.append(
            (replacement_at, "issued", "superseded", "superseded", _number_of(plan, i + 1), None)
        )
    _chain(rows["cert_event"], f"certificates.certificateevent:{cert_id}", cert_id, cert_events)
    return leaf


def _number_of(plan: dict, i: int) -> str:
    year, type_, sequence = _numbering(plan, i)
    return f"{plan['prefix']}-{year}-{'EX' if type_ == 'export' else 'IM'}-{sequence:06d}"


def _chain(out: list, stream: str, owner_id: int, events) -> None:
    """Rows hash-linked exactly as ``certificates.audit.event_digest`` computes them."""
    previous = GENESIS
    for at, from_status, to_status, action, reason, actor in events:
        body = {
            "stream": stream,
            "prev": previous,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "from": from_status,
            "to": to_status,
            "reason": reason,
        }
        digest = hashlib.sha256(fast_canonical(body)).hexdigest()
        out.append((owner_id, at, from_status, to_status, action, reason, actor, previous, digest))
        previous = digest


def _items(rng: random.Random, *, count: int) -> list[tuple[dict, tuple]]:
    items = []
    for line in range(1, count + 1):
        quantity = rng.randint(1, 50_000)
        net = rng.randint(1, 20_000_000)
        value = rng.randint(100, 100_000_000)
        numbers = (
            f"{quantity}.000",
            f"{net // 1000}.{net % 1000:03d}",
            f"{(net + net // 20) // 1000}.{(net + net // 20) % 1000:03d}",
            f"{value // 100}.{value % 100:02d}",
        )
        item = {
            "line": line,
            "description": GOODS[rng.randrange(len(GOODS))],
            "hs_code": HS_CODES[rng.randrange(len(HS_CODES))],
            "quantity": numbers[0],
            "unit": "KGM",
            "net_weight_kg": numbers[1],
            "gross_weight_kg": numbers[2],
            "value": numbers[3],
            "currency": "USD",
            "origin_country": "UZ",
        }
        items.append((item, numbers))
    return items


__all__ = ["Command", "fast_canonical"]
