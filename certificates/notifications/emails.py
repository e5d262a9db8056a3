"""Rendering notification e-mail in the recipient's language: a plain-text and an HTML part."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from certificates.accounts.models import User

LANGUAGES = ("en", "ru", "uz")
COUNTRY_LANGUAGES = {"UZ": "uz", "BY": "ru"}


def email_language(user: User) -> str:
    """The user's chosen language, else that of the organization's country, else English."""
    language = (user.language or "").split("-")[0].lower()
    if language in LANGUAGES:
        return language
    country = str(user.organization.country) if user.organization is not None else ""
    return COUNTRY_LANGUAGES.get(country, "en")


def email_build(*, kind: str, data: dict[str, Any], user: User) -> EmailMultiAlternatives:
    """The message for ``kind``; the text template's first line is the subject."""
    language = email_language(user)
    name = f"notifications/email/{kind.replace('.', '_')}.{language}"
    context = {"data": data, "user": user, "base_url": settings.PUBLIC_BASE_URL, "language": language}
    with translation.override(language):
        subject, _, text = render_to_string(f"{name}.txt", context).partition("\n")
        html = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text.strip() + "\n",
        to=[user.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
