"""Authorization matrix: every route of the URLconf × method × caller, declared in one table.

The routes are read from ``get_resolver()``, so a new route that nobody declared here
fails the completeness test by name. Another organization's objects answer 404, and
lists never carry them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from certificates.accounts.models import User
from certificates.applications.goods_template import goods_template
from certificates.applications.models import Application, SupportingDocument
from certificates.customs.inquiries.models import Inquiry
from certificates.customs.inquiries.services import inquiry_ask
from certificates.customs.matching import DeclaredLine
from certificates.customs.models import Declaration
from certificates.customs.services import declaration_record
from signing.jws import b64url_encode
from signing.transparency.cosigning import cosignature_sign
from signing.transparency.models import LogLeaf, Witness
from signing.transparency.services import checkpoint_body, checkpoint_latest
from signing.transparency.witnesses import witness_register
from signing.witness.state import public_x
from tests.applications.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    UserFactory,
    application_payload,
)
from tests.applications.uploads import pdf_bytes, upload
from tests.issuance.helpers import issue
from tests.notifications.factories import WebhookEndpointFactory
from tests.security.conftest import World, expired_token, token_for
from tests.security.portal_matrix import (
    PORTAL_KEYS,
    PORTAL_MATRIX,
    is_portal,
    portal_body,
    session_sign_in,
)

# Served by other machinery and checked elsewhere: the admin (login lockout in test_deployment),
# the schema and its docs (test_schemathesis), the browsable API's session login and logout
# (lockout and CSRF in tests/applications/test_browsable_api). /healthz, /readyz and /metrics are answered by
# middleware before the URLconf (tests/ops).
EXCLUDED_PREFIXES = ("admin/", "api-auth/", "api/schema/", "api/docs/", "api/redoc/", "static/", "media/")
PDF = pdf_bytes()
CALLERS = ("anonymous", "exporter_a", "exporter_b", "officer", "customs", "inactive", "expired")
IGNORED_METHODS = {"options", "head", "trace"}


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _methods(callback) -> set[str]:
    declared = getattr(callback, "http_methods", None)
    if declared:  # a function view limited to these (the portal's forms)
        return set(declared)
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset route: its own method → action mapping
        return set(actions) - IGNORED_METHODS
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return {"get"}
    allowed = set(view_class.http_method_names) - IGNORED_METHODS
    return {method for method in allowed if hasattr(view_class, method)}


def _readable(pattern: str) -> str:
    """``^api/v1/applications/(?P<pk>[^/.]+)/$`` → ``api/v1/applications/{pk}/``."""
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    return text.replace("^", "").replace("$", "").replace("\\.", ".")


def routes() -> list[tuple[str, str]]:
    found = set()
    for pattern, callback in _walk(get_resolver().url_patterns):
        route = _readable(pattern)
        if route.startswith(EXCLUDED_PREFIXES) or "{format}" in route or "format_suffix" in route:
            continue
        for method in _methods(callback):
            found.add((route, method.upper()))
    return sorted(found)


# Expected status per caller, in CALLERS order:
# anonymous, exporter A (owner), exporter B (other organization), officer, customs, inactive, expired.
# Objects in the URLs belong to exporter A; "draft"/"submitted"/"issued" name their state.
A = "api/v1/applications/{pk}/"
C = "api/v1/certificates/{number}/"
W = "api/v1/webhooks/{endpoint_id}/"
D = "api/v1/applications/{id}/documents/"
MULTIPART = {(D, "POST"), ("api/v1/applications/{id}/items/import", "POST")}
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    (".well-known/jwks.json", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/keys/", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/log/checkpoint", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/log/inclusion", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/log/consistency", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/log/witnesses", "GET"): (200, 200, 200, 200, 200, 200, 200),
    # Entries are whole certificates: customs and witnesses' users (customs) only.
    ("api/v1/log/entries", "GET"): (401, 403, 403, 403, 200, 401, 401),
    # The body is a cosignature of the world's customs user's witness: stored for it, 400 for the others.
    ("api/v1/log/cosignatures/", "POST"): (401, 400, 400, 400, 201, 401, 401),
    ("api/v1/status/bundle", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/status/revocation-list", "GET"): (200, 200, 200, 200, 200, 200, 200),
    (".well-known/did.json", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("issuers/{country}/did.json", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/verify/", "POST"): (200, 200, 200, 200, 200, 401, 401),
    ("v/{number}", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/app", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/scan", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/verify.js", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/scan.js", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/vendor/jsqr/jsQR.js", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/sw.js", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/manifest.webmanifest", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("v/icon.svg", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("problems/{code}", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("api/v1/verifications/", "GET"): (401, 403, 403, 403, 200, 401, 401),
    ("api/v1/auth/token/", "POST"): (201, 201, 201, 201, 201, 201, 201),
    ("api/v1/auth/logout/", "POST"): (401, 204, 204, 204, 204, 401, 401),
    ("api/v1/auth/logoutall/", "POST"): (401, 204, 204, 204, 204, 401, 401),
    ("api/v1/applications/", "GET"): (401, 200, 200, 200, 403, 401, 401),
    ("api/v1/applications/", "POST"): (401, 201, 201, 403, 403, 401, 401),
    (A, "GET"): (401, 200, 404, 200, 403, 401, 401),
    (A, "PATCH"): (401, 200, 404, 403, 403, 401, 401),
    (A, "DELETE"): (401, 204, 404, 403, 403, 401, 401),
    (A + "submit/", "POST"): (401, 200, 404, 403, 403, 401, 401),
    (A + "withdraw/", "POST"): (401, 200, 404, 403, 403, 401, 401),
    (A + "approve/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    (A + "reject/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    (A + "return/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    (A + "assign/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    (D, "GET"): (401, 200, 404, 200, 403, 401, 401),
    (D, "POST"): (401, 201, 404, 403, 403, 401, 401),
    (D + "{doc_id}", "GET"): (401, 200, 404, 200, 403, 401, 401),
    (D + "{doc_id}", "DELETE"): (401, 204, 404, 403, 403, 401, 401),
    (D + "{doc_id}/content", "GET"): (401, 200, 404, 200, 403, 401, 401),
    ("api/v1/applications/{id}/items/import", "POST"): (401, 200, 404, 403, 403, 401, 401),
    ("api/v1/applications/items-template", "GET"): (401, 200, 200, 200, 403, 401, 401),
    ("api/v1/certificates/", "GET"): (401, 200, 200, 200, 200, 401, 401),
    (C, "GET"): (401, 200, 404, 200, 200, 401, 401),
    (C + "revoke/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    (C + "replace/", "POST"): (401, 403, 403, 202, 403, 401, 401),
    (C + "declarations/", "GET"): (401, 200, 404, 200, 200, 401, 401),
    (C + "declarations/", "POST"): (401, 403, 403, 403, 201, 401, 401),
    ("api/v1/declarations/", "GET"): (401, 403, 403, 403, 200, 401, 401),
    ("api/v1/declarations/{declaration_id}/annul/", "POST"): (401, 403, 403, 403, 200, 401, 401),
    (C + "inquiries/", "POST"): (401, 403, 403, 403, 201, 401, 401),
    ("api/v1/inquiries/", "GET"): (401, 403, 403, 200, 200, 401, 401),
    ("api/v1/inquiries/{inquiry_id}/answer/", "POST"): (401, 403, 403, 200, 403, 401, 401),
    ("api/v1/certificates/{number}/document", "GET"): (401, 200, 404, 200, 200, 401, 401),
    ("api/v1/certificates/{number}/pdf", "GET"): (401, 200, 404, 200, 200, 401, 401),
    ("api/v1/certificates/{number}/credential", "GET"): (401, 200, 404, 200, 200, 401, 401),
    ("api/v1/webhooks/", "GET"): (401, 200, 200, 403, 200, 401, 401),
    ("api/v1/webhooks/", "POST"): (401, 201, 201, 403, 201, 401, 401),
    (W, "GET"): (401, 200, 404, 403, 404, 401, 401),
    (W, "PATCH"): (401, 200, 404, 403, 404, 401, 401),
    (W, "DELETE"): (401, 204, 404, 403, 404, 401, 401),
    (W + "rotate-secret/", "POST"): (401, 200, 404, 403, 404, 401, 401),
    (W + "deliveries/", "GET"): (401, 200, 404, 403, 404, 401, 401),
    (W + "deliveries/{delivery_id}/redeliver/", "POST"): (401, 202, 404, 403, 404, 401, 401),
    ("api/v1/me/notification-preferences/", "GET"): (401, 200, 200, 200, 200, 401, 401),
    ("api/v1/me/notification-preferences/", "PATCH"): (401, 200, 200, 200, 200, 401, 401),
    **PORTAL_MATRIX,
}


def _client(world: World, caller: str, route: str = "") -> APIClient:
    if is_portal(route):
        return _session_client(world, caller)
    users = {
        "exporter_a": world.exporter_a,
        "exporter_b": world.exporter_b,
        "officer": world.officer,
        "customs": world.customs,
    }
    client = APIClient()
    if caller in users:
        token = token_for(users[caller])  # fresh per request: logout revokes it
    elif caller == "inactive":
        user = UserFactory(role=User.Role.EXPORTER, organization=world.exporter_a.organization)
        token = token_for(user)
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif caller == "expired":
        token = expired_token(world.exporter_a)
    else:
        return client
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _session_client(world: World, caller: str) -> APIClient:
    """The portal's callers sign in by session; an expired API token is no session at all."""
    client = APIClient()
    users = {"exporter_a": world.exporter_a, "exporter_b": world.exporter_b}
    users |= {"officer": world.officer, "customs": world.customs}
    if caller == "inactive":
        users[caller] = UserFactory(role=User.Role.EXPORTER, organization=world.exporter_a.organization)
    if caller in users:
        session_sign_in(client, users[caller])
    if caller == "inactive":
        User.objects.filter(pk=users[caller].pk).update(is_active=False)
    return client


