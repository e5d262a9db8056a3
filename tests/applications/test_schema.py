import pytest
import yaml
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/auth/logout/": {"post"},
    "/api/v1/auth/logoutall/": {"post"},
    "/api/v1/applications/": {"get", "post"},
    "/api/v1/applications/{id}/": {"get", "patch", "delete"},
    "/api/v1/applications/{id}/submit/": {"post"},
    "/api/v1/applications/{id}/withdraw/": {"post"},
    "/api/v1/applications/{id}/approve/": {"post"},
    "/api/v1/applications/{id}/reject/": {"post"},
    "/api/v1/applications/{id}/return/": {"post"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_a_valid_openapi_document(schema):
    validate_schema(schema)


def test_schema_lists_every_applications_and_auth_operation(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_errors_are_documented_as_problem_json(schema):
    operation = schema["paths"]["/api/v1/applications/{id}/approve/"]["post"]
    for status in ("400", "401", "403", "404", "409"):
        content = operation["responses"][status]["content"]
        assert content["application/problem+json"]["schema"]["$ref"].endswith("/ApiProblem")
    create = schema["paths"]["/api/v1/applications/"]["post"]
    assert {"400", "401", "403", "422"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_put_is_not_offered(schema):
    assert "put" not in schema["paths"]["/api/v1/applications/{id}/"]
