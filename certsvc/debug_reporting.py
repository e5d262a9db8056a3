"""What Django's error pages (``DEBUG`` 500 page, ``mail_admins`` reports) may show of the settings.

Django's own filter hides names matching ``API|TOKEN|KEY|SECRET|PASS|SIGNATURE`` only, which lets
``DATABASE_URL``, the broker and cache URLs (with their passwords) and ``SIGNING_KEK`` through.
Every setting read with ``env_secret`` is listed by name; a wider pattern covers the names a new
secret is likely to have; and any ``scheme://user:password@host`` left in a value (nested in
``DATABASES``, ``CACHES`` or the request's environment) loses its password.
"""

from __future__ import annotations

import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

SECRET_SETTINGS = frozenset(
    {
        "SECRET_KEY",
        "DATABASE_URL",
        "CACHE_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "EMAIL_HOST_PASSWORD",
        "SIGNING_KEK",
        "SIGNING_OLD_KEKS",
        "PKCS11_PIN",
        "METRICS_TOKEN",
        "REDIS_PASSWORD",
    }
)
SECRET_NAME = re.compile(
    r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|KEK|DSN|CREDENTIAL|PRIVATE|COOKIE|_URL$|BROKER|BACKEND_URL",
    flags=re.IGNORECASE,
)
URL_CREDENTIALS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@\s]*)@", re.I
)
PUBLIC_URL_SETTINGS = frozenset(
    {"STATIC_URL", "MEDIA_URL", "PUBLIC_BASE_URL", "LOGIN_URL", "LOGIN_REDIRECT_URL"}
)


def url_credentials_scrubbed(text: str, substitute: str) -> str:
    return URL_CREDENTIALS.sub(lambda match: f"{match['scheme']}{match['user']}:{substitute}@", text)


class SecretSettingsFilter(SafeExceptionReporterFilter):
    """Hides the project's secrets by name and the passwords inside URL-shaped values."""

    hidden_settings = SECRET_NAME

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        name = key.upper() if isinstance(key, str) else ""
        if name in SECRET_SETTINGS or (self.hidden_settings.search(name) and name not in PUBLIC_URL_SETTINGS):
            return self.cleansed_substitute
        cleansed = super().cleanse_setting(key, value)
        if type(cleansed) is str:  # not the lazy objects Django wraps callables in
            return url_credentials_scrubbed(cleansed, self.cleansed_substitute)
        return cleansed
