"""GET /v/{number}: the QR code's page, in three languages, script-free, summary only, throttled.

Without the access code the page shows status, number, dates and issuer; the parties and goods
only with ``?k={access_code}`` (``tests/verification/test_access_codes.py`` for the rest).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings

from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_revoke
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


def page(client, number, **headers):
    return client.get(f"/v/{number}", **headers)


def text(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "accept_language", "word", "label"),
    [
        ("", "en", "VALID", "Valid until"),
        ("", "ru-RU,ru;q=0.9", "ДЕЙСТВИТЕЛЕН", "Действует до"),
        ("", "uz", "HAQIQIY", "Amal qilish muddati"),
        ("?lang=ru", "en", "ДЕЙСТВИТЕЛЕН", "Экспортёр"),
        ("?lang=uz", "ru", "HAQIQIY", "Eksportyor"),
        ("?lang=en", "ru", "VALID", "Exporter"),
    ],
)
def test_page_speaks_the_chosen_language(client, certificate, query, accept_language, word, label):
    code = f"&k={certificate.access_code}" if query else ""  # the parties' labels are shown with the code
    response = client.get(f"/v/{certificate.number}{query}{code}", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    body = text(response)
    assert f'class="status green" role="status">{word}<' in body
    assert label in body
    assert response["Content-Language"] in body[:60]


def test_page_without_the_code_shows_the_short_summary_and_nothing_more(client, certificate):
    body = text(page(client, certificate.number, HTTP_ACCEPT_LANGUAGE="en"))
    document = certificate.document
    for shown in (
        certificate.number,
        document["valid_from"],
        document["valid_until"],
        document["issuer"]["name"],
    ):
        assert shown in body
    for hidden in (
        document["exporter"]["name"],
        document["consignee"]["name"],
        document["items"][0]["hs_code"],
        document["items"][0]["description"],
        "Exporter",
        "2 items",
    ):
        assert hidden not in body
    assert "shown with the access code" in body


def test_page_with_the_code_shows_the_long_summary_and_nothing_more(client, certificate):
    body = text(client.get(f"/v/{certificate.number}?k={certificate.access_code}", HTTP_ACCEPT_LANGUAGE="en"))
    document = certificate.document
    for shown in (
        certificate.number,
        document["valid_from"],
        document["valid_until"],
        document["exporter"]["name"],
        document["consignee"]["name"],
        document["items"][0]["hs_code"],
        document["items"][0]["description"],
        f"{document['items'][0]['quantity']} {document['items'][0]['unit']}",
        "2 items",
    ):
        assert shown in body
    for hidden in (
        document["exporter"]["tax_id"],
        document["exporter"]["address"],
        document["invoice"]["number"],
        document["items"][0]["value"],
    ):
        assert hidden not in body


def test_page_runs_only_the_services_script_and_works_on_a_phone(client, certificate):
    response = page(client, certificate.number)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self';" in csp  # the service's own file: no inline script, no other origin
    body = text(response)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    scripts = re.findall(r"<script[^>]*>", body)
    island = '<script id="verifier-texts" type="application/json">'
    assert scripts == [island, '<script src="/v/verify.js" defer>']
    for code in ("ru", "uz", "en"):
        assert f'href="/v/{certificate.number}?lang={code}"' in body


def test_revoked_certificate_is_red(client, certificate, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    body = text(page(client, certificate.number, HTTP_ACCEPT_LANGUAGE="ru"))
    assert 'class="status red" role="status">ОТОЗВАН<' in body
    assert "wrong HS code" not in body  # the reason is not part of the public summary


def test_superseded_and_expired_certificates_are_amber(client, certificate, officer, make_submitted):
    issue(make_submitted(replaces=certificate), officer)
    assert 'class="status amber" role="status">SUPERSEDED<' in text(page(client, certificate.number))

    other = issue(make_submitted(), officer)
    Certificate.objects.filter(pk=other.pk).update(valid_from=date(2020, 1, 1), valid_until=date(2020, 2, 1))
    assert 'class="status amber" role="status">MUDDATI O‘TGAN<' in text(
        client.get(f"/v/{other.number}?lang=uz")
    )


@pytest.mark.parametrize(("lang", "word"), [("en", "NOT FOUND"), ("ru", "НЕ НАЙДЕН"), ("uz", "TOPILMADI")])
def test_unknown_number_is_a_404_page_in_the_same_look(client, signing_key, lang, word):
    response = client.get(f"/v/UZBY-2026-EX-999999?lang={lang}")
    assert response.status_code == 404
    assert f'class="status red" role="status">{word}<' in text(response)
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_page_is_throttled_per_client(client, certificate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_page": "3/min"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        codes = [page(client, certificate.number, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
        other_client = page(client, certificate.number, REMOTE_ADDR="203.0.113.8")
        throttled = page(client, certificate.number, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="ru")
    assert codes == [200, 200, 200, 429]
    assert other_client.status_code == 200
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "Слишком много запросов" in text(throttled)


def test_page_answers_through_a_cache_outage(client, certificate, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    response = page(client, certificate.number, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "VALID" in text(response)


def test_a_number_that_cannot_exist_is_not_found_without_asking_the_registry(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/v/UZBY%00-2026")
    assert response.status_code == 404
