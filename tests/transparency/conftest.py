from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from signing.services import signing_key_ensure_active
from signing.transparency.services import log_append

NUMBER_PREFIX = "UZBY-TEST-"


def entry_for(index: int) -> bytes:
    return f"entry {index}".encode()


def append_entries(items: list[bytes]) -> None:
    """Append each entry in its own transaction, as issuance does."""
    for item in items:
        with transaction.atomic():
            log_append(entry=item)


def resolve_number(number: str) -> int | None:
    """A stand-in resolver for the number lookup: ``UZBY-TEST-<index>`` names leaf ``index``."""
    if number.startswith(NUMBER_PREFIX) and number[len(NUMBER_PREFIX) :].isdigit():
        return int(number[len(NUMBER_PREFIX) :])
    return None


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def active_key(db):
    return signing_key_ensure_active()


# The issuance suite's fixtures, for the tests that issue real certificates.
from tests.issuance.conftest import exporter, issuer, make_submitted, officer, signing_key  # noqa: E402, F401
