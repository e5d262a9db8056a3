"""Supporting documents and goods imports: where uploads are stored and how large they may be.

``ATTACHMENT_STORAGE`` picks the storage behind ``STORAGES["attachments"]``: ``filesystem`` (the
default, under ``MEDIA_ROOT``) or ``s3``, any S3-compatible bucket through django-storages (install
the ``s3`` extra: ``pip install 'certsvc[s3]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from certsvc.env import env_int, env_secret, env_str

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_MAX_PER_APPLICATION",
    "ATTACHMENT_MAX_PIXELS",
    "GOODS_IMPORT_MAX_BYTES",
    "UPLOAD_MAX_REQUEST_BYTES",
    "UPLOAD_PATHS",
    "attachment_media",
]

# One uploaded supporting document, and one goods spreadsheet, at most this many bytes.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_PER_APPLICATION = env_int("ATTACHMENT_MAX_PER_APPLICATION", 20)
# An image with more pixels is refused before it is decoded (a decompression bomb).
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 50_000_000)
GOODS_IMPORT_MAX_BYTES = env_int("GOODS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Request bodies on these paths may carry a file: they are bounded by the upload cap (and the views
# check the file's own size), every other body by MAX_REQUEST_BYTES.
UPLOAD_PATHS = (
    r"^/api/v1/applications/\d+/documents/$",
    r"^/api/v1/applications/\d+/items/import$",
    r"^/portal/applications/\d+/(documents|import)/$",
)
UPLOAD_MAX_REQUEST_BYTES = max(ATTACHMENT_MAX_BYTES, GOODS_IMPORT_MAX_BYTES) + 256 * 1024

_FILESYSTEM = "django.core.files.storage.FileSystemStorage"
_S3 = "storages.backends.s3.S3Storage"


def attachment_media(var_dir: Path) -> tuple[Path, str, dict[str, dict[str, Any]]]:
    """``MEDIA_ROOT``, ``MEDIA_URL`` and ``STORAGES``, with the attachments' storage chosen by the env."""
    media_root = Path(env_str("MEDIA_ROOT", str(var_dir / "media")))
    storages = {
        "default": {"BACKEND": _FILESYSTEM},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "attachments": _attachment_storage(media_root),
    }
    return media_root, "media/", storages


def _attachment_storage(media_root: Path) -> dict[str, Any]:
    kind = env_str("ATTACHMENT_STORAGE", "filesystem")
    if kind == "filesystem":
        # Never served under MEDIA_URL: documents leave only through the permission-checked views.
        return {"BACKEND": _FILESYSTEM, "OPTIONS": {"location": str(media_root / "attachments")}}
    if kind == "s3":
        return {"BACKEND": _S3, "OPTIONS": _s3_options()}
    raise ImproperlyConfigured(f"ATTACHMENT_STORAGE must be filesystem or s3, not {kind!r}")


def _s3_options() -> dict[str, Any]:
    bucket = env_str("ATTACHMENT_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("ATTACHMENT_STORAGE=s3 needs ATTACHMENT_S3_BUCKET")
    return {
        "bucket_name": bucket,
        "endpoint_url": env_str("ATTACHMENT_S3_ENDPOINT_URL") or None,
        "region_name": env_str("ATTACHMENT_S3_REGION") or None,
        "access_key": env_secret("ATTACHMENT_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_secret("ATTACHMENT_S3_SECRET_ACCESS_KEY") or None,
        "location": env_str("ATTACHMENT_S3_PREFIX", "attachments"),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
