"""An officer's correction of an issued certificate: a replacement application, approved at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from certificates.accounts.models import User
from certificates.applications.models import Application
from certificates.applications.services import application_replacement_create
from certificates.issuance.errors import CertificateError
from certificates.issuance.history import certificate_body_country, certificate_decider_require
from certificates.issuance.models import Certificate

# A replacement that ended in one of these no longer stands in the way of another.
_CLOSED = (Application.Status.REJECTED, Application.Status.WITHDRAWN)


def certificate_replace(
    *,
    certificate: Certificate,
    actor: User,
    fields: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]] | None,
) -> Application:
    """An officer's correction: a copy of the certificate's application with ``fields``/``items`` changed.

    The copy is approved at once (the officer is the reviewer) and its issuance queued;
    when it is issued the old certificate becomes ``superseded``.
    """
    certificate_decider_require(actor, country=certificate_body_country(certificate))
    if "replaces" in fields:
        raise CertificateError(
            "invalid_field", _("The certificate to replace is the one in the address."), status_code=400
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        _require_replaceable(locked)
        return application_replacement_create(replaces=locked, actor=actor, fields=fields, items=items)


def _require_replaceable(certificate: Certificate) -> None:
    if certificate.status != Certificate.Status.ISSUED:
        raise CertificateError(
            "invalid_transition",
            _("The certificate is %(status)s; it cannot be replaced.") % {"status": certificate.status},
        )
    if replacement_under_way(certificate):
        raise CertificateError(
            "replacement_pending", _("A replacement of this certificate is already under way.")
        )


def replacement_under_way(certificate: Certificate) -> bool:
    """A replacement application of ``certificate`` that is neither rejected nor withdrawn exists."""
    return certificate.replacement_applications.exclude(status__in=_CLOSED).exists()