def _application(world: World, state: str) -> Application:
    exporter = world.exporter_a
    return ApplicationFactory(exporter=exporter.organization, created_by=exporter, status=state)


def _target(world: World, route: str, method: str) -> tuple[str, dict | None]:
    """The URL (objects of exporter A, fresh when the request changes them) and the body."""
    changes = method != "GET"
    application = world.applications["submitted"]
    if "{pk}" in route or "{id}" in route:
        decided = ("approve/", "reject/", "return/", "withdraw/", "assign/")
        state = "submitted" if route.endswith(decided) else "draft"
        application = _application(world, state) if changes else application
    doc_id = _document(application).pk if "{doc_id}" in route else 0
    certificate = world.certificate
    if "{number}" in route and changes:
        certificate = issue(_application(world, "submitted"), world.officer)
    endpoint = world.webhook_a
    if "{endpoint_id}" in route and method in ("DELETE", "POST") and "redeliver" not in route:
        endpoint = WebhookEndpointFactory(organization=world.exporter_a.organization)
    declaration_id = _declaration(world).pk if "{declaration_id}" in route else 0
    inquiry_id = _inquiry(world).pk if "{inquiry_id}" in route else 0
    url = "/" + route.format(
        declaration_id=declaration_id,
        inquiry_id=inquiry_id,
        pk=application.pk,
        id=application.pk,
        doc_id=doc_id,
        number=certificate.number,
        endpoint_id=endpoint.pk,
        delivery_id=world.delivery_a.pk,
        code="validation_error",
        country="uz",
        **PORTAL_KEYS,
    )
    tree_size = LogLeaf.objects.count()
    url += {
        "api/v1/log/inclusion": f"?number={world.certificate.number}&tree_size={tree_size}",
        "api/v1/log/consistency": f"?first=1&second={tree_size}",
        "api/v1/log/entries": f"?start=0&end={tree_size}",
    }.get(route, "")
    return url, portal_body(route, method) if is_portal(route) else _body(world, route, method)


