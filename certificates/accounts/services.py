"""Changes a user makes to their own account."""

from __future__ import annotations

from django.conf import settings

from certificates.accounts.models import User


def user_language_set(*, user: User, language: str) -> User:
    """Keep the language the user's pages (and e-mails) speak; an unknown code is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of the service: {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
