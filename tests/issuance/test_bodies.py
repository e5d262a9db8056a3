"""Issuing bodies per country (CONTRACT §3, §6 v1.1): each certifies its own country's exporters,
with its own officers, key and number prefix; the other body's officers cannot see or decide."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.applications.models import Application
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate
from certificates.issuance.tasks import sign_certificate
from certificates.verification.services import verification_by_document
from signing.models import SigningKey
from signing.selectors import jwks_document, signing_key_get_active
from signing.services import signing_key_revoke, signing_key_rotate
from signing.verifier import Verifier
from tests.applications.factories import ApplicationFactory, api_client_for
from tests.issuance.helpers import approve, belarusian_body, forged_with, issue, run_concurrently


@pytest.fixture
def belarus(signing_key):
    body, officer, exporter, key = belarusian_body(is_staff=True, is_superuser=True)
    return {"body": body, "officer": officer, "exporter": exporter, "key": key}


def submitted_by(exporter, **fields):
    return ApplicationFactory(
        exporter=exporter.organization, created_by=exporter, status="submitted", **fields
    )


def test_each_body_certifies_its_own_countrys_exporters_with_its_key_and_prefix(
    signing_key, officer, make_submitted, belarus
):
    uzbek = issue(make_submitted(), officer)
    belarusian = issue(submitted_by(belarus["exporter"]), belarus["officer"])

    assert uzbek.number.startswith("UZ-")
    assert belarusian.number == f"BY-{belarusian.year}-EX-000001"
    assert (uzbek.kid, belarusian.kid) == (signing_key.kid, belarus["key"].kid)
    assert uzbek.document["issuer"]["country"] == "UZ"
    assert uzbek.issuer.country == "UZ"
    assert belarusian.document["issuer"] == {"name": belarus["body"].name, "country": "BY"}
    assert belarusian.issuer == belarus["body"]
    for certificate in (uzbek, belarusian):
        assert Verifier(jwks_document()).verify(certificate.jws).status == "valid"


def test_an_officer_of_the_other_body_neither_sees_nor_decides_an_application(
    signing_key, officer, make_submitted, belarus
):
    uzbek, belarusian = make_submitted(), submitted_by(belarus["exporter"])
    as_uzbek, as_belarusian = api_client_for(officer), api_client_for(belarus["officer"])

    listed = [row["id"] for row in as_belarusian.get("/api/v1/applications/").json()["results"]]
    assert listed == [belarusian.pk]
    assert as_belarusian.get(f"/api/v1/applications/{uzbek.pk}/").status_code == 404
    for action in ("approve", "return", "reject"):
        response = as_belarusian.post(f"/api/v1/applications/{uzbek.pk}/{action}/", {"reason": "x"})
        assert response.status_code == 404, (action, response.content)
    assert as_uzbek.post(f"/api/v1/applications/{belarusian.pk}/approve/").status_code == 404
    uzbek.refresh_from_db()
    assert uzbek.status == Application.Status.SUBMITTED


def test_the_admin_shows_an_officer_only_its_bodys_queue_and_refuses_the_other_bodys_decisions(
    client, signing_key, officer, make_submitted, belarus
):
    uzbek, belarusian = make_submitted(), submitted_by(belarus["exporter"])
    client.force_login(belarus["officer"])

    changelist = client.get(reverse("admin:certificates_application_changelist"))
    assert changelist.status_code == 200
    shown = {row.pk for row in changelist.context["cl"].result_list}
    assert shown == {belarusian.pk}
    assert client.get(reverse("admin:certificates_application_change", args=[uzbek.pk])).status_code == 302
    decide = reverse("admin:certificates_application_decide", args=[uzbek.pk, "approve"])
    assert client.post(decide).status_code == 404
    uzbek.refresh_from_db()
    assert uzbek.status == Application.Status.SUBMITTED


def test_an_officer_of_the_other_body_cannot_revoke_or_replace_a_certificate(
    signing_key, officer, make_submitted, belarus
):
    certificate = issue(make_submitted(), officer)
    other = api_client_for(belarus["officer"])
    assert other.get(f"/api/v1/certificates/{certificate.number}/").status_code == 404
    assert (
        other.post(f"/api/v1/certificates/{certificate.number}/revoke/", {"reason": "x"}).status_code == 404
    )
    with pytest.raises(issuance.CertificateError) as refused:
        issuance.certificate_revoke(certificate=certificate, actor=belarus["officer"], reason="x")
    assert refused.value.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_a_certificate_signed_with_the_other_bodys_key_is_an_unknown_key_online_and_offline(
    signing_key, officer, make_submitted, belarus
):
    certificate = issue(make_submitted(), officer)
    forged = forged_with(belarus["key"], certificate)

    online = verification_by_document(token=forged, moment=timezone.now())
    assert online.status == "unknown_key"
    known = next(check for check in online.checks if check.name == "key_known")
    assert not known.ok
    assert "belongs to the issuing body of BY, not of UZ" in known.detail

    offline = Verifier(jwks_document()).verify(forged)
    assert offline.status == "unknown_key"
    detail = next(check for check in offline.checks if check["name"] == "key_known")["detail"]
    assert "belongs to the issuing body of BY, not of UZ" in detail


def test_a_certificate_signed_with_the_registry_key_is_an_unknown_key(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(), officer)
    forged = forged_with(signing_key_get_active(), certificate)
    assert verification_by_document(token=forged, moment=timezone.now()).status == "unknown_key"
    assert Verifier(jwks_document()).verify(forged).status == "unknown_key"


def test_rotating_or_revoking_one_bodys_key_leaves_the_other_bodys_and_the_registrys_untouched(belarus):
    uzbek, registry = signing_key_get_active(issuer_country="UZ"), signing_key_get_active()
    rotated = signing_key_rotate(issuer_country="BY")
    assert (rotated.issuer_country, rotated.issuer_name) == ("BY", belarus["body"].name)
    assert SigningKey.objects.get(pk=belarus["key"].pk).status == SigningKey.Status.RETIRED
    signing_key_revoke(kid=rotated.kid, compromised_at=timezone.now(), reason="drill")
    for untouched in (uzbek, registry):
        assert SigningKey.objects.get(pk=untouched.pk).status == SigningKey.Status.ACTIVE
    active = dict(SigningKey.objects.filter(status="active").values_list("issuer_country", "kid"))
    assert active == {"UZ": uzbek.kid, "": registry.kid}


def test_the_key_list_names_each_keys_body_and_the_jwks_its_country(client, belarus):
    keys = {key["kid"]: key for key in client.get("/api/v1/keys/").json()}
    jwks = {key["kid"]: key for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert keys[belarus["key"].kid]["issuer"] == {"name": belarus["body"].name, "country": "BY"}
    assert jwks[belarus["key"].kid]["issuer"] == {"country": "BY"}
    registry = signing_key_get_active()
    assert keys[registry.kid]["issuer"] is None
    assert jwks[registry.kid]["issuer"] is None


@pytest.mark.django_db(transaction=True)
def test_numbers_racing_in_both_bodies_stay_gapless_per_body(postgres, signing_key, officer, make_submitted):
    _body, belarusian_officer, belarusian_exporter, _ = belarusian_body()
    orders = [approve(make_submitted(), officer) for _ in range(8)]
    orders += [approve(submitted_by(belarusian_exporter), belarusian_officer) for _ in range(8)]
    targets = [lambda pk=order.pk: sign_certificate.run(pk) for order in orders for _ in range(2)]
    assert run_concurrently(targets) == []

    for prefix in ("UZ", "BY"):
        numbers = sorted(
            Certificate.objects.filter(number__startswith=f"{prefix}-").values_list("number", "sequence")
        )
        assert [sequence for _, sequence in numbers] == list(range(1, 9)), prefix
    assert set(Certificate.objects.filter(number__startswith="BY-").values_list("kid", flat=True)) == {
        signing_key_get_active(issuer_country="BY").kid
    }
