"""docs/examples/application.json is a valid first application; every request body has an example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from certificates.accounts.models import User
from tests.applications.factories import UserFactory
from tests.services import BASE_DIR

EXAMPLE = Path(BASE_DIR) / "docs" / "examples" / "application.json"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def exporter_api(db):
    api = APIClient()
    api.force_authenticate(UserFactory(role=User.Role.EXPORTER))
    return api


def request_examples(operation):
    return {
        name: example["value"]
        for content in operation["requestBody"]["content"].values()
        for name, example in content.get("examples", {}).items()
    }


def test_the_example_application_is_created_as_is(exporter_api):
    response = exporter_api.post(
        "/api/v1/applications/", EXAMPLE.read_bytes(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert [item["line"] for item in body["items"]] == [1, 2]


def test_every_operation_with_a_request_body_has_an_example(schema):
    with_body, without_example = [], []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None or "requestBody" not in operation:
                continue
            with_body.append(f"{method.upper()} {path}")
            if not request_examples(operation):
                without_example.append(f"{method.upper()} {path}")
    assert len(with_body) >= 11, with_body
    assert without_example == []


def test_the_schema_shows_the_example_file_and_its_examples_are_accepted(schema, exporter_api):
    create = request_examples(schema["paths"]["/api/v1/applications/"]["post"])
    assert list(create.values()) == [json.loads(EXAMPLE.read_text(encoding="utf-8"))]
    created = exporter_api.post("/api/v1/applications/", next(iter(create.values())), format="json")
    assert created.status_code == 201, created.content
    changes = request_examples(schema["paths"]["/api/v1/applications/{id}/"]["patch"])
    assert changes
    for name, change in changes.items():
        changed = exporter_api.patch(f"/api/v1/applications/{created.json()['id']}/", change, format="json")
        assert changed.status_code == 200, (name, changed.content)


def test_the_schema_description_names_the_contract_in_the_repository(schema):
    description = schema["info"]["description"]
    assert "`docs/contract.md` in the certsvc source repository" in description
    assert (Path(BASE_DIR) / "docs" / "contract.md").is_file()
    assert "docs/examples/application.json" in description
    assert EXAMPLE.is_file()
