"""The portal's pages through Django's test client: the same rules as the API, refusals as pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certificates.applications.models import Application
from tests.applications.factories import ApplicationFactory, UserFactory
from tests.issuance.helpers import issue
from tests.portal.helpers import form_fields, signed_in

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_portal_sign_in(client):
    response = client.get("/portal/applications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/?next=")


def test_the_portal_pages_carry_a_script_free_content_security_policy(client, exporter):
    response = signed_in(client, exporter).get("/portal/applications/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_an_exporter_creates_a_draft_from_the_form(client, exporter):
    response = signed_in(client, exporter).post("/portal/applications/new/", form_fields())
    assert response.status_code == 302
    application = Application.objects.get(exporter=exporter.organization)
    assert response["Location"] == reverse("portal:application", args=[application.pk])
    assert application.items.count() == 3
    assert application.consignee_name == "Minsk Trading JSC"


def test_field_errors_sit_next_to_their_field_in_the_users_language(client, exporter):
    exporter.language = "ru"
    exporter.save()
    fields = form_fields(**{"items.1.hs_code": "12", "consignee.name": ""})
    response = signed_in(client, exporter).post("/portal/applications/new/", fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="c-items1hs_code-e"' in html
    assert 'id="f-consignee-name-error"' in html
    assert "Обязательное поле." in html or "Это поле не может быть пустым." in html
    assert not Application.objects.exists()


def test_adding_a_goods_line_under_htmx_redraws_only_the_lines(client, exporter):
    response = signed_in(client, exporter).post(
        "/portal/applications/new/", {**form_fields(), "add_line": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="goods"')
    assert 'name="items.3.description"' in html
    assert not Application.objects.exists()


def test_removing_a_goods_line_renumbers_the_rest(client, exporter):
    response = signed_in(client, exporter).post(
        "/portal/applications/new/", {**form_fields(), "remove_line": "0"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'value="Cotton yarn, combed, lot 1"' in html
    assert "lot 0" not in html
    assert 'name="items.2.description"' not in html


def test_another_organizations_application_is_not_found(client, exporter):
    theirs = ApplicationFactory()
    signed_in(client, exporter)
    assert client.get(f"/portal/applications/{theirs.pk}/").status_code == 404
    assert client.get(f"/portal/applications/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/portal/applications/{theirs.pk}/submit/").status_code == 404


def test_another_organizations_certificate_files_are_not_found(client, exporter, officer, signing_key):
    theirs = issue(ApplicationFactory(status="submitted"), officer)
    signed_in(client, exporter)
    assert client.get(f"/portal/certificates/{theirs.number}/pdf").status_code == 404
    assert client.get(f"/portal/certificates/{theirs.number}/jws").status_code == 404


def test_an_officer_returns_with_a_reason_and_the_exporter_reads_it(
    client, officer, exporter, make_submitted
):
    application = make_submitted()
    signed_in(client, officer).post(f"/portal/applications/{application.pk}/return/", {"reason": "Line 2 HS"})
    application.refresh_from_db()
    assert application.status == "returned"
    page = signed_in(client, exporter).get(f"/portal/applications/{application.pk}/")
    assert "Line 2 HS" in page.content.decode()


def test_a_decision_without_a_reason_is_refused_on_the_page(client, officer, make_submitted):
    application = make_submitted()
    response = signed_in(client, officer).post(f"/portal/applications/{application.pk}/reject/", follow=True)
    assert "A reason is required." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_exporters_cannot_decide_and_officers_cannot_draft(client, exporter, officer, make_submitted):
    application = make_submitted()
    assert (
        signed_in(client, exporter).post(f"/portal/applications/{application.pk}/approve/").status_code == 403
    )
    assert signed_in(client, officer).get("/portal/applications/new/").status_code == 403


def test_the_language_switch_is_kept_on_the_user(client, exporter):
    signed_in(client, exporter).post("/portal/language/", {"language": "uz", "next": "/portal/applications/"})
    exporter.refresh_from_db()
    assert exporter.language == "uz"
    response = client.get("/portal/applications/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="uz">' in response.content.decode()


def test_the_officer_queue_lists_submitted_applications_oldest_first(client, officer, make_submitted):
    first, second = make_submitted(), make_submitted()
    Application.objects.filter(pk=second.pk).update(submitted_at="2026-01-01T00:00Z")
    Application.objects.filter(pk=first.pk).update(submitted_at="2026-02-01T00:00Z")
    html = signed_in(client, officer).get("/portal/queue/").content.decode()
    assert html.index(f"#{second.pk}<") < html.index(f"#{first.pk}<")


def test_customs_users_have_no_portal_pages(client):
    customs = UserFactory(role="customs")
    assert signed_in(client, customs).get("/portal/").status_code == 403


def test_an_exporter_requests_a_replacement_from_the_certificates_copy(
    client, exporter, officer, signing_key
):
    certificate = issue(
        ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="submitted"), officer
    )
    signed_in(client, exporter)
    form = client.get(f"/portal/applications/new/?replaces={certificate.number}").content.decode()
    assert f'name="replaces" value="{certificate.number}"' in form
    assert 'value="Minsk Trading JSC"' in form
    fields = {**form_fields(), "replaces": certificate.number}
    response = client.post("/portal/applications/new/", fields)
    assert response.status_code == 302
    assert Application.objects.get(replaces=certificate).status == "draft"


def test_an_officer_revokes_and_replaces_an_issued_certificate(client, officer, make_submitted, signing_key):
    revoked, replaced = issue(make_submitted(), officer), issue(make_submitted(), officer)
    signed_in(client, officer)
    client.post(f"/portal/certificates/{revoked.number}/revoke/", {"reason": "Forged invoice."})
    revoked.refresh_from_db()
    assert revoked.status == "revoked"
    form = client.get(f"/portal/certificates/{replaced.number}/replace/").content.decode()
    assert "Issue the replacement" in form
    fields = {**form_fields(), "consignee.name": "Minsk Trading JSC (corrected)"}
    response = client.post(f"/portal/certificates/{replaced.number}/replace/", fields)
    assert response.status_code == 302
    replacement = Application.objects.get(replaces=replaced)
    assert replacement.status == "approved"
    assert replacement.consignee_name == "Minsk Trading JSC (corrected)"


def test_a_submission_is_confirmed_on_the_next_page_in_the_users_language(client, exporter):
    exporter.language = "uz"
    exporter.save()
    draft = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    page = signed_in(client, exporter).post(f"/portal/applications/{draft.pk}/submit/", follow=True)
    assert "Ko‘rib chiqishga topshirildi." in page.content.decode()


@pytest.mark.parametrize(
    "posted",
    [
        {"items": "x"},
        {"items.0": "x"},
        {"items.a.description": "x"},
        {"consignee": "x", "consignee.name": "y"},
        {"consignee.name": "y", "consignee": "x"},
        {"items.0.description": "Cotton", "items.0.packages": "x"},
    ],
)
def test_a_form_posted_with_names_out_of_shape_gets_field_errors_not_a_crash(client, exporter, posted):
    response = signed_in(client, exporter).post("/portal/applications/new/", {"type": "export", **posted})
    assert response.status_code == 400
    assert not Application.objects.exists()
