"""Every applications endpoint × every caller, in one table."""

import pytest

from certificates.applications.models import Application
from tests.applications.factories import ApplicationFactory, api_client_for, application_payload

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "exporter_a", "exporter_b", "officer", "customs"]

# endpoint: (method, path suffix, body, status the application starts in, expected status per role)
MATRIX = {
    "list": ("get", None, None, "submitted", [401, 200, 200, 200, 403]),
    "create": ("post", None, "payload", "draft", [401, 201, 201, 403, 403]),
    "retrieve": ("get", "", None, "submitted", [401, 200, 404, 200, 403]),
    "retrieve draft": ("get", "", None, "draft", [401, 200, 404, 404, 403]),
    "update": ("patch", "", {"transport": {"mode": "rail"}}, "draft", [401, 200, 404, 403, 403]),
    "delete": ("delete", "", None, "draft", [401, 204, 404, 403, 403]),
    "submit": ("post", "submit/", None, "draft", [401, 200, 404, 403, 403]),
    "withdraw": ("post", "withdraw/", None, "submitted", [401, 200, 404, 403, 403]),
    "approve": ("post", "approve/", None, "submitted", [401, 403, 403, 200, 403]),
    "reject": ("post", "reject/", {"reason": "incomplete"}, "submitted", [401, 403, 403, 200, 403]),
    "return": ("post", "return/", {"reason": "fix line 1"}, "submitted", [401, 403, 403, 200, 403]),
}
CASES = [
    pytest.param(endpoint, role, expected[index], id=f"{endpoint}-{role}")
    for endpoint, (*_, expected) in MATRIX.items()
    for index, role in enumerate(ROLES)
]


@pytest.fixture
def callers(exporter, other_exporter, officer, customs):
    return {
        "anonymous": None,
        "exporter_a": exporter,
        "exporter_b": other_exporter,
        "officer": officer,
        "customs": customs,
    }


@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES)
def test_role_matrix(endpoint, role, expected, callers, exporter, django_capture_on_commit_callbacks):
    method, suffix, body, start_status, _ = MATRIX[endpoint]
    application = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status=start_status)
    url = "/api/v1/applications/" + ("" if suffix is None else f"{application.pk}/{suffix}")
    payload = application_payload() if body == "payload" else body
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(api_client_for(callers[role]), method)(url, payload, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_exporter_list_holds_only_its_own_organizations_applications(exporter, other_exporter):
    own = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    ApplicationFactory(exporter=other_exporter.organization, created_by=other_exporter)
    rows = api_client_for(exporter).get("/api/v1/applications/").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]


def test_officer_list_holds_no_drafts(officer, exporter):
    ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    submitted = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="submitted")
    rows = api_client_for(officer).get("/api/v1/applications/").json()["results"]
    assert [row["id"] for row in rows] == [submitted.pk]


def test_exporter_cannot_read_other_organizations_application(other_exporter, submitted):
    response = api_client_for(other_exporter).get(f"/api/v1/applications/{submitted.pk}/")
    assert response.status_code == 404
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_user_without_organization_is_not_an_exporter():
    from tests.applications.factories import UserFactory

    orphan = UserFactory(role="exporter", organization=None)
    response = api_client_for(orphan).post("/api/v1/applications/", application_payload(), format="json")
    assert response.status_code == 403
