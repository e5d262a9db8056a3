"""drf-spectacular's settings: the OpenAPI schema of /api/v1 and how /api/docs/ and /api/redoc/ show it."""

from __future__ import annotations

DESCRIPTION = """Certificates of goods between Uzbekistan and Belarus: applications, review, signed
certificates, verification.

The public contract (document format, signature, keys, verification, transparency log, workflow
endpoints, errors) is `docs/contract.md` in the certsvc source repository; this schema describes
every endpoint, the contract is what integrations may rely on. Every operation that takes a body
has a ready example; `docs/examples/application.json` is a first application that is valid as is.
"""

SPECTACULAR_SETTINGS = {
    "TITLE": "certsvc API",
    "DESCRIPTION": DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN, so /api/docs/ works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models name their choices "status": named here so the schema (and check --deploy) is clean.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "certificates.models.Application.Status",
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
    },
}