def _declaration(world: World) -> Declaration:
    """A declaration recorded by the world's customs against a fresh certificate of exporter A."""
    declaration, _ = declaration_record(
        certificate=issue(_application(world, "submitted"), world.officer),
        actor=world.customs,
        declaration_number="DT-1",
        declared_at=timezone.now(),
        customs_office="06611",
        lines=[DeclaredLine(item_line=1, hs_code="520512", quantity=Decimal("1"), unit="KGM")],
    )
    return declaration


def _document(application: Application) -> SupportingDocument:
    """A stored PDF on the application, whatever its state (the services attach only to editable ones)."""
    document = SupportingDocument(
        application=application,
        kind="invoice",
        display_name="invoice.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )
    document.file.save("invoice.pdf", ContentFile(PDF))
    return document


def _inquiry(world: World) -> Inquiry:
    """An open inquiry of the world's customs about a fresh certificate of exporter A."""
    certificate = issue(_application(world, "submitted"), world.officer)
    return inquiry_ask(certificate=certificate, actor=world.customs, question="Issued as printed?")


def _body(world: World, route: str, method: str) -> dict | None:
    reason = {"reason": "The HS code of line 1 is wrong."}
    bodies = {
        ("api/v1/applications/", "POST"): application_payload(),
        (A, "PATCH"): {"transport": {"mode": "rail", "details": "Wagon 42"}},
        (A + "reject/", "POST"): reason,
        (A + "return/", "POST"): reason,
        (C + "revoke/", "POST"): reason,
        ("api/v1/declarations/{declaration_id}/annul/", "POST"): reason,
        (C + "inquiries/", "POST"): {"question": "Was line 1 issued as printed?"},
        ("api/v1/inquiries/{inquiry_id}/answer/", "POST"): {"answer": "Yes, as printed.", "confirmed": True},
        (C + "replace/", "POST"): {},
        ("api/v1/verify/", "POST"): {"number": world.certificate.number},
        (C + "declarations/", "POST"): {
            "declaration_number": "DT-1",
            "declared_at": timezone.now().isoformat(),
            "customs_office": "06611",
            "lines": [{"item_line": 1, "hs_code": "520512", "quantity": "1.000", "unit": "KGM"}],
        },
        ("api/v1/auth/token/", "POST"): {"username": world.exporter_a.username, "password": DEFAULT_PASSWORD},
        ("api/v1/webhooks/", "POST"): {
            "url": "https://93.184.216.34/hook",
            "event_types": ["certificate.issued"],
        },
        (W, "PATCH"): {"description": "ERP"},
        ("api/v1/me/notification-preferences/", "PATCH"): {"email_optional": False},
        (D, "POST"): {"kind": "invoice", "file": upload("invoice.pdf", PDF)},
        ("api/v1/applications/{id}/items/import", "POST"): {
            "file": upload("goods.csv", goods_template("csv").content)
        },
    }
    if (route, method) == ("api/v1/log/cosignatures/", "POST"):
        return {"signature": _cosignature(world)}
    return bodies.get((route, method))


WITNESS_KEY = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)


