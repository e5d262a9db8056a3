"""Signing credentials and the revocation status list (CONTRACT §12).

A certificate's credential is signed once, by a worker after the issue has committed (the
signing pipeline stays as it was), with the key that signed the certificate, and stored on it.
The status list is re-signed by a worker after each revocation or supersession, and by its
first reader once it is about to expire.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certificates import outbox
from certificates.credentials.bitstring import bitstring_encode
from certificates.credentials.document import (
    REVOCATION,
    certificate_credential_build,
    status_list_credential_build,
)
from certificates.credentials.models import StatusList
from certificates.issuance.models import Certificate
from signing.canonical import canonicalize
from signing.models import SigningKey
from signing.selectors import signing_key_get
from signing.services import jws_sign

logger = logging.getLogger(__name__)

TYP_VC = "vc+jwt"
CTY_VC = "vc"
# A list with less left than this is signed afresh before it is served; caches keep it half as long.
STATUS_LIST_MARGIN = timedelta(seconds=60)
STATUS_LIST_CACHE_SECONDS = 30
ENDED = [Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED]


def certificate_credential_sign(*, number: str) -> Certificate:
    """Sign and store the credential of certificate ``number``, once: a signed one is left as it is."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(number=number)
        if certificate.credential:
            return certificate
        payload = canonicalize(certificate_credential_build(certificate))
        signed = jws_sign(
            payload=payload,
            typ=TYP_VC,
            cty=CTY_VC,
            key=_certificate_key(certificate),
            issuer_country=str(certificate.document["issuer"]["country"]),
        )
        certificate.credential = signed.compact
        certificate.save(update_fields=["credential"])
    logger.info("credential of %s signed with key %s", number, signed.kid)
    return certificate


def _certificate_key(certificate: Certificate) -> SigningKey | None:
    """The key that signed the certificate, unless revoked since (then its body's active one)."""
    key = signing_key_get(kid=certificate.kid)
    if key is None or key.status == SigningKey.Status.REVOKED:
        return None
    return key


def certificate_credential_queue(*, number: str) -> bool:
    return outbox.publish(outbox.SIGN_CREDENTIAL, number)


def certificate_credentials_backfill() -> int:
    """Sign the credential of every certificate that has none; how many were signed."""
    numbers = list(Certificate.objects.filter(credential="").order_by("id").values_list("number", flat=True))
    for number in numbers:
        certificate_credential_sign(number=number)
    return len(numbers)


def status_list_queue_on_commit() -> None:
    outbox.publish_on_commit(outbox.REFRESH_STATUS_LIST)


def status_list_refresh(*, now: datetime | None = None) -> StatusList:
    """Sign the list afresh from the certificates' statuses, under the row's lock."""
    with transaction.atomic():
        StatusList.objects.get_or_create(
            purpose=REVOCATION, defaults={"jws": "", "valid_until": timezone.now()}
        )
        row = StatusList.objects.select_for_update().get(purpose=REVOCATION)
        valid_from = (now or timezone.now()).replace(microsecond=0)
        row.valid_until = valid_from + timedelta(seconds=status_list_ttl_seconds())
        row.jws = _status_list_signed(valid_from=valid_from, valid_until=row.valid_until)
        row.save(update_fields=["jws", "valid_until", "updated_at"])
    return row


def _status_list_signed(*, valid_from: datetime, valid_until: datetime) -> str:
    ended = Certificate.objects.filter(status__in=ENDED).values_list("status_list_index", flat=True)
    indexes = [index for index in ended if index is not None]
    body = status_list_credential_build(
        encoded_list=bitstring_encode(indexes), valid_from=valid_from, valid_until=valid_until
    )
    return jws_sign(payload=canonicalize(body), typ=TYP_VC, cty=CTY_VC).compact


def status_list_current() -> StatusList:
    """The stored list while it has time left, else one signed now."""
    row = StatusList.objects.filter(purpose=REVOCATION).first()
    if row is not None and row.jws and row.valid_until > timezone.now() + STATUS_LIST_MARGIN:
        return row
    return status_list_refresh()


def status_list_ttl_seconds() -> int:
    """How long a signed list is valid: never past the ``next_update`` of a status bundle served now.

    A bundle (CONTRACT §4) is valid for ``STATUS_BUNDLE_TTL_SECONDS`` (at most 24 hours) from its
    signing and served from cache for up to ``STATUS_BUNDLE_CACHE_SECONDS``, so the bundle served at
    any moment stays valid at least the difference longer.
    """
    ttl = min(int(settings.STATUS_BUNDLE_TTL_SECONDS), 24 * 3600)
    cached = min(int(getattr(settings, "STATUS_BUNDLE_CACHE_SECONDS", 60)), ttl)
    return max(ttl - cached, 1)
