"""Resource limits: body size, page size, JSON nesting depth, goods items per application."""

from __future__ import annotations

import io
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.applications.models import Application
from certsvc.parsers import JSONParser, json_depth
from tests.applications.factories import ApplicationFactory, api_client_for, application_payload, item_payload

PROBLEM = "application/problem+json"
JSON = "application/json"


def _assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM)
    body = json.loads(response.content)
    assert body["status"] == status
    return body


def test_a_two_megabyte_json_body_is_refused_with_413_before_it_is_read(world):
    before = Application.objects.count()
    body = application_payload(items=[item_payload(0, description="x" * (2 * 1024 * 1024))])
    response = api_client_for(world.exporter_a).post("/api/v1/applications/", body, format="json")
    problem = _assert_problem(response, 413)
    assert problem["code"] == "request_too_large"
    assert Application.objects.count() == before


def test_anonymous_large_bodies_are_refused_too(client):
    response = client.post("/api/v1/verify/", "[" * (2 * 1024 * 1024), content_type="application/json")
    _assert_problem(response, 413)


def test_a_body_too_large_for_django_once_read_is_also_413(world, client, settings):
    # The declared length passes the middleware; Django refuses while reading the form.
    settings.MAX_REQUEST_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/admin/login/", {"username": "x" * 4096, "password": "y"})
    _assert_problem(response, 413)


def test_page_size_is_capped_at_max_page_size(world, settings):
    settings.MAX_PAGE_SIZE = 3
    for _ in range(4):
        ApplicationFactory(exporter=world.exporter_a.organization, created_by=world.exporter_a, items=0)
    client = api_client_for(world.exporter_a)
    response = client.get("/api/v1/applications/", {"page_size": 100000})
    assert response.status_code == 200
    assert response.json()["count"] > 3
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_nested_ten_thousand_deep_is_a_400_problem_not_a_500(world, opener):
    closer = "]" if opener == "[" else "}"
    body = opener * 10_000 + "1" + closer * 10_000
    client = api_client_for(world.exporter_a)
    response = client.post("/api/v1/applications/", body, content_type="application/json")
    problem = _assert_problem(response, 400)
    assert "nested" in problem["detail"]


def test_reasonable_nesting_still_parses(world):
    response = api_client_for(world.exporter_a).post(
        "/api/v1/applications/", application_payload(), format="json"
    )
    assert response.status_code == 201


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[{{{{", "b": ["\\"]]]", [1]]}') == 3
    assert json_depth("[]") == 1
    assert json_depth('"just a string"') == 0


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


_TRICKY_TEXT = st.text(alphabet='"\\[]{}a', max_size=6)
_JSON_VALUES = st.recursive(
    st.none() | st.integers() | _TRICKY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TRICKY_TEXT, children, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES, st.sampled_from([None, 0]))
def test_json_depth_is_the_depth_of_any_value_whatever_its_strings_hold(value, indent):
    # Empty strings side by side, quotes, backslashes and brackets inside strings included.
    assert json_depth(json.dumps(value, indent=indent, separators=(",", ":"))) == _depth(value)


def test_a_body_of_more_values_than_the_limit_is_a_400_problem(world, settings):
    settings.MAX_JSON_VALUES = 100
    body = json.dumps(application_payload(items=[item_payload(n) for n in range(20)]))
    response = api_client_for(world.exporter_a).post("/api/v1/applications/", body, content_type=JSON)
    assert "more than 100 values" in _assert_problem(response, 400)["detail"]


def test_an_object_of_more_members_than_the_limit_is_a_400_problem(client):
    body = json.dumps({f"member{n}": 0 for n in range(257)})
    response = client.post("/api/v1/verify/", body, content_type=JSON)
    assert "more than 256 members" in _assert_problem(response, 400)["detail"]


def test_the_largest_application_is_within_the_parser_limits():
    body = json.dumps(application_payload(items=[item_payload(n) for n in range(500)])).encode()
    data = JSONParser().parse(io.BytesIO(body), JSON, {"encoding": "utf-8"})
    assert len(data["items"]) == 500


def test_a_charset_that_is_no_unicode_encoding_is_a_415_problem(client):
    # DRF would inflate it: zlib is a codec Python knows, but not a text encoding.
    body = zlib.compress(b"{}")
    response = client.generic("POST", "/api/v1/verify/", body, content_type=f"{JSON}; charset=zlib")
    _assert_problem(response, 415)


def test_json_in_utf_16_still_parses(world, client):
    body = json.dumps({"number": "UZBY-NO-SUCH-NUMBER"}).encode("utf-16")
    response = client.generic("POST", "/api/v1/verify/", body, content_type=f"{JSON}; charset=utf-16")
    assert response.status_code == 200
    assert response.json()["valid"] is False


def test_501_goods_items_are_refused_naming_items(world):
    before = Application.objects.count()
    body = application_payload(items=[item_payload(n) for n in range(501)])
    response = api_client_for(world.exporter_a).post("/api/v1/applications/", body, format="json")
    problem = _assert_problem(response, 400)
    assert "items" in {error["field"] for error in problem["errors"]}
    assert Application.objects.count() == before
