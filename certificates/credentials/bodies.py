"""Who issues a credential and with which keys: the one place that maps a certificate to them.

The body of a certificate is the issuer country of its document; each body's keys are the keys
it owns (``SigningKey.issuer_country``), the registry's those owned by no body.
"""

from __future__ import annotations

from django.db.models import QuerySet

from certificates.accounts.models import Organization
from certificates.issuance.models import Certificate
from signing.models import SigningKey
from signing.selectors import signing_key_list_published

REGISTRY = None


def certificate_body(certificate: Certificate) -> str:
    """The body of a certificate: its issuer country, in lower case (``uz``, ``by``)."""
    return str(certificate.document["issuer"]["country"]).lower()


def body_keys(body: str | None) -> QuerySet[SigningKey]:
    """The keys of a body (``REGISTRY`` for the registry) that are not revoked, oldest first."""
    owner = "" if body is REGISTRY else body.upper()
    return signing_key_list_published().filter(issuer_country=owner).exclude(status=SigningKey.Status.REVOKED)


def body_known(body: str) -> bool:
    """Whether an issuing organization of that country is configured (its ``did.json`` exists)."""
    issuers = Organization.objects.filter(kind=Organization.Kind.ISSUER, country=body.upper())
    return body == body.lower() and issuers.exists()
