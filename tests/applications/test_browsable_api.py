"""The browsable API from a browser: HTML problems, session login, input-only forms, state-aware buttons."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from certsvc.negotiation import prefers_html
from tests.applications.factories import DEFAULT_PASSWORD, ApplicationFactory, api_client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"
CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
JSON_ACCEPTS = ["*/*", "application/json", None, "text/html, application/json", "text/html;q=0.9, */*;q=0.9"]
INPUT_FIELDS = {"type", "consignee", "country_of_export", "country_of_destination", "transport", "invoice"}
OUTPUT_ONLY_FIELDS = ("status", "exporter", "submitted_at", "events")


def _browser(user) -> Client:
    client = Client(HTTP_ACCEPT=CHROMIUM_ACCEPT)
    client.force_login(user)
    return client


def _raw_form_content(html: str) -> dict:
    start = html.index('name="_content"')
    body = html[html.index(">", start) + 1 : html.index("</textarea>", start)]
    return json.loads(body.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (CHROMIUM_ACCEPT, True),
        ("text/html", True),
        ("text/html, application/json;q=0.9", True),
        ("application/json, text/html;q=0.9", False),
        ("text/html;q=0.8, */*;q=0.8", False),
        ("text/html, */*", False),
        ("*/*", False),
        ("", False),
        ("application/problem+json", False),
        ("text/html;q=0.5, application/vnd.api+json;q=0.6", False),
    ],
)
def test_html_only_when_text_html_ranks_above_every_json_type(accept, html):
    assert prefers_html(accept) is html


@pytest.mark.parametrize("status", [400, 403, 404])
def test_chromium_gets_an_html_problem_page(exporter, customs, status):
    client = _browser(customs if status == 403 else exporter)
    if status == 400:
        response = client.post(URL, {"type": "nonsense"}, content_type="application/json")
    else:
        response = client.get(URL if status == 403 else f"{URL}999999/")
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="problem"' in html
    assert "<html" in html
    if status == 400:
        assert "items" in html
        assert "country_of_export" in html
        assert "Invalid request" in html


@pytest.mark.parametrize("accept", JSON_ACCEPTS)
def test_every_other_client_keeps_problem_json(exporter, accept):
    client = api_client_for(exporter)
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = client.post(URL, {"type": "nonsense"}, format="json", **headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "validation_error"
    assert {error["field"] for error in body["errors"]} >= {"type", "items"}


def test_asking_for_problem_json_only_keeps_todays_406_problem(exporter):
    response = api_client_for(exporter).post(
        URL, {"type": "nonsense"}, format="json", HTTP_ACCEPT="application/problem+json"
    )
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["code"] == "not_acceptable"


def test_session_client_preferring_json_gets_problem_json_too(exporter):
    client = Client(HTTP_ACCEPT="application/json")
    client.force_login(exporter)
    response = client.get(f"{URL}999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_post_form_offers_only_the_input_fields(exporter):
    html = _browser(exporter).get(URL).content.decode()
    offered = set(_raw_form_content(html))
    assert offered >= INPUT_FIELDS
    assert not offered & set(OUTPUT_ONLY_FIELDS)


def test_a_draft_offers_patch_and_delete_with_input_fields(exporter, draft):
    html = _browser(exporter).get(f"{URL}{draft.pk}/").content.decode()
    assert 'data-method="PATCH"' in html
    assert 'data-method="DELETE"' in html
    assert not set(_raw_form_content(html)) & set(OUTPUT_ONLY_FIELDS)


@pytest.mark.parametrize("status", ["issued", "submitted", "rejected"])
def test_an_application_past_editing_shows_no_delete_or_patch(exporter, status):
    application = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status=status)
    response = _browser(exporter).get(f"{URL}{application.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert status in html
    assert 'data-method="DELETE"' not in html
    assert 'data-method="PATCH"' not in html
    assert 'data-method="PUT"' not in html
    assert 'name="_content"' not in html


def test_api_auth_login_for_an_exporter_then_only_their_applications(exporter, other_exporter):
    own = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    foreign = ApplicationFactory(exporter=other_exporter.organization, created_by=other_exporter)
    client = Client(HTTP_ACCEPT=CHROMIUM_ACCEPT)
    assert client.get(URL).status_code in (401, 403)
    response = client.post(
        f"/api-auth/login/?next={URL}", {"username": exporter.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    listing = client.get(URL, HTTP_ACCEPT="application/json").json()
    assert [row["id"] for row in listing["results"]] == [own.pk]
    assert foreign.pk not in {row["id"] for row in listing["results"]}
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["officer", "customs"])
def test_api_auth_login_works_for_non_staff_officers_and_customs(request, role):
    user = request.getfixturevalue(role)
    assert not user.is_staff
    client = Client()
    response = client.post("/api-auth/login/", {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_api_auth_login_is_locked_out_by_axes(exporter):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api-auth/login/", {"username": exporter.username, "password": f"wrong-{attempt}"})
    right = client.post("/api-auth/login/", {"username": exporter.username, "password": DEFAULT_PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_session_posts_need_the_csrf_token(exporter):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT="application/json")
    client.force_login(exporter)
    refused = client.post(URL, {"type": "nonsense"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "CSRF" in refused.json()["detail"]
    client.get(URL, HTTP_ACCEPT=CHROMIUM_ACCEPT)  # the page sets the CSRF cookie its form sends back
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(URL, {"type": "nonsense"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 400  # past CSRF, refused by validation


def test_token_clients_need_no_csrf_token(exporter):
    response = api_client_for(exporter).post(URL, {"type": "nonsense"}, format="json")
    assert response.status_code == 400


def test_the_html_problem_follows_accept_language(exporter):
    response = _browser(exporter).post(
        URL, {"type": "nonsense"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    html = response.content.decode()
    assert "Поле" in html
    assert "Сообщение" in html
