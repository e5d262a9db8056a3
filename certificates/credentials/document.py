"""The VC 2.0 object of a certificate and of the status list (CONTRACT §12), before signing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from certificates.credentials.bodies import certificate_body
from certificates.credentials.dids import body_did, registry_did
from certificates.issuance.models import Certificate
from signing.times import rfc3339

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
UNTP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dcc/0.5.0/"
STATUS_LIST_PATH = "/api/v1/status/revocation-list"
REVOCATION = "revocation"


def credential_url(number: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/api/v1/certificates/{number}/credential"


def status_list_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}{STATUS_LIST_PATH}"


def certificate_credential_build(certificate: Certificate) -> dict[str, Any]:
    """The Digital Conformity Credential of a certificate: its document as the subject's certificate."""
    return {
        "@context": [VC_CONTEXT, UNTP_CONTEXT],
        "type": ["VerifiableCredential", "DigitalConformityCredential"],
        "id": credential_url(certificate.number),
        "issuer": body_did(certificate_body(certificate)),
        "validFrom": rfc3339(certificate.issued_at),
        "validUntil": f"{certificate.valid_until.isoformat()}T23:59:59Z",
        "credentialSubject": {
            "id": f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}",
            "certificate": certificate.document,
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": REVOCATION,
            "statusListIndex": str(certificate.status_list_index),
            "statusListCredential": status_list_url(),
        },
    }


def status_list_credential_build(
    *, encoded_list: str, valid_from: datetime, valid_until: datetime
) -> dict[str, Any]:
    """The ``BitstringStatusListCredential`` the registry issues over the encoded bitstring."""
    return {
        "@context": [VC_CONTEXT],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "id": status_list_url(),
        "issuer": registry_did(),
        "validFrom": rfc3339(valid_from),
        "validUntil": rfc3339(valid_until),
        "credentialSubject": {
            "id": f"{status_list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": REVOCATION,
            "encodedList": encoded_list,
        },
    }
