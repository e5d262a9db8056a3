"""Sending one notification e-mail, retried on the e-mail schedule when SMTP is in trouble."""

from __future__ import annotations

import smtplib

from django.db import transaction
from django.utils import timezone

from certificates.notifications import conf
from certificates.notifications.dispatch import retry_backoff, row_claim, row_finish, row_retry_schedule
from certificates.notifications.emails import email_build
from certificates.notifications.models import ESSENTIAL_EMAIL_KINDS, DeliveryStatus, EmailNotification
from certificates.notifications.preferences import notification_preference_get


def email_send(*, email_id: int) -> None:
    """Send one notification e-mail; SMTP trouble is retried on the e-mail schedule."""
    if not row_claim(EmailNotification, email_id):
        return
    email = EmailNotification.objects.select_related("user__organization").get(pk=email_id)
    if not _still_wanted(email):
        row_finish(email, DeliveryStatus.CANCELLED)
        return
    try:
        email_build(kind=email.kind, data=email.data, user=email.user).send()
    except (smtplib.SMTPException, OSError) as exc:
        _email_failed(email, f"{type(exc).__name__}: {exc}")
        return
    email.attempts += 1
    row_finish(email, DeliveryStatus.DELIVERED)


def _still_wanted(email: EmailNotification) -> bool:
    user = email.user
    if not (user.is_active and user.email):
        return False
    return email.kind in ESSENTIAL_EMAIL_KINDS or notification_preference_get(user=user).email_optional


@transaction.atomic
def _email_failed(email: EmailNotification, error: str) -> None:
    email.attempts += 1
    email.error = error[:200]
    email.save(update_fields=["error"])
    schedule = conf.get("EMAIL_RETRY_SCHEDULE")
    if email.attempts > len(schedule):
        row_finish(email, DeliveryStatus.FAILED)
    else:
        row_retry_schedule(email, retry_backoff(schedule, email.attempts), timezone.now())
