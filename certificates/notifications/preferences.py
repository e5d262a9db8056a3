"""A user's choice about optional e-mail; essential mail is sent regardless."""

from __future__ import annotations

from certificates.accounts.models import User
from certificates.notifications.models import NotificationPreference


def notification_preference_get(*, user: User) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def notification_preference_update(*, user: User, email_optional: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_optional": email_optional}
    )
    return preference
