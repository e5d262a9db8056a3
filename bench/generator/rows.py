"""The rows of one generated certificate, made by the service's own rules.

Certificate ``i`` of a plan gets an issued application with 1–3 goods items and its audit chain
(created → submitted → approved → issued), the certificate (document, RFC 8785 bytes, compact
JWS, SHA-256, ``log_index``) and its chain (issued, then revoked or superseded for some), and
its transparency-log leaf. The rules come from the domain code, only the writing is bulk:

- the document is ``certificate_document_build`` over unsaved model instances;
- its bytes are ``signing.canonical.canonicalize``; the JWS is ``signing.jws.sign_compact``;
- audit hashes are ``certificates.audit.event_digest`` over the streams' own keys;
- the leaf hash is ``signing.transparency.merkle.leaf_hash``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.generator.plan import CITIES, Exporter, Plan
from certificates.accounts.models import Organization
from certificates.applications.models import Application, GoodsItem
from certificates.applications.services import APPLICATION_STREAM
from certificates.audit import GENESIS, Stream, event_digest
from certificates.issuance.access_codes import access_code_new
from certificates.issuance.document import certificate_document_build
from certificates.issuance.history import CERTIFICATE_STREAM
from certificates.issuance.models import Certificate
from certificates.issuance.numbering import TYPE_CODES
from certificates.issuance.services import CERTIFICATE_TYP
from signing.canonical import canonicalize
from signing.jws import ed25519_header, sign_compact
from signing.transparency.merkle import leaf_hash

# Every 50th pair: certificate i+1 replaces certificate i (both in one batch, see CHUNK_ALIGN).
CHUNK_ALIGN = 50
HS_CODES = ("520100", "080610", "081090", "610910", "870323", "271019", "100199", "310520")
GOODS = ("Raw cotton", "Fresh grapes", "Dried apricots", "Cotton T-shirts", "Cars", "Fuel oil", "Wheat")
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
    "superseded_by_id access_code credential status_list_index"
).split()
EVENT_COLUMNS = ["at", "from_status", "to_status", "action", "reason", "actor_id", "prev_hash", "hash"]
LEAF_COLUMNS = ["index", "leaf_hash", "entry", "created_at"]
Step = tuple[datetime, str, str, str, str, int | None]  # at, from, to, action, reason, actor
REVOCATION_REASON = "wrong HS code"
_NOT_REVOKED = {"revoked_at": None, "revocation_reason": "", "superseded_by_id": None}


class EventRow(NamedTuple):
    """An audit row as ``event_digest`` reads it and as COPY writes it (owner first)."""

    owner_id: int
    at: datetime
    from_status: str
    to_status: str
    action: str
    reason: str
    actor_id: int | None
    prev_hash: str
    hash: str


@dataclass
class Rows:
    applications: list[tuple[Any, ...]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    certificates: list[tuple[Any, ...]] = field(default_factory=list)
    application_events: list[EventRow] = field(default_factory=list)
    certificate_events: list[EventRow] = field(default_factory=list)
    leaves: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Fate:
    """What happens to certificate ``i`` after issue: about 2 % revoked, 2 % superseded."""

    replaces_previous: bool
    superseded: bool
    revoked: bool

    @classmethod
    def of(cls, plan: Plan, i: int) -> Fate:
        replaces_previous = i % CHUNK_ALIGN == CHUNK_ALIGN - 1
        superseded = i % CHUNK_ALIGN == CHUNK_ALIGN - 2 and i + 1 < plan.count
        revoked = not superseded and not replaces_previous and i % CHUNK_ALIGN == 17
        return cls(replaces_previous, superseded, revoked)


def numbering(plan: Plan, i: int) -> tuple[int, Application.Type, int]:
    """(year, type, sequence) of certificate ``i``: one import in five, gapless per type this year."""
    if i % 5 == 4:
        return plan.now.year, Application.Type.IMPORT, i // 5 + 1
    return plan.now.year, Application.Type.EXPORT, i // 5 * 4 + i % 5 + 1


def number_of(plan: Plan, i: int) -> str:
    year, type_, sequence = numbering(plan, i)
    return f"{plan.prefix}-{year}-{TYPE_CODES[type_]}-{sequence:06d}"


def issued_at_of(plan: Plan, i: int) -> datetime:
    """Issue moments spread evenly over this year so far (at most 300 days), in number order."""
    start = max(plan.now - timedelta(days=300), datetime(plan.now.year, 1, 1, tzinfo=UTC))
    span = (plan.now - timedelta(minutes=10) - start).total_seconds()
    return (start + timedelta(seconds=int(span * i / plan.count))).replace(microsecond=0)


def sequence_lasts(plan: Plan) -> dict[tuple[int, str], int]:
    """The last number of every (year, type) the plan uses: the ``NumberSequence`` rows."""
    lasts: dict[tuple[int, str], int] = {}
    for i in range(plan.count):
        year, type_, sequence = numbering(plan, i)
        lasts[(year, type_)] = max(lasts.get((year, type_), 0), sequence)
    return lasts


class _Goods:
    """Goods in memory where ``certificate_document_build`` reads ``application.items.all()``."""

    def __init__(self, items: list[GoodsItem]) -> None:
        self._items = items

    def order_by(self, *fields: str) -> list[GoodsItem]:
        return sorted(self._items, key=lambda item: [getattr(item, name) for name in fields])

    def all(self) -> list[GoodsItem]:
        return list(self._items)


class _UnsavedApplication:
    """An unsaved application and its goods: on an unsaved row ``items`` would ask the database."""

    def __init__(self, application: Application, items: list[GoodsItem]) -> None:
        self._application = application
        self.items = _Goods(items)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._application, name)


class CertificateRows:
    """Builds the rows of certificate after certificate; one per worker process."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._sign = Ed25519PrivateKey.from_private_bytes(plan.private_key).sign
        self._header = ed25519_header(kid=plan.kid, typ=CERTIFICATE_TYP)
        self._issuer = Organization(name=plan.issuer_name, country="UZ")
        self._exporters = {e.organization_id: self._organization(e) for e in plan.exporters}

    @staticmethod
    def _organization(exporter: Exporter) -> Organization:
        return Organization(
            id=exporter.organization_id, name=exporter.name, country="UZ", address=exporter.address
        )

    def add(self, i: int, rng: random.Random, rows: Rows) -> bytes:
        """Append certificate ``i``'s rows to ``rows``; returns its log leaf hash."""
        application, items = self._application(i, rng)
        certificate = self._certificate(i, application, items)
        rows.applications.append(tuple(application[column] for column in APPLICATION_COLUMNS))
        rows.items.extend(tuple(item[column] for column in ITEM_COLUMNS) for item in items)
        rows.certificates.append(tuple(certificate[column] for column in CERTIFICATE_COLUMNS))
        rows.application_events.extend(self._application_events(application))
        rows.certificate_events.extend(self._certificate_events(i, certificate))
        entry = certificate["jws"].encode("ascii")
        leaf = leaf_hash(entry)
        rows.leaves.append((i, leaf, entry, certificate["issued_at"]))
        return leaf

    # --- the application ---------------------------------------------------------------

    def _application(self, i: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        plan = self.plan
        _, type_, _ = numbering(plan, i)
        exporter = plan.exporters[i % len(plan.exporters)]
        issued_at = issued_at_of(plan, i)
        created_at = issued_at - timedelta(days=2)
        application_id = plan.application_base + i + 1
        return {
            **self._consignment(i, type_, valid_from=issued_at.date()),
            "id": application_id,
            "type": type_,
            "status": Application.Status.ISSUED,
            "submitted_at": created_at + timedelta(hours=2),
            "created_at": created_at,
            "updated_at": issued_at,
            "created_by_id": exporter.user_id,
            "exporter_id": exporter.organization_id,
            "replaces_id": self._certificate_id(i - 1) if Fate.of(plan, i).replaces_previous else None,
        }, _goods(rng, application_id=application_id, count=1 + i % 3)

    def _consignment(self, i: int, type_: str, *, valid_from: date) -> dict[str, Any]:
        destination = "BY" if type_ == Application.Type.EXPORT else "UZ"
        return {
            "consignee_name": f"Consignee {i % 997:03d} OJSC",
            "consignee_country": destination,
            "consignee_address": f"{i % 97} Independence avenue, {CITIES[(i + 3) % len(CITIES)]}",
            "consignee_tax_id": "",
            "country_of_export": "UZ" if type_ == Application.Type.EXPORT else "BY",
            "country_of_destination": destination,
            "transport_mode": Application.TransportMode.ROAD,
            "transport_details": f"Truck 01 A {i % 1000:03d} BC",
            "invoice_number": f"INV-{valid_from.year}-{i + 1:07d}",
            "invoice_date": valid_from - timedelta(days=3),
        }

    def _application_events(self, application: dict[str, Any]) -> list[EventRow]:
        created, submitted, issued = (application[k] for k in ("created_at", "submitted_at", "updated_at"))
        exporter, officer = application["created_by_id"], self.plan.officer_id
        status = Application.Status
        steps: list[Step] = [
            (created, "", status.DRAFT, "created", "", exporter),
            (submitted, status.DRAFT, status.SUBMITTED, "submitted", "", exporter),
            (issued - timedelta(seconds=30), status.SUBMITTED, status.APPROVED, "approved", "", officer),
            (issued, status.APPROVED, status.ISSUED, "issued", "", None),
        ]
        return chain(APPLICATION_STREAM, application["id"], steps)

    # --- the certificate ---------------------------------------------------------------

    def _certificate_id(self, i: int) -> int:
        return self.plan.certificate_base + i + 1

    def _certificate(
        self, i: int, application: dict[str, Any], items: list[dict[str, Any]]
    ) -> dict[str, Any]:
        year, type_, sequence = numbering(self.plan, i)
        issued_at = application["updated_at"]
        return {
            **self._signed(i, application, items),
            **self._after_issue(i, issued_at),
            "id": self._certificate_id(i),
            "status_list_index": self._certificate_id(i),
            "credential": "",  # signed after issue by a worker; `credentials_backfill` signs them
            "type": type_,
            "year": year,
            "sequence": sequence,
            "issued_at": issued_at,
            "valid_from": issued_at.date(),
            "valid_until": issued_at.date() + timedelta(days=self.plan.validity_days),
            "log_index": i,
            "pdf": "",
            "created_at": issued_at,
            "application_id": application["id"],
            "replaces_id": application["replaces_id"],
        }

    def _signed(self, i: int, application: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
        """The document, its RFC 8785 bytes and their JWS, as ``certificate_issue`` makes them."""
        issued_at = application["updated_at"]
        document = self._document(
            application,
            items,
            number=number_of(self.plan, i),
            issued_at=issued_at,
            valid_from=issued_at.date(),
            valid_until=issued_at.date() + timedelta(days=self.plan.validity_days),
            replaces=number_of(self.plan, i - 1) if application["replaces_id"] else None,
        )
        canonical = canonicalize(document)
        jws = sign_compact(payload=canonical, header=self._header, signer=self._sign)
        return {
            "number": document["number"],
            "document": canonical.decode("utf-8"),
            "canonical": canonical,
            "jws": jws,
            "jws_sha256": hashlib.sha256(jws.encode("ascii")).hexdigest(),
            "kid": self.plan.kid,
            "access_code": access_code_new(),
        }

    def _document(
        self, application: dict[str, Any], items: list[dict[str, Any]], **issue: Any
    ) -> dict[str, Any]:
        model = Application(**application)
        model.exporter = self._exporters[application["exporter_id"]]
        goods = [GoodsItem(**item) for item in items]
        return certificate_document_build(
            application=_UnsavedApplication(model, goods),  # type: ignore[arg-type]  # duck-typed, see class
            issuer=self._issuer,
            **issue,
        )

    def _after_issue(self, i: int, issued_at: datetime) -> dict[str, Any]:
        fate, status = Fate.of(self.plan, i), Certificate.Status
        if fate.revoked:
            revoked_at = min(issued_at + timedelta(days=1), self.plan.now - timedelta(minutes=1))
            return {
                **_NOT_REVOKED,
                "status": status.REVOKED,
                "revoked_at": revoked_at,
                "revocation_reason": REVOCATION_REASON,
            }
        if fate.superseded:
            return {
                **_NOT_REVOKED,
                "status": status.SUPERSEDED,
                "superseded_by_id": self._certificate_id(i + 1),
            }
        return {**_NOT_REVOKED, "status": status.ISSUED}

    def _certificate_events(self, i: int, certificate: dict[str, Any]) -> list[EventRow]:
        steps: list[Step] = [(certificate["issued_at"], "", Certificate.Status.ISSUED, "issued", "", None)]
        later = self._after_issue_step(i, certificate)
        return chain(CERTIFICATE_STREAM, certificate["id"], steps if later is None else [*steps, later])

    def _after_issue_step(self, i: int, certificate: dict[str, Any]) -> Step | None:
        status = Certificate.Status
        if certificate["status"] == status.REVOKED:
            officer = self.plan.officer_id
            return (
                certificate["revoked_at"],
                status.ISSUED,
                status.REVOKED,
                "revoked",
                REVOCATION_REASON,
                officer,
            )
        if certificate["status"] == status.SUPERSEDED:
            replacement = number_of(self.plan, i + 1)
            return (
                issued_at_of(self.plan, i + 1),
                status.ISSUED,
                status.SUPERSEDED,
                "superseded",
                replacement,
                None,
            )
        return None


def chain(stream: Stream, owner_id: int, steps: list[Step]) -> list[EventRow]:
    """Audit rows hash-linked exactly as ``certificates.audit.audit_record`` links them."""
    key, previous, rows = stream.key(owner_id), GENESIS, []
    for step in steps:
        row = EventRow(owner_id, *step, prev_hash=previous, hash="")
        previous = event_digest(stream=key, event=row)
        rows.append(row._replace(hash=previous))
    return rows


def _goods(rng: random.Random, *, application_id: int, count: int) -> list[dict[str, Any]]:
    return [_goods_item(rng, application_id=application_id, line=line) for line in range(1, count + 1)]


def _goods_item(rng: random.Random, *, application_id: int, line: int) -> dict[str, Any]:
    quantity, net, value = rng.randint(1, 50_000), rng.randint(1, 20_000_000), rng.randint(100, 100_000_000)
    return {
        "application_id": application_id,
        "line": line,
        "description": GOODS[rng.randrange(len(GOODS))],
        "hs_code": HS_CODES[rng.randrange(len(HS_CODES))],
        "quantity": Decimal(quantity).quantize(Decimal("0.001")),
        "unit": "KGM",
        "net_weight_kg": Decimal(net).scaleb(-3),
        "gross_weight_kg": Decimal(net + net // 20).scaleb(-3),
        "value": Decimal(value).scaleb(-2),
        "currency": "USD",
        "origin_country": "UZ",
    }
