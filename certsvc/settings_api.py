"""The OpenAPI schema's settings (drf-spectacular), imported by certsvc.settings."""

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
    # Two models name their choices "status": named here so the schema (and check --deploy) is clean.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "certificates.models.Application.Status",
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
    },
}
