"""When a signing key is stolen: what it signed after the compromise, and replacements for all of it.

The playbook (docs/operations.md §3): revoke the key as compromised (``signing_key_revoke``),
activate a new key, list what the stolen key signed since the compromise, re-issue it. Each
re-issue is the officer's replacement of ``certificate_replace`` with nothing changed: its
issuance is queued, the issuance pipeline signs it with the key it signs everything new with,
and the issue supersedes the old certificate, which tells the exporter and the customs watching
it. A certificate already revoked, superseded, exhausted or with a replacement under way is
skipped, so a second run re-issues nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from certificates.accounts.models import User
from certificates.applications.models import Application
from certificates.applications.services import application_replacement_create
from certificates.issuance.errors import CertificateError
from certificates.issuance.history import certificate_decider_require, certificate_event_record
from certificates.issuance.models import Certificate
from certificates.issuance.replacement import replacement_under_way
from certificates.issuance.selectors import certificate_list_signed_with
from signing.models import SigningKey
from signing.selectors import signing_key_get

REISSUED = "reissued"
Status = Certificate.Status


@dataclass(frozen=True)
class Reissue:
    """One certificate of a re-issue run: its replacement application, or why it was skipped."""

    certificate: Certificate
    replacement: Application | None = None
    skipped: str = ""


def compromised_key_get(*, kid: str) -> SigningKey:
    """The key ``kid``, which must be revoked (so it signs nothing new, the replacements included)."""
    key = signing_key_get(kid=kid)
    if key is None:
        raise CertificateError(
            "signing_key_not_found", _("No signing key has kid %(kid)s.") % {"kid": kid}, status_code=404
        )
    if key.status != SigningKey.Status.REVOKED:
        raise CertificateError(
            "signing_key_state",
            _("Key %(kid)s is %(status)s: revoke it as compromised and activate a new key first.")
            % {"kid": kid, "status": key.status},
        )
    return key


def compromised_certificates(*, kid: str, since: datetime | None = None) -> QuerySet[Certificate]:
    """What the revoked key ``kid`` signed at or after ``since`` (default: its compromise time)."""
    key = compromised_key_get(kid=kid)
    return certificate_list_signed_with(kid=kid, since=since or _compromise_time(key))


def compromised_certificates_reissue(
    *, kid: str, actor: User, since: datetime | None = None, reason: str = ""
) -> list[Reissue]:
    """Re-issue, each in its own transaction and audited, what ``kid`` signed at or after ``since``.

    Safe to run again: what is no longer issued, or already being replaced, is skipped and says why.
    """
    certificate_decider_require(actor)
    key = compromised_key_get(kid=kid)
    why = _audit_reason(key, reason)
    affected = compromised_certificates(kid=kid, since=since)
    return [_reissue(certificate, actor=actor, reason=why) for certificate in affected]


def _reissue(certificate: Certificate, *, actor: User, reason: str) -> Reissue:
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("superseded_by")
            .get(pk=certificate.pk)
        )
        skipped = _why_skipped(locked)
        if skipped:
            return Reissue(certificate=locked, skipped=skipped)
        replacement = application_replacement_create(replaces=locked, actor=actor, fields={}, items=None)
        certificate_event_record(
            locked,
            actor=actor,
            action=REISSUED,
            from_status=Status.ISSUED,
            to_status=Status.ISSUED,
            reason=reason,
        )
    return Reissue(certificate=locked, replacement=replacement)


def _why_skipped(certificate: Certificate) -> str:
    if certificate.status == Status.SUPERSEDED and certificate.superseded_by is not None:
        return _("already superseded by %(number)s") % {"number": certificate.superseded_by.number}
    if certificate.status != Status.ISSUED:
        return _("already %(status)s") % {"status": certificate.get_status_display()}
    if certificate.exhausted_at is not None:
        # Its goods have all crossed the border: a fresh copy would let them be declared again.
        return _("exhausted: every item has been declared at the border")
    if replacement_under_way(certificate):
        return _("a replacement is already under way")
    return ""


def _audit_reason(key: SigningKey, reason: str) -> str:
    said = reason.strip() or key.revocation_reason
    return _("Signing key %(kid)s compromised: %(reason)s") % {"kid": key.kid, "reason": said}


def _compromise_time(key: SigningKey) -> datetime:
    if key.compromised_at is None:  # signing_key_revoke always sets it; a hand-edited row may not
        raise CertificateError(
            "signing_key_state", _("Key %(kid)s has no compromise time.") % {"kid": key.kid}
        )
    return key.compromised_at
