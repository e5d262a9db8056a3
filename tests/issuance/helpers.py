from __future__ import annotations

import threading

from django.db import connection
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


def belarusian_body(**fields):
    """The Belarusian issuing body (prefix ``BY``), with an officer and an active key of its own."""
    from certificates.accounts.models import Organization, User
    from signing.services import signing_key_ensure_active
    from tests.applications.factories import IssuerFactory, UserFactory

    body = IssuerFactory(country="BY", number_prefix="BY", name="Belarusian certification body", tax_id="")
    officer = UserFactory(role=User.Role.OFFICER, organization=body, **fields)
    exporter_org = Organization.objects.create(
        kind=Organization.Kind.EXPORTER, name="Minsk Tractor Works", country="BY", tax_id="100582333"
    )
    exporter = UserFactory(role=User.Role.EXPORTER, organization=exporter_org)
    return body, officer, exporter, signing_key_ensure_active(issuer_country="BY")


def forged_with(key, certificate: Certificate) -> str:
    """The certificate's very document signed with ``key`` (another body's, in the tests)."""
    from signing.jws import TYP_CERTIFICATE
    from signing.services import jws_sign

    return jws_sign(payload=bytes(certificate.canonical), typ=TYP_CERTIFICATE, key=key).compact


def run_concurrently(targets) -> list[BaseException]:
    """Runs each target in its own thread, released together; the exceptions they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def run(target):
        try:
            barrier.wait()
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors
