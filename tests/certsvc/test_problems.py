"""Errors outside the views' own handling still speak problem+json under /api/."""

import pytest

from tests.applications.factories import UserFactory, api_client_for

pytestmark = pytest.mark.django_db


def test_an_unrouted_api_path_answers_a_problem(client):
    response = client.get("/api/v1/applications/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_an_unrouted_page_stays_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_page_size_that_is_not_a_number_is_refused():
    client = api_client_for(UserFactory(role="exporter"))
    response = client.get("/api/v1/applications/?page_size=many")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


def test_a_page_size_of_non_ascii_digits_is_refused_not_a_crash():
    client = api_client_for(UserFactory(role="exporter"))
    response = client.get("/api/v1/applications/?page_size=²")
    assert response.status_code == 400
