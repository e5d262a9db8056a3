import pytest
from django.conf import settings
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.applications.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def login(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_token_url_is_named():
    assert reverse("auth-token") == TOKEN_URL
    assert reverse("auth-logout") == "/api/v1/auth/logout/"
    assert reverse("auth-logoutall") == "/api/v1/auth/logoutall/"


def test_valid_credentials_get_a_working_token_with_its_expiry(exporter):
    response = login(APIClient(), exporter.username, DEFAULT_PASSWORD)
    assert response.status_code == 201
    assert set(response.json()) == {"token", "expires_at"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/applications/").status_code == 200


def test_tokens_are_stored_hashed(exporter):
    token = login(APIClient(), exporter.username, DEFAULT_PASSWORD).json()["token"]
    stored = AuthToken.objects.get(user=exporter)
    assert token not in (stored.digest, stored.token_key)


@pytest.mark.parametrize("which", ["password", "username"])
def test_wrong_credentials_get_the_same_problem_without_saying_which_part(exporter, which):
    username = "nobody" if which == "username" else exporter.username
    password = "wrong password" if which == "password" else DEFAULT_PASSWORD
    response = login(APIClient(), username, password)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["detail"] == "Unable to log in with the provided credentials."


def test_inactive_user_cannot_log_in():
    user = UserFactory(is_active=False)
    response = login(APIClient(), user.username, DEFAULT_PASSWORD)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_password_is_a_validation_problem():
    response = APIClient().post(TOKEN_URL, {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"


def test_login_attempts_are_throttled(exporter):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    client = APIClient()
    statuses = [login(client, exporter.username, "wrong").status_code for _ in range(limit + 1)]
    assert statuses == [400] * limit + [429]
    throttled = login(client, exporter.username, DEFAULT_PASSWORD)
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert "Retry-After" in throttled


def test_logout_revokes_only_the_token_used(exporter):
    first = login(APIClient(), exporter.username, DEFAULT_PASSWORD).json()["token"]
    second = login(APIClient(), exporter.username, DEFAULT_PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/applications/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/applications/").status_code == 200


def test_logoutall_revokes_every_token_of_the_user(exporter):
    tokens = [login(APIClient(), exporter.username, DEFAULT_PASSWORD).json()["token"] for _ in range(2)]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert client.post("/api/v1/auth/logoutall/").status_code == 204
    assert AuthToken.objects.filter(user=exporter).count() == 0


def test_anonymous_request_gets_401_with_token_challenge():
    response = APIClient().get("/api/v1/applications/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"


def test_session_authentication_still_works_for_the_browsable_api(exporter):
    client = APIClient()
    client.force_login(exporter)
    assert client.get("/api/v1/applications/", HTTP_ACCEPT="text/html").status_code == 200
