"""Where supporting documents are stored: the file system by default, an S3 bucket by setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, StorageHandler, storages

from certificates.applications.models import SupportingDocument
from certsvc.settings_attachments import attachment_media


def test_the_file_system_is_the_default_under_media_root(monkeypatch, tmp_path):
    monkeypatch.delenv("ATTACHMENT_STORAGE", raising=False)
    monkeypatch.delenv("MEDIA_ROOT", raising=False)
    media_root, _url, configured = attachment_media(tmp_path)
    assert media_root == tmp_path / "media"
    storage = StorageHandler(configured)["attachments"]
    assert isinstance(storage, FileSystemStorage)
    assert Path(storage.location) == tmp_path / "media" / "attachments"


def test_the_running_service_stores_documents_in_the_attachments_storage():
    assert SupportingDocument._meta.get_field("file").storage is storages["attachments"]


def test_attachment_storage_s3_selects_django_storages_with_its_settings(monkeypatch, tmp_path):
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("ATTACHMENT_STORAGE", "s3")
    monkeypatch.setenv("ATTACHMENT_S3_BUCKET", "certsvc-documents")
    monkeypatch.setenv("ATTACHMENT_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("ATTACHMENT_S3_REGION", "uz-tashkent-1")
    monkeypatch.setenv("ATTACHMENT_S3_ACCESS_KEY_ID", "test-access")
    monkeypatch.setenv("ATTACHMENT_S3_SECRET_ACCESS_KEY", "test-secret")
    _root, _url, configured = attachment_media(tmp_path)
    storage = StorageHandler(configured)["attachments"]
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name) == (
        "certsvc-documents",
        "http://127.0.0.1:9000",
        "uz-tashkent-1",
    )
    assert storage.location == "attachments"
    assert storage.file_overwrite is False
    assert storage.default_acl is None  # the bucket's own policy: never public-read
    assert configured["default"]["BACKEND"].endswith("FileSystemStorage")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ATTACHMENT_STORAGE": "s3"}, "ATTACHMENT_S3_BUCKET"),
        ({"ATTACHMENT_STORAGE": "ftp"}, "filesystem or s3"),
    ],
)
def test_an_incomplete_or_unknown_storage_refuses_to_start(monkeypatch, tmp_path, env, message):
    monkeypatch.delenv("ATTACHMENT_S3_BUCKET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        attachment_media(tmp_path)
