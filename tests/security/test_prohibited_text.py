"""NUL and lone surrogates in every string the API and the admin accept: a 400 naming the field.

The operations and their string fields come from ``/api/schema/``: request body properties
(nested objects and list items included), string query parameters and string path
parameters. Each is sent ``"A\\u0000B"`` and ``"A\\ud800B"`` by the first caller the
authorization matrix lets through, on the objects the matrix targets. A body or query field
answers 400 with an error at its dotted path, a path parameter 404, and no table changes.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from certificates.accounts.models import Organization, User
from certificates.applications.models import Application, GoodsItem
from certificates.issuance.models import Certificate
from certificates.notifications.models import WebhookEndpoint
from tests.security.conftest import World
from tests.security.test_authorization_matrix import MATRIX, _client, _target
from tests.security.test_hostile_bodies import first_caller_let_through

NUL, SURROGATE = "A\x00B", "A\ud800B"
CODES = {NUL: "null_character", SURROGATE: "unpaired_surrogate"}
# Django decodes a query string with replacement characters: "%ED%A0%80" arrives as U+FFFD.
QUERY_SURROGATE = "A%ED%A0%80B"
WATCHED: tuple[type[Model], ...] = (Application, GoodsItem, Certificate, WebhookEndpoint, Organization, User)


def _rows() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


def _route(path: str) -> str:
    """``/api/v1/applications/{id}/`` → the matrix's ``api/v1/applications/{pk}/``."""
    shape = _shape(path.lstrip("/"))
    return next(route for route, _ in MATRIX if _shape(route) == shape)


def _shape(route: str) -> str:
    return "/".join("{}" if part.startswith("{") else part for part in route.split("/"))


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            merged: dict = {"type": "object", "properties": {}}
            for part in node[key]:
                merged["properties"].update(_resolved(schema, part).get("properties", {}))
            return merged
    return node


def string_paths(schema: dict, node: dict, path: tuple = ()) -> list[tuple]:
    """Every path to a string in a body of ``node``'s shape; list items as index 0."""
    node = _resolved(schema, node)
    if node.get("type") == "string":
        return [path]
    if node.get("type") == "array":
        return string_paths(schema, node.get("items", {}), (*path, 0))
    return [
        found
        for name, member in node.get("properties", {}).items()
        if not member.get("readOnly")
        for found in string_paths(schema, member, (*path, name))
    ]


def _with(body: object, path: tuple, value: str) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = body if isinstance(body, list) and body else [{}]
        return [_with(items[0], rest, value)]
    members = dict(body) if isinstance(body, dict) else {}
    members[head] = _with(members.get(head, {}), rest, value)
    return members


@pytest.fixture
def api_schema(db) -> dict:
    return Client().get("/api/schema/", {"format": "json"}).json()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["code"] for error in response.json().get("errors", [])}


def _knock(world: World, path: str, method: str, change) -> tuple[object, bool]:
    """One request as the first caller let through; the response and whether any table changed."""
    route = _route(path)
    url, body = _target(world, route, method)
    url, body = change(url, copy.deepcopy(body) if body is not None else {})
    client = _client(world, first_caller_let_through(route, method))
    client.raise_request_exception = False
    before = _rows()
    data = json.dumps(body) if method in ("POST", "PUT", "PATCH") else None  # ensure_ascii: "\ud800"
    response = client.generic(method, url, data or "", content_type="application/json")
    return response, _rows() != before


def body_cases(schema: dict, operation: dict) -> list[tuple]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return [
        (".".join(map(str, field)), bad, _body_changer(field, bad), 400)
        for field in (string_paths(schema, content["schema"]) if content else [])
        for bad in (NUL, SURROGATE)
    ]


def parameter_cases(path: str, operation: dict) -> list[tuple]:
    cases = []
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter.get("schema", {}).get("type") != "string":
            continue
        if parameter["in"] == "query":
            cases.append((name, NUL, _query_changer(name, "A%00B"), 400))
            cases.append((name, SURROGATE, _query_changer(name, QUERY_SURROGATE), None))
        elif parameter["in"] == "path":
            cases += [(name, raw, _path_changer(path, name, raw), 404) for raw in ("A%00B", QUERY_SURROGATE)]
    return cases


def _body_changer(field: tuple, bad: str):
    return lambda url, body: (url, _with(body, field, bad))


def _query_changer(name: str, raw: str):
    return lambda url, body: (f"{url}{'&' if '?' in url else '?'}{name}={raw}", body)


def _finding(response, changed: bool, field: str, bad: str, expected: int | None) -> str | None:
    if response.status_code >= 500 or changed:
        return f"{response.status_code}{', a table changed' if changed else ''}"
    if expected == 400 and (response.status_code != 400 or _errors(response).get(field) != CODES[bad]):
        return f"{response.status_code} {_errors(response)}"
    if expected == 404 and response.status_code != 404:
        return f"{response.status_code}, expected 404"
    return None


def test_every_string_of_every_operation_refuses_nul_and_lone_surrogates(world, api_schema, capsys):
    findings, sent, fields, covered = [], 0, 0, set()
    for path, method, operation in operations(api_schema):
        cases = body_cases(api_schema, operation) + parameter_cases(path, operation)
        fields += len({case[0] for case in cases})
        for field, bad, change, expected in cases:
            covered.add((path, method))
            sent += 1
            response, changed = _knock(world, path, method, change)
            problem = _finding(response, changed, field, bad, expected)
            if problem:
                findings.append(f"{method} {path} {field}={bad!r}: {problem}")
    with capsys.disabled():
        print(f"\nprohibited text: {len(covered)} operations, {fields} string fields, {sent} requests")
    assert not findings, "\n".join(findings)


def _path_changer(path: str, name: str, raw: str):
    """Puts ``raw`` in the URL where the schema has ``{name}``."""
    position = path.strip("/").split("/").index("{" + name + "}")

    def change(url: str, body: object) -> tuple[str, object]:
        route, _, query = url.partition("?")
        parts = route.strip("/").split("/")
        parts[position] = raw
        tail = "/" if route.endswith("/") else ""
        return "/" + "/".join(parts) + tail + (f"?{query}" if query else ""), body

    return change


def test_a_nul_in_an_admin_change_form_or_search_is_a_400_naming_the_field(admin_client, world):
    organization = world.exporter_a.organization
    url = reverse("admin:certificates_organization_change", args=[organization.pk])
    form = {"kind": organization.kind, "name": NUL, "country": "UZ", "tax_id": organization.tax_id}
    before = _rows()
    response = admin_client.post(url, form)
    assert response.status_code == 400
    assert "<code>name</code>: NUL characters (U+0000) are not allowed." in response.content.decode()
    assert _rows() == before
    search = admin_client.get(reverse("admin:certificates_organization_changelist"), {"q": NUL})
    assert search.status_code == 400
    assert "<code>q</code>" in search.content.decode()


def test_the_problem_is_translated(world):
    client = _client(world, "exporter_a")
    response = client.generic(
        "PATCH",
        f"/api/v1/applications/{world.applications['draft'].pk}/",
        json.dumps({"replaces": NUL, "items": [{"description": SURROGATE}]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert messages == {
        "replaces": "Символы NUL (U+0000) не допускаются.",
        "items.0.description": "Непарные суррогаты (U+D800–U+DFFF) не допускаются.",
    }
