"""Django's error pages never show a secret the settings read from the environment."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(r"env_(secret|str|list)\(\s*\"([A-Z0-9_]+)\"")
URL_SHAPED = re.compile(r"_URL$|RESULT_BACKEND")


def secret_env_names() -> set[str]:
    """Every variable a settings module reads as a secret (``env_secret``) or as a service URL."""
    names = set()
    for module in sorted((ROOT / "certsvc").glob("settings*.py")):
        for reader, name in ENV_READ.findall(module.read_text(encoding="utf-8")):
            if reader == "secret" or (URL_SHAPED.search(name) and name != "PUBLIC_BASE_URL"):
                names.add(name)
    return names


def marker(name: str) -> str:
    return f"leak{abs(hash(name)) % 10**8:08d}"


def test_the_list_of_secrets_is_derived_from_the_settings_and_covers_the_known_ones():
    assert {"SECRET_KEY", "DATABASE_URL", "SIGNING_KEK", "SIGNING_OLD_KEKS", "EMAIL_HOST_PASSWORD"} <= (
        secret_env_names()
    )
    assert {"METRICS_TOKEN", "CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"} <= secret_env_names()


def _report(request) -> tuple[str, str]:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    return reporter.get_traceback_html(), reporter.get_traceback_text()


@pytest.mark.parametrize("name", sorted(secret_env_names()))
def test_the_technical_500_page_shows_no_secret_setting(settings, name):
    secret = marker(name)
    url_secret = f"redis://svc:{secret}@redis.internal:6379/0"
    setattr(settings, name, secret if not URL_SHAPED.search(name) else url_secret)
    settings.DEBUG = True
    request = RequestFactory().get("/boom", **{name: url_secret})  # the server's environment, in META
    html, text = _report(request)
    assert get_default_exception_reporter_filter().__class__.__name__ == "SecretSettingsFilter"
    assert name in html  # the setting is listed, its value is not
    assert secret not in html
    assert secret not in text


def test_passwords_inside_nested_urls_are_scrubbed(settings):
    secret = marker("nested")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"redis://:{secret}@r:6379/1",
        }
    }
    settings.DEBUG = True
    html, text = _report(RequestFactory().get("/boom"))
    assert secret not in html
    assert secret not in text
    assert "redis://:********************@r:6379/1" in text
