"""Production settings refuse to start when something unsafe or missing would only show later."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from tests.services import BASE_DIR

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "certsvc.example.org",
    "SIGNING_KEK": base64.b64encode(b"k" * 32).decode(),
    "PUBLIC_BASE_URL": "https://certsvc.example.org",
}


def start(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_FILE",))}
    env.pop("CERTSVC_TESTING", None)
    for name, value in {**PRODUCTION, **overrides}.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "certsvc.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_complete_production_settings_start():
    result = start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY (or SECRET_KEY_FILE) is required"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is required"),
        ({"SIGNING_KEK": None}, "SIGNING_KEK (or SIGNING_KEK_FILE) is required"),
        ({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL must be the service's https:// address"),
        ({"PUBLIC_BASE_URL": "http://certsvc.example.org"}, "PUBLIC_BASE_URL must be"),
        ({"ISSUANCE_TEST_DELAY_SECONDS": "0.5"}, "for development only"),
        ({"WEBHOOKS_ALLOW_HTTP": "true"}, "for development only"),
        ({"CERTIFICATE_NUMBER_PREFIX": "uz-by"}, "CERTIFICATE_NUMBER_PREFIX must be"),
        ({"STATUS_BUNDLE_TTL_SECONDS": "90000"}, "STATUS_BUNDLE_TTL_SECONDS must be between 1 and 86400"),
        ({"ISSUANCE_BATCH_SIZE": "0"}, "ISSUANCE_BATCH_SIZE must be between 1 and 1000"),
        ({"PDF_YIELD_TO_SIGNING_SECONDS": "-1"}, "PDF_YIELD_TO_SIGNING_SECONDS must be between 0 and 3600"),
    ],
)
def test_production_refuses_to_start(overrides, message):
    result = start(**overrides)
    assert result.returncode != 0
    assert message in result.stderr
