"""A registry that cannot be read answers 503, never `valid` (real PostgreSQL connection failures)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from tests.applications.factories import api_client_for
from tests.issuance.helpers import issue
from tests.verification.helpers import VERIFY_URL


@contextmanager
def database_unreachable():
    """Point the live connection at a database that does not exist, so the next query cannot connect."""
    real_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = "certsvc_vfy_does_not_exist"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = real_name


def terminate_our_backend() -> None:
    """Kill this process's PostgreSQL session from another session, as a server restart would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def issued(postgres, signing_key, officer, make_submitted):
    return issue(make_submitted(), officer)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 503
    assert "valid" not in body


@pytest.mark.parametrize("body_of", [lambda c: {"number": c.number}, lambda c: {"document": c.jws}])
def test_verify_answers_503_when_the_database_does_not_exist(issued, body_of):
    client = api_client_for(None)
    with database_unreachable():
        response = client.post(VERIFY_URL, body_of(issued), format="json")
    assert_unavailable(response)
    assert response.json()["code"] == "registry_unavailable"


def test_verify_answers_503_when_the_database_session_is_killed(issued):
    client = api_client_for(None)
    terminate_our_backend()
    assert_unavailable(client.post(VERIFY_URL, {"number": issued.number}, format="json"))
    connection.close()
    assert client.post(VERIFY_URL, {"number": issued.number}, format="json").json()["status"] == "valid"


def test_authenticated_verify_answers_503_when_the_database_is_unreachable(issued, customs_user):
    client = api_client_for(customs_user)
    with database_unreachable():
        assert_unavailable(client.post(VERIFY_URL, {"number": issued.number}, format="json"))


def test_status_bundle_answers_503_when_the_database_is_unreachable(issued):
    with database_unreachable():
        assert_unavailable(api_client_for(None).get("/api/v1/status/bundle"))


def test_public_page_answers_503_when_the_database_is_unreachable(issued, client):
    with database_unreachable():
        response = client.get(f"/v/{issued.number}?lang=en")
    assert response.status_code == 503
    # The phone verifier's script and its word list ride along; what the page itself says is the rest.
    page = re.sub(r"<script\b.*?</script>", "", response.content.decode(), flags=re.S)
    assert "VALID" not in page.replace("INVALID", "")
