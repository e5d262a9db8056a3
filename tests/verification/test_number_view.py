"""The anonymous ``{"number": …}`` answered before the framework: the framework's answer, and only that."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from certificates.verification import throttle_counts
from certificates.verification.api import VerifyView
from certificates.verification.number_view import _plain_answer
from certificates.verification.services import verification_caches_clear
from signing.services import jws_verify

pytestmark = pytest.mark.django_db
VERIFY_URL = "/api/v1/verify/"
COMPARED_HEADERS = ("Content-Type", "Allow", "Vary")


def anonymous_post(body: object, *, content_type: str = "application/json", **extra: str):
    text = body if isinstance(body, str) else json.dumps(body)
    request = RequestFactory().post(VERIFY_URL, data=text, content_type=content_type, **extra)
    request.user = AnonymousUser()
    return request


def without_receipt(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key not in ("receipt", "checked_at")}


@pytest.mark.parametrize(
    "body_of", [lambda c: {"number": c.number}, lambda c: {"number": "UZ-2026-EX-424242"}]
)
def test_the_plain_answer_is_the_frameworks_answer_with_its_headers(certificate, body_of):
    plain = _plain_answer(anonymous_post(body_of(certificate)))
    framework = VerifyView.as_view()(anonymous_post(body_of(certificate)))
    framework.render()
    assert plain is not None
    assert plain.status_code == framework.status_code == 200
    assert {h: plain[h] for h in COMPARED_HEADERS} == {h: framework[h] for h in COMPARED_HEADERS}
    assert without_receipt(json.loads(plain.content)) == without_receipt(json.loads(framework.content))
    assert jws_verify(token=json.loads(plain.content)["receipt"]).key.issuer_country == ""


@pytest.mark.parametrize(
    ("body", "extra"),
    [
        ({"number": "N", "nonce": "abc"}, {}),  # another body: the serializer's
        ({"document": "a.b.c"}, {}),
        ({"number": 5}, {}),
        ('{"number": "N",}', {}),  # malformed JSON: the framework's 400
        ({"number": "N"}, {"HTTP_AUTHORIZATION": "Token abc"}),  # credentials: authenticated there
        ({"number": "N"}, {"HTTP_ACCEPT": "text/html"}),  # another renderer
        ({"number": "N"}, {"QUERY_STRING": "format=api"}),
    ],
)
def test_what_is_not_the_plain_request_goes_to_the_framework(certificate, body, extra):
    if isinstance(body, dict) and body.get("number") == "N":
        body = {**body, "number": certificate.number}
    assert _plain_answer(anonymous_post(body, **extra)) is None


def test_a_session_or_another_content_type_goes_to_the_framework(certificate):
    with_session = anonymous_post({"number": certificate.number})
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert _plain_answer(with_session) is None
    as_text = anonymous_post(json.dumps({"number": certificate.number}), content_type="text/plain")
    assert _plain_answer(as_text) is None


def test_a_throttled_request_handed_to_the_framework_is_counted_once(anon_client, certificate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "verify_anon": "2/min"}
    address = "198.51.100.77"
    key = f"throttle_verify_anon_{address}"
    caches["default"].delete(key)
    throttle_counts.throttle_counts_forget()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        codes = [
            anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json", REMOTE_ADDR=address)
            for _ in range(3)
        ]
    throttle_counts.throttle_sync()
    assert [response.status_code for response in codes] == [200, 200, 429]
    assert codes[-1]["Content-Type"].startswith("application/problem+json")
    assert caches["default"].get(key) == 3  # the third request counted before it was handed on, not again
    throttle_counts.throttle_counts_forget()
    caches["default"].delete(key)


def test_csrf_checks_pass_the_plain_request_as_they_pass_the_framework(certificate):
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"number": certificate.number})
    response = client.post(VERIFY_URL, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "valid"


def test_a_caller_signed_in_by_session_keeps_its_role_in_the_answer(
    certificate, customs_user, customs_client
):
    browser = Client()
    browser.force_login(customs_user)
    by_session = browser.post(VERIFY_URL, {"number": certificate.number}, content_type="application/json")
    by_token = customs_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    assert by_session.status_code == by_token.status_code == 200
    # Customs see the whole document: the exporter's name, which the anonymous summary leaves out.
    assert by_session.json()["certificate"] == by_token.json()["certificate"]
    assert by_session.json()["certificate"]["exporter"]["name"] == certificate.document["exporter"]["name"]


def test_the_plain_read_trusts_the_connection_the_framework_checks_first(certificate, monkeypatch):
    """A dead connection is the restart test's (tests/ops/test_database_connections.py)."""
    checks: list[bool] = []
    is_usable = connection.is_usable

    def checked() -> bool:
        checks.append(is_usable())
        return checks[-1]

    monkeypatch.setattr(connection, "is_usable", checked)
    monkeypatch.setattr(connection, "health_check_enabled", True)  # as CONN_HEALTH_CHECKS sets it
    answers = []
    for query in ("", "?format=json"):
        verification_caches_clear()  # the row is read from the database
        connection.health_check_done = False  # as each request starts
        answers.append(Client().post(VERIFY_URL + query, {"number": certificate.number}, "application/json"))
        assert answers[-1].status_code == 200
        assert answers[-1].json()["status"] == "valid"
    assert checks == [True]  # the framework's turn checked its connection; the plain read did not