def _cosignature(world: World) -> str:
    """A cosignature of the current checkpoint by a witness whose user is the world's customs user."""
    x = b64url_encode(public_x(WITNESS_KEY))
    witness = Witness.objects.filter(user=world.customs).first() or witness_register(
        name="Customs of the matrix", user=world.customs, public_key=x
    )
    checkpoint = checkpoint_latest()
    body = checkpoint_body(
        tree_size=checkpoint.tree_size, root_hash=bytes(checkpoint.root_hash), timestamp=checkpoint.timestamp
    )
    return cosignature_sign(
        checkpoint=body, kid=witness.kid, cosigned_at=timezone.now(), signer=WITNESS_KEY.sign
    )


def test_every_route_of_the_urlconf_is_declared_in_the_matrix():
    missing = [f"{method} /{route}" for route, method in routes() if (route, method) not in MATRIX]
    assert not missing, "routes missing from the authorization matrix: " + ", ".join(missing)
    stale = [f"{method} /{route}" for route, method in MATRIX if (route, method) not in set(routes())]
    assert not stale, "matrix rows for routes that no longer exist: " + ", ".join(stale)


def test_every_route_answers_each_caller_as_the_matrix_declares(world):
    mismatches = []
    for (route, method), expected in MATRIX.items():
        for caller, status in zip(CALLERS, expected, strict=True):
            cache.clear()
            url, body = _target(world, route, method)
            client = _client(world, caller, route)
            kind = "multipart" if (route, method) in MULTIPART or is_portal(route) else "json"
            response = getattr(client, method.lower())(url, body, format=kind)
            if response.status_code != status:
                mismatches.append(f"{method} {url} as {caller}: {response.status_code}, expected {status}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize(
    ("url", "key"),
    [("/api/v1/applications/", "id"), ("/api/v1/certificates/", "number"), ("/api/v1/webhooks/", "id")],
)
def test_lists_never_show_another_organizations_objects(world, url, key):
    response = _client(world, "exporter_b").get(url, {"page_size": 100})
    assert response.status_code == 200
    seen = {row[key] for row in response.json()["results"]}
    theirs = {
        "/api/v1/applications/": {application.pk for application in world.applications.values()},
        "/api/v1/certificates/": {world.certificate.number},
        "/api/v1/webhooks/": {world.webhook_a.pk},
    }[url]
    assert seen, "exporter B sees its own objects"
    assert not seen & theirs


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/{draft}/",
        "/api/v1/certificates/{number}/",
        "/api/v1/certificates/{number}/document",
        "/api/v1/certificates/{number}/credential",
        "/api/v1/webhooks/{webhook}/",
        "/api/v1/webhooks/{webhook}/deliveries/",
    ],
)
def test_exporter_gets_404_for_another_organizations_object_ids(world, path):
    url = path.format(
        draft=world.applications["draft"].pk, number=world.certificate.number, webhook=world.webhook_a.pk
    )
    response = _client(world, "exporter_b").get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
