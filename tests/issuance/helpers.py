from __future__ import annotations

from joserfc import jws as jose_jws
from joserfc.jwk import KeySet

from certificates.applications.models import Application
from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.tasks import sign_certificate


def approve(application: Application, officer) -> IssuanceOrder:
    application_approve(application=application, actor=officer)
    return IssuanceOrder.objects.get(application=application)


def issue(application: Application, officer) -> Certificate:
    """Approve and run the signing task in this process (the worker tests run it in a real worker)."""
    order = approve(application, officer)
    sign_certificate.run(order.pk)
    return Certificate.objects.get(application=application)


def independent_verify(token: str, jwks: dict) -> bytes:
    """Verify with joserfc, which certsvc itself does not use, against the published JWKS."""
    return jose_jws.deserialize_compact(token, KeySet.import_key_set(jwks), algorithms=["EdDSA"]).payload
