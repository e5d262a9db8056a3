"""The public page in ru, uz and en: plural forms of the goods count, local dates, the issuing body."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


def body(client, certificate, language: str) -> str:
    response = client.get(f"/v/{certificate.number}?lang={language}&k={certificate.access_code}")
    assert response.status_code == 200
    return response.content.decode()


def count_shown(page: str) -> str:
    return " ".join(re.search(r'<dd class="count">([^<]*)', page).group(1).split())


@pytest.mark.parametrize(
    ("items", "russian", "uzbek", "english"),
    [
        (1, "1 позиция", "1 ta pozitsiya", "1 item"),
        (2, "2 позиции", "2 ta pozitsiya", "2 items"),
        (5, "5 позиций", "5 ta pozitsiya", "5 items"),
        (21, "21 позиция", "21 ta pozitsiya", "21 items"),
    ],
)
def test_the_goods_count_takes_the_plural_form_of_each_language(
    client, signing_key, officer, make_submitted, items, russian, uzbek, english
):
    certificate = issue(make_submitted(items=items), officer)
    for language, expected in (("ru", russian), ("uz", uzbek), ("en", english)):
        assert count_shown(body(client, certificate, language)) == expected


@pytest.mark.parametrize(
    ("language", "mark"),
    [("ru", " г."), ("uz", "-yil"), ("en", ", ")],
)
def test_dates_are_written_the_languages_way_in_utc_and_machine_readable(client, certificate, language, mark):
    page = body(client, certificate, language)
    with translation.override(language):
        valid_until = date_format(certificate.valid_until, "DATE_FORMAT")
        issued = date_format(certificate.issued_at, "DATETIME_FORMAT")
    assert mark in valid_until
    assert f'<time datetime="{certificate.valid_until.isoformat()}">{valid_until}</time>' in page
    issued_at = certificate.document["issued_at"]
    assert f'<time datetime="{issued_at}">{issued} UTC</time>' in page
    # The RFC 3339 form is for machines only: it is in attributes, never in the text read.
    assert f">{issued_at}" not in page
    assert f">{certificate.valid_until.isoformat()}<" not in page


@pytest.mark.parametrize(
    ("language", "label"),
    [("ru", "Орган, выдавший сертификат"), ("uz", "Sertifikatni bergan organ"), ("en", "Issuing body")],
)
def test_the_issuing_body_is_named(client, certificate, language, label):
    page = body(client, certificate, language)
    name = certificate.document["issuer"]["name"]
    assert name
    assert f'<dt>{label}</dt><dd class="issuer">{name}</dd>' in page
