"""Supporting documents: checked by content, stored under a generated name, read only by who may."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.storage import FileSystemStorage
from rest_framework.exceptions import ValidationError

from certificates.accounts.models import User
from certificates.applications.documents import attach_document, document_list_for, remove_document
from certificates.applications.models import ApplicationEvent, SupportingDocument
from certificates.applications.services import ApplicationError
from tests.applications.factories import ApplicationFactory, UserFactory, api_client_for
from tests.applications.uploads import bomb_png, image_bytes, noise_png, pdf_bytes, upload


@pytest.fixture(autouse=True)
def storage(tmp_path, monkeypatch):
    """Each test stores its documents in a folder of its own."""
    field = SupportingDocument._meta.get_field("file")
    fresh = FileSystemStorage(location=tmp_path / "attachments")
    monkeypatch.setattr(field, "storage", fresh)
    return fresh


def url(application, suffix: str = "") -> str:
    return f"/api/v1/applications/{application.pk}/documents/{suffix}"


def post(
    user,
    application,
    name: str,
    data: bytes,
    *,
    kind: str = "invoice",
    content_type="application/pdf",
    **extra,
):
    file = upload(name, data, content_type)
    return api_client_for(user).post(
        url(application), {"kind": kind, "file": file}, format="multipart", **extra
    )


def file_errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


def test_exporter_attaches_a_pdf_stored_under_a_generated_name(exporter, draft, storage):
    data = pdf_bytes()
    response = post(exporter, draft, "../../etc/Счёт <2026>.pdf", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["name"] == "Счёт _2026.pdf"
    document = SupportingDocument.objects.get()
    assert document.file.name.startswith(f"applications/{draft.pk}/")
    assert "Счёт" not in document.file.name
    assert ".." not in document.file.name
    assert storage.open(document.file.name).read() == data
    assert ApplicationEvent.objects.filter(application=draft, action="document_attached").count() == 1


@pytest.mark.parametrize(
    ("name", "data", "detected", "shown"),
    [
        ("scan.png", pdf_bytes(), "application/pdf", "scan.pdf"),  # a PDF renamed .png
        ("photo.pdf", image_bytes("PNG"), "image/png", "photo.png"),  # a PNG named .pdf
        ("stamp.gif", image_bytes("JPEG"), "image/jpeg", "stamp.jpg"),
    ],
)
def test_the_type_is_read_from_the_content_never_the_name(exporter, draft, name, data, detected, shown):
    response = post(exporter, draft, name, data, content_type="text/html")
    assert response.status_code == 201, response.content
    assert (response.json()["content_type"], response.json()["name"]) == (detected, shown)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("invoice.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "unsupported_file_type"),
        ("invoice.pdf", pdf_bytes()[:200], "file_damaged"),  # truncated
        ("invoice.pdf", pdf_bytes()[:-40], "file_damaged"),  # its end cut off: pypdf alone would recover it
        ("invoice.pdf", b"%PDF-1.7\n garbage that is no PDF at all\n%%EOF\n", "file_damaged"),
        ("scan.png", image_bytes("PNG")[:60], "file_damaged"),
        ("scan.jpg", image_bytes("JPEG")[:300], "file_damaged"),
        ("bomb.png", bomb_png(), "image_too_large"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(exporter, draft, name, data, code):
    assert file_errors(post(exporter, draft, name, data)) == [("file", code)]
    assert not SupportingDocument.objects.exists()


def test_an_image_over_the_pixel_cap_is_refused_before_it_is_decoded(exporter, draft, settings):
    settings.ATTACHMENT_MAX_PIXELS = 40 * 30 - 1
    assert file_errors(post(exporter, draft, "scan.png", image_bytes("PNG", (40, 30)))) == [
        ("file", "image_too_large")
    ]


def test_a_file_over_the_size_cap_is_refused(exporter, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    assert file_errors(post(exporter, draft, "big.png", image_bytes("PNG", (400, 400)))) == [
        ("file", "file_too_large")
    ]


def test_the_number_of_documents_is_capped(exporter, draft, settings):
    settings.ATTACHMENT_MAX_PER_APPLICATION = 2
    for _ in range(2):
        assert post(exporter, draft, "a.pdf", pdf_bytes()).status_code == 201
    assert file_errors(post(exporter, draft, "a.pdf", pdf_bytes())) == [("file", "too_many_documents")]


def test_an_unknown_kind_is_a_field_error(exporter, draft):
    assert file_errors(post(exporter, draft, "a.pdf", pdf_bytes(), kind="selfie")) == [
        ("kind", "invalid_choice")
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Принимаются только файлы PDF, JPEG и PNG."),
        ("uz", "Faqat PDF, JPEG va PNG fayllari qabul qilinadi."),
    ],
)
def test_refusals_speak_the_callers_language(exporter, draft, language, expected):
    response = post(exporter, draft, "x.pdf", b"<html>", HTTP_ACCEPT_LANGUAGE=language)
    assert response.json()["errors"][0]["message"] == expected


def test_download_is_an_attachment_in_the_detected_type(exporter, draft):
    data = pdf_bytes()
    document = post(exporter, draft, 'evil"\r\nX-Injected: 1.png', data).json()
    response = api_client_for(exporter).get(document["content_url"], HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "X-Injected" not in disposition
    assert not response.has_header("X-Injected")
    assert '"' not in document["name"]
    assert "\n" not in document["name"]
    assert document["name"].endswith(".pdf")


def test_metadata_list_and_removal(exporter, draft, storage, django_capture_on_commit_callbacks):
    created = post(exporter, draft, "a.pdf", pdf_bytes(), kind="contract").json()
    client = api_client_for(exporter)
    assert [d["id"] for d in client.get(url(draft)).json()] == [created["id"]]
    assert client.get(url(draft, str(created["id"]))).json()["kind"] == "contract"
    stored = SupportingDocument.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(url(draft, str(created["id"]))).status_code == 204
    assert not SupportingDocument.objects.exists()
    assert not storage.exists(stored)
    assert ApplicationEvent.objects.filter(application=draft, action="document_removed").exists()


def test_another_organizations_application_and_documents_are_not_found(exporter, other_exporter, draft):
    created = post(exporter, draft, "a.pdf", pdf_bytes()).json()
    stranger = api_client_for(other_exporter)
    for path in ("", f"{created['id']}", f"{created['id']}/content"):
        assert stranger.get(url(draft, path)).status_code == 404, path
    assert stranger.delete(url(draft, str(created["id"]))).status_code == 404
    assert post(other_exporter, draft, "b.pdf", pdf_bytes()).status_code == 404
    own = ApplicationFactory(exporter=other_exporter.organization, created_by=other_exporter)
    assert stranger.get(f"/api/v1/applications/{own.pk}/documents/{created['id']}").status_code == 404


def test_officers_read_documents_once_submitted_but_never_drafts(exporter, officer, draft):
    created = post(exporter, draft, "a.pdf", pdf_bytes()).json()
    client = api_client_for(officer)
    assert client.get(url(draft)).status_code == 404
    draft.status = "submitted"
    draft.save()
    assert [d["id"] for d in client.get(url(draft)).json()] == [created["id"]]
    assert client.get(created["content_url"]).status_code == 200
    assert post(officer, draft, "a.pdf", pdf_bytes()).status_code == 403


def test_customs_cannot_read_documents(exporter, customs, submitted):
    assert api_client_for(customs).get(url(submitted)).status_code == 403


def test_documents_change_only_while_editable(exporter, submitted, storage):
    response = post(exporter, submitted, "a.pdf", pdf_bytes())
    assert (response.status_code, response.json()["code"]) == (409, "not_editable")
    assert not SupportingDocument.objects.exists()
    assert not [files for _root, _dirs, files in os.walk(storage.location) if files]


def test_services_refuse_other_organizations_and_keep_no_file_behind(
    exporter, other_exporter, draft, storage
):
    with pytest.raises(ApplicationError) as refused:
        attach_document(other_exporter, draft, "invoice", upload("a.pdf", pdf_bytes()))
    assert refused.value.status_code == 404
    assert not [files for _root, _dirs, files in os.walk(storage.location) if files]
    document = attach_document(exporter, draft, "invoice", upload("a.pdf", pdf_bytes()))
    with pytest.raises(ApplicationError):
        remove_document(other_exporter, document)
    assert list(document_list_for(user=exporter, application_id=draft.pk)) == [document]


def test_a_bad_kind_is_refused_before_anything_is_read(exporter, draft):
    with pytest.raises(ValidationError):
        attach_document(exporter, draft, "other", upload("a.pdf", pdf_bytes()))


def test_officers_see_documents_inline_in_the_admin_with_a_download_link(client, exporter, draft):
    document = attach_document(exporter, draft, "invoice", upload("a.pdf", pdf_bytes()))
    draft.status = "submitted"
    draft.save()
    submitted = draft
    staff = UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"/admin/certificates/application/{submitted.pk}/change/").content.decode()
    link = f"/admin/certificates/application/{submitted.pk}/documents/{document.pk}/"
    assert link in page
    assert "a.pdf" in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_display_names_keep_no_path_quote_or_control_character():
    from certificates.applications.uploads import PDF, display_name

    assert display_name('C:\\Users\\me\\evil"\r\n; x=1.png', PDF) == "evil_ x_1.pdf"
    assert display_name("", PDF) == "document.pdf"
    assert display_name("...", PDF) == "document.pdf"


def test_uploads_may_exceed_the_json_body_limit_on_upload_paths_only(exporter, draft, settings):
    settings.MAX_REQUEST_BYTES = 4096
    big_png = noise_png()
    assert len(big_png) > 4096
    assert post(exporter, draft, "big.png", big_png).status_code == 201
    response = api_client_for(exporter).patch(
        f"/api/v1/applications/{draft.pk}/",
        {"transport": {"mode": "rail", "details": "x" * 5000}},
        format="json",
    )
    assert response.status_code == 413


def test_deleting_a_draft_removes_its_documents_files(
    exporter, draft, storage, django_capture_on_commit_callbacks
):
    from certificates.applications.services import application_delete

    document = attach_document(exporter, draft, "invoice", upload("a.pdf", pdf_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        application_delete(application=draft, actor=exporter)
    assert not storage.exists(document.file.name)
