"""The public log endpoints, exactly as CONTRACT §5 fixes them."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785
from rest_framework.test import APIClient

from signing.services import jws_verify
from signing.transparency import merkle
from signing.transparency.services import CHECKPOINT_TYP
from tests.transparency import reference
from tests.transparency.conftest import NUMBER_PREFIX, append_entries, entry_for

ITEMS = [entry_for(i) for i in range(21)]
PROBLEM = "application/problem+json"


def b64(text: str) -> bytes:
    """Strict standard base64 with padding: anything else fails the test."""
    assert len(text) % 4 == 0
    return base64.b64decode(text, validate=True)


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def log(db):
    append_entries(ITEMS)
    return ITEMS


@pytest.fixture
def number_resolver(settings):
    settings.TRANSPARENCY_NUMBER_RESOLVER = "tests.transparency.conftest.resolve_number"


def test_the_checkpoint_is_signed_json_of_size_root_and_time(client, log, active_key):
    response = client.get("/api/v1/log/checkpoint")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"tree_size", "root_hash", "timestamp", "signature", "cosignatures"}
    assert (body["tree_size"], body["cosignatures"]) == (21, [])
    assert b64(body["root_hash"]) == reference.mth(log)
    assert body["timestamp"].endswith("Z")
    verified = jws_verify(token=body["signature"], expected_typ=CHECKPOINT_TYP)
    assert verified.header["typ"] == "certsvc-checkpoint+jws"
    # The signature covers neither itself nor the cosignatures added after it (CONTRACT §11).
    unsigned = {key: value for key, value in body.items() if key not in ("signature", "cosignatures")}
    assert json.loads(verified.payload) == unsigned
    assert verified.payload == rfc8785.dumps(unsigned)


def test_the_checkpoint_follows_the_log_as_it_grows(client, log, active_key):
    first = client.get("/api/v1/log/checkpoint").json()
    assert client.get("/api/v1/log/checkpoint").json() == first
    append_entries([b"one more"])
    second = client.get("/api/v1/log/checkpoint").json()
    assert second["tree_size"] == 22
    assert b64(second["root_hash"]) == reference.mth([*log, b"one more"])


def test_the_checkpoint_endpoint_ignores_credentials_and_needs_none(client, log, active_key):
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/log/checkpoint").status_code == 200


def test_without_any_signed_checkpoint_the_endpoint_answers_503(client, log):
    response = client.get("/api/v1/log/checkpoint")
    assert response.status_code == 503
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "log_unsigned"


def test_inclusion_by_leaf_index_verifies_against_the_root_of_the_requested_size(client, log):
    response = client.get("/api/v1/log/inclusion", {"leaf_index": 5, "tree_size": 13})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"leaf_index", "tree_size", "leaf_hash", "audit_path"}
    assert (body["leaf_index"], body["tree_size"]) == (5, 13)
    assert b64(body["leaf_hash"]) == reference.leaf(log[5])
    audit_path = [b64(h) for h in body["audit_path"]]
    assert audit_path == reference.path(5, log[:13])
    assert merkle.verify_inclusion(
        leaf_hash=b64(body["leaf_hash"]), leaf_index=5, tree_size=13, audit_path=audit_path,
        root_hash=reference.mth(log[:13]),
    )  # fmt: skip


def test_inclusion_by_number_uses_the_configured_resolver_and_the_current_size(client, log, number_resolver):
    response = client.get("/api/v1/log/inclusion", {"number": f"{NUMBER_PREFIX}17"})
    assert response.status_code == 200
    body = response.json()
    assert (body["leaf_index"], body["tree_size"]) == (17, 21)
    assert [b64(h) for h in body["audit_path"]] == reference.path(17, log)


def test_inclusion_by_an_unknown_number_is_a_404_problem(client, log, number_resolver):
    response = client.get("/api/v1/log/inclusion", {"number": "UZBY-2026-EX-999999"})
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "log_number_unknown"


def test_inclusion_by_number_without_a_resolver_is_a_404_problem(client, log, settings):
    settings.TRANSPARENCY_NUMBER_RESOLVER = ""
    assert client.get("/api/v1/log/inclusion", {"number": f"{NUMBER_PREFIX}1"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"leaf_index": 13, "tree_size": 13}, "log_index_out_of_range"),
        ({"leaf_index": 0, "tree_size": 22}, "log_size_out_of_range"),
        ({"leaf_index": 21}, "log_index_out_of_range"),
        ({"leaf_index": -1}, "validation_error"),
        ({"leaf_index": "x"}, "validation_error"),
        ({"tree_size": 5}, "validation_error"),
        ({"leaf_index": 1, "number": f"{NUMBER_PREFIX}1"}, "validation_error"),
    ],
)
def test_impossible_inclusion_requests_are_400_problems(client, log, number_resolver, params, code):
    response = client.get("/api/v1/log/inclusion", params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code


def test_consistency_proof_verifies_between_the_two_roots(client, log):
    response = client.get("/api/v1/log/consistency", {"first": 6, "second": 19})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"first", "second", "proof"}
    assert (body["first"], body["second"]) == (6, 19)
    proof = [b64(h) for h in body["proof"]]
    assert proof == reference.proof(6, log[:19])
    assert merkle.verify_consistency(
        first=6,
        second=19,
        first_root=reference.mth(log[:6]),
        second_root=reference.mth(log[:19]),
        proof=proof,
    )


def test_consistency_of_a_size_with_itself_is_the_empty_proof(client, log):
    response = client.get("/api/v1/log/consistency", {"first": 21, "second": 21})
    assert response.json() == {"first": 21, "second": 21, "proof": []}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"first": 7, "second": 6}, "log_bad_range"),
        ({"first": 1, "second": 22}, "log_size_out_of_range"),
        ({"first": 0, "second": 6}, "validation_error"),
        ({"first": 3}, "validation_error"),
        ({"second": 3}, "validation_error"),
        ({"first": "a", "second": 3}, "validation_error"),
    ],
)
def test_impossible_consistency_requests_are_400_problems(client, log, params, code):
    response = client.get("/api/v1/log/consistency", params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code


def test_the_log_endpoints_are_described_in_the_openapi_schema(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in ("/api/v1/log/checkpoint", "/api/v1/log/inclusion", "/api/v1/log/consistency"):
        assert "get" in paths[path]
    inclusion = paths["/api/v1/log/inclusion"]["get"]
    assert {p["name"] for p in inclusion["parameters"]} == {"number", "leaf_index", "tree_size"}
    assert {"200", "400", "404"} <= set(inclusion["responses"])


def test_an_inclusion_request_costs_two_queries(client, log, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/log/inclusion", {"leaf_index": 20})
    assert response.status_code == 200
