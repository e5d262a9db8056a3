"""What every change of a certificate leaves behind: an audit row, a log event, a notification."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.utils.translation import gettext as _

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.audit import Stream, audit_record
from certificates.issuance.errors import CertificateError
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.signals import certificate_watchers_asked
from certificates.notifications.services import event_emit
from signing.canonical import canonicalize
from signing.services import jws_sign
from signing.transparency.services import log_append

LOG_EVENT_TYP = "certsvc-log-event+jws"
CERTIFICATE_STREAM = Stream(CertificateEvent, "certificate")


def certificate_decider_require(actor: User, *, country: str | None = None) -> None:
    """Revoke, replace and retry are officers' decisions; of the issuing body of ``country`` when given.

    For an officer of another body the certificate does not exist (404), as in its reads.
    """
    if not roles.may_decide(actor):
        raise CertificateError("not_officer", _("Only certification officers can do this."), status_code=403)
    if country is not None and not roles.is_officer_of_issuing_body(actor, country):
        raise CertificateError("not_found", _("The certificate does not exist."), status_code=404)


def certificate_body_country(certificate: Certificate) -> str:
    """The country of the body that issued the certificate (its document's ``issuer``)."""
    return str(certificate.document["issuer"]["country"])


def certificate_event_record(
    certificate: Certificate,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    reason: str = "",
) -> CertificateEvent:
    return audit_record(
        stream=CERTIFICATE_STREAM,
        owner=certificate,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def certificate_log_event_append(body: dict[str, Any]) -> int:
    """Sign a status event with the registry key and append it to the transparency log."""
    signed = jws_sign(payload=canonicalize(body), typ=LOG_EVENT_TYP)
    return log_append(entry=signed.compact.encode("ascii")).index


def certificate_status_change_emit(certificate: Certificate, event_type: str, extra: dict[str, Any]) -> None:
    """Tell the exporter and the organizations watching the certificate that its status changed.

    The rooms above name the watchers (customs that used or recently verified it, CONTRACT §10)
    through ``certificate_watchers_asked``; they get the webhook, and their users the e-mail, as
    the exporter does.
    """
    event_emit(
        type=event_type,
        data={"number": certificate.number, **extra},
        organizations=[certificate.application.exporter, *certificate_watchers(certificate)],
    )


def certificate_watchers(certificate: Certificate) -> list[Organization]:
    """The organizations the receivers of ``certificate_watchers_asked`` name, each once."""
    answers = certificate_watchers_asked.send(sender=Certificate, certificate=certificate)
    named = {
        organization.pk: organization
        for _receiver, answer in answers
        for organization in cast(Iterable[Organization], answer)
    }
    return list(named.values())
