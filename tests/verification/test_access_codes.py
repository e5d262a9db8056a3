"""The access code (CONTRACT §9, §4 v1.1 "Summaries"): a number alone tells status and dates; the
code printed beside it also the parties and goods, on the verify answer and on the public page.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from certificates.accounts.models import User
from certificates.verification import services as verification
from tests.applications.factories import UserFactory, api_client_for
from tests.verification.helpers import VERIFY_URL, signed_by_service

pytestmark = pytest.mark.django_db

SHORT = {"number", "type", "issued_at", "valid_from", "valid_until", "issuer"}
LONG = {*SHORT, "exporter", "consignee", "items"}


def verify(client, **body):
    response = client.post(VERIFY_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def without_receipt(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key not in ("receipt", "checked_at")}


def typed_forms(code: str) -> list[str]:
    """How a person may type the printed code: lower case, in groups with spaces or hyphens."""
    groups = [code[i : i + 4] for i in range(0, len(code), 4)]
    return [code, code.lower(), "-".join(groups), " ".join(groups).lower(), f" {code[:8]} - {code[8:]} "]


def wrong(code: str) -> str:
    """The code with its last character changed: still 16 base32 characters."""
    return code[:-1] + ("A" if code[-1] != "A" else "B")


def rates(**changes):
    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changes}
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged})


def test_every_certificate_has_a_16_character_base32_code(certificate):
    assert len(certificate.access_code) == 16
    assert set(certificate.access_code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@pytest.mark.parametrize("form", range(5))
def test_the_code_in_any_case_with_spaces_or_hyphens_gives_the_long_summary(anon_client, certificate, form):
    code = typed_forms(certificate.access_code)[form]
    summary = verify(anon_client, number=certificate.number, access_code=code)["certificate"]
    document = certificate.document
    assert set(summary) == LONG
    assert summary["exporter"] == {
        "name": document["exporter"]["name"],
        "country": document["exporter"]["country"],
    }
    assert summary["consignee"] == {
        "name": document["consignee"]["name"],
        "country": document["consignee"]["country"],
    }
    members = ("line", "hs_code", "description", "quantity", "unit")
    assert summary["items"] == [{name: item[name] for name in members} for item in document["items"]]
    assert document["exporter"]["tax_id"] not in json.dumps(summary)
    assert document["consignee"]["address"] not in json.dumps(summary)


@pytest.mark.parametrize("code", ["", "K7QM2XJD4RWA5TPZ", "x" * 128, "ключ", 12345])
def test_a_wrong_code_gets_the_short_summary_never_an_error(anon_client, certificate, code):
    answer = verify(anon_client, number=certificate.number, access_code=code)
    assert answer["status"] == "valid"
    assert set(answer["certificate"]) == SHORT


def test_a_neighbouring_code_is_wrong(anon_client, certificate):
    answer = verify(anon_client, number=certificate.number, access_code=wrong(certificate.access_code))
    assert set(answer["certificate"]) == SHORT


def test_another_certificates_code_is_wrong(anon_client, certificate, officer, make_submitted):
    from tests.issuance.helpers import issue

    other = issue(make_submitted(), officer)
    answer = verify(anon_client, number=certificate.number, access_code=other.access_code)
    assert set(answer["certificate"]) == SHORT


def test_an_over_long_or_non_text_code_is_a_malformed_request(anon_client, certificate):
    for code in ("x" * 129, None, ["A"]):
        response = anon_client.post(
            VERIFY_URL, {"number": certificate.number, "access_code": code}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "access_code"


def test_the_fast_path_with_the_code_answers_as_the_full_path(
    anon_client, certificate, django_assert_num_queries, epochs_read_once
):
    moment = timezone.now()
    for code in (certificate.access_code, wrong(certificate.access_code), None):
        verification.verification_caches_clear()
        outcome = verification.verification_by_number(number=certificate.number, moment=moment)
        expected = verification.verification_answer(
            outcome=outcome, checked_at=moment, at=None, user=None, access_code=code
        )
        body = {"number": certificate.number, **({"access_code": code} if code is not None else {})}
        first = anon_client.post(VERIFY_URL, body, format="json").json()
        # Still the fast path: the code is read in its one query; without one, the kept row answers.
        with django_assert_num_queries(1 if code is not None else 0):
            again = anon_client.post(VERIFY_URL, body, format="json").json()
        assert without_receipt(first) == without_receipt(again) == without_receipt(expected)


def test_the_serializer_path_shapes_the_summary_as_the_fast_path(anon_client, certificate):
    for code in (certificate.access_code, wrong(certificate.access_code)):
        fast = verify(anon_client, number=certificate.number, access_code=code)
        # A nonce takes the request through the serializer; the summary is shaped by the same rule.
        full = verify(anon_client, number=certificate.number, access_code=code, nonce="n-1")
        assert full["nonce"] == "n-1"
        assert full["certificate"] == fast["certificate"]


def test_a_remembered_long_answer_never_reaches_a_caller_without_the_code(anon_client, certificate):
    names = (certificate.document["exporter"]["name"], certificate.document["consignee"]["name"])
    for _ in range(3):
        with_code = anon_client.post(
            VERIFY_URL, {"number": certificate.number, "access_code": certificate.access_code}, format="json"
        )
        without = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
        assert set(with_code.json()["certificate"]) == LONG
        assert set(without.json()["certificate"]) == SHORT
        assert not any(name in without.content.decode() for name in names)


def test_anonymous_callers_by_document_get_the_long_summary_of_the_record(anon_client, certificate):
    assert set(verify(anon_client, document=certificate.jws)["certificate"]) == LONG


def test_a_signed_document_that_is_not_the_record_gets_only_the_short_summary(anon_client, certificate):
    forged = {**certificate.document, "valid_until": "2099-12-31"}
    answer = verify(anon_client, document=signed_by_service(forged))
    assert answer["status"] == "registry_mismatch"
    assert set(answer["certificate"]) == SHORT
    assert certificate.document["exporter"]["name"] not in json.dumps(answer, ensure_ascii=False)


def test_the_exporter_with_the_code_gets_the_long_summary(certificate, exporter):
    client = api_client_for(exporter)
    assert set(verify(client, number=certificate.number)["certificate"]) == SHORT
    long = verify(client, number=certificate.number, access_code=certificate.access_code)["certificate"]
    assert set(long) == LONG


@pytest.mark.parametrize("code", [None, "wrong", "right"])
def test_customs_get_the_full_document_whatever_the_code(customs_client, certificate, code):
    sent = {"right": certificate.access_code, None: None}.get(code, code)
    body = {"number": certificate.number, **({"access_code": sent} if sent is not None else {})}
    assert verify(customs_client, **body)["certificate"] == certificate.document


def test_wrong_codes_count_against_the_anonymous_verify_throttle(anon_client, certificate):
    where = {"REMOTE_ADDR": "198.51.100.40"}
    wrong_code = {"number": certificate.number, "access_code": wrong(certificate.access_code)}
    right_code = {"number": certificate.number, "access_code": certificate.access_code}
    with rates(verify_anon="3/min"):
        answers = [anon_client.post(VERIFY_URL, wrong_code, format="json", **where) for _ in range(3)]
        after = anon_client.post(VERIFY_URL, right_code, format="json", **where)
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert all(set(answer.json()["certificate"]) == SHORT for answer in answers)
    assert after.status_code == 429
    assert certificate.document["exporter"]["name"] not in after.content.decode()


def test_a_miss_and_a_wrong_code_count_alike(anon_client, certificate):
    where = {"REMOTE_ADDR": "198.51.100.41"}
    with rates(verify_anon="2/min"):
        miss = anon_client.post(VERIFY_URL, {"number": "UZBY-2026-EX-999999"}, format="json", **where)
        wrong_code = anon_client.post(
            VERIFY_URL, {"number": certificate.number, "access_code": "NOPE"}, format="json", **where
        )
        after = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json", **where)
    assert (miss.json()["status"], wrong_code.status_code, after.status_code) == ("not_found", 200, 429)


# The public page.


def page(client, certificate, query: str = "", **headers):
    return client.get(f"/v/{certificate.number}{query}", **headers)


def parties_and_goods(certificate) -> list[str]:
    document = certificate.document
    items = document["items"]
    return [document["exporter"]["name"], document["consignee"]["name"], *(i["description"] for i in items)]


@pytest.mark.parametrize("form", range(5))
def test_the_page_with_the_code_shows_parties_and_goods(client, certificate, form):
    code = typed_forms(certificate.access_code)[form]
    response = client.get(f"/v/{certificate.number}", {"k": code, "lang": "en"})
    body = response.content.decode()
    assert response.status_code == 200
    assert all(shown in body for shown in parties_and_goods(certificate))
    assert 'class="hs">520512<' in body


@pytest.mark.parametrize("query", ["", "?k=", "?k=WRONG", "?lang=ru&k=K7QM2XJD4RWA5TPZ"])
def test_the_page_without_the_right_code_shows_status_number_dates_and_issuer_only(
    client, certificate, query
):
    response = page(client, certificate, query)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="status green" role="status">' in body
    assert certificate.number in body
    assert certificate.document["issuer"]["name"] in body
    assert not any(hidden in body for hidden in parties_and_goods(certificate))
    assert "520512" not in body


def test_the_page_is_never_cached_and_its_language_links_keep_only_a_right_code(client, certificate):
    code = certificate.access_code
    right = page(client, certificate, f"?k={code.lower()}")
    wrong_page = page(client, certificate, f"?k={wrong(code)}")
    assert right["Cache-Control"] == wrong_page["Cache-Control"] == "no-store"
    assert f'href="/v/{certificate.number}?k={code}&amp;lang=ru"' in right.content.decode()
    assert f'href="/v/{certificate.number}?lang=ru"' in wrong_page.content.decode()
    assert wrong(code) not in wrong_page.content.decode()
    # Right after a page with the code, the same number without it is the short page again.
    assert not any(
        hidden in page(client, certificate).content.decode() for hidden in parties_and_goods(certificate)
    )


@pytest.mark.parametrize(
    ("lang", "label", "goods"),
    [
        ("ru", "Грузополучатель", "2 позиции"),
        ("uz", "Yuk qabul qiluvchi", "2 ta pozitsiya"),
        ("en", "Consignee", "2 items"),
    ],
)
def test_the_long_page_speaks_each_language(client, certificate, lang, label, goods):
    body = page(client, certificate, f"?lang={lang}&k={certificate.access_code}").content.decode()
    assert f"<dt>{label}</dt>" in body
    assert goods in body


@pytest.mark.parametrize(
    ("lang", "hint"), [("ru", "коду доступа"), ("uz", "kirish kodi"), ("en", "access code")]
)
def test_the_short_page_says_how_to_see_the_parties(client, certificate, lang, hint):
    body = page(client, certificate, f"?lang={lang}").content.decode()
    assert '<p class="hint">' in body
    assert hint in body


def test_wrong_codes_count_against_the_public_page_throttle(client, certificate):
    where = {"REMOTE_ADDR": "203.0.113.40"}
    with rates(public_page="3/min"):
        pages = [page(client, certificate, f"?k={wrong(certificate.access_code)}", **where) for _ in range(3)]
        after = page(client, certificate, f"?k={certificate.access_code}", **where)
    assert [response.status_code for response in pages] == [200, 200, 200]
    assert after.status_code == 429
    assert not any(hidden in after.content.decode() for hidden in parties_and_goods(certificate))


# Who sees the code.


def certificate_url(certificate) -> str:
    return f"/api/v1/certificates/{certificate.number}/"


def test_the_exporter_and_officers_see_the_code(certificate, exporter, officer):
    for user in (exporter, officer, UserFactory(role=User.Role.OFFICER)):
        detail = api_client_for(user).get(certificate_url(certificate)).json()
        listed = api_client_for(user).get("/api/v1/certificates/").json()["results"]
        assert detail["access_code"] == certificate.access_code
        assert [row["access_code"] for row in listed] == [certificate.access_code]


def test_the_revocation_answer_to_an_officer_carries_the_code(certificate, officer):
    response = api_client_for(officer).post(
        f"{certificate_url(certificate)}revoke/", {"reason": "wrong HS code"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["access_code"] == certificate.access_code


def test_customs_other_exporters_anonymous_and_staff_without_a_role_never_see_the_code(certificate):
    customs = api_client_for(UserFactory(role=User.Role.CUSTOMS))
    answers = [customs.get(certificate_url(certificate)), customs.get("/api/v1/certificates/")]
    stranger = api_client_for(UserFactory(role=User.Role.EXPORTER))
    answers += [stranger.get(certificate_url(certificate)), stranger.get("/api/v1/certificates/")]
    answers += [api_client_for(None).get(certificate_url(certificate))]
    staff = UserFactory(role="", is_staff=True, is_superuser=True)
    answers += [api_client_for(staff).get(certificate_url(certificate))]
    assert [answer.status_code for answer in answers] == [200, 200, 404, 200, 401, 200]
    assert answers[0].json()["document"] == certificate.document
    for answer in answers:
        assert certificate.access_code not in answer.content.decode()
        assert "access_code" not in answer.content.decode()


def test_the_admin_shows_the_code_read_only_to_officers_and_administrators(client, certificate, officer):
    from django.contrib.auth.models import Permission

    url = f"/admin/certificates/certificate/{certificate.pk}/change/"
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    administrator = UserFactory(role="", is_staff=True, is_superuser=True)
    customs = UserFactory(role=User.Role.CUSTOMS, is_staff=True)
    customs.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    pages = {}
    for name, user in (("officer", officer), ("administrator", administrator), ("customs", customs)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    for name in ("officer", "administrator"):
        assert f'<div class="readonly">{certificate.access_code}</div>' in pages[name]
        assert 'name="access_code"' not in pages[name]
    assert certificate.access_code not in pages["customs"]


def test_the_schema_documents_the_code(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    certificate = components["CertificateDetailOutput"]
    assert "access_code" in certificate["properties"]
    assert "access_code" not in certificate.get("required", [])
    assert "access_code" in components["CertificateOutput"]["properties"]
    assert "access_code" in components["VerifyInputRequest"]["properties"]
    examples = schema["paths"]["/api/v1/verify/"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]
    assert any("access_code" in example["value"] for example in examples.values())
