"""Management commands for the key lifecycle."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from signing.models import SigningKey

pytestmark = pytest.mark.django_db


def _run(name: str, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_create_rotate_revoke_and_list(kek):
    pending_kid = _run("signing_key_create", "--registry").split()[0]
    active_kid = _run("signing_key_create", "--registry", "--activate").split()[0]
    rotated_kid = _run("signing_key_rotate", "--registry").split()[0]
    assert SigningKey.objects.get(kid=pending_kid).status == "pending"
    assert SigningKey.objects.get(kid=active_kid).status == "retired"
    assert SigningKey.objects.get(kid=rotated_kid).status == "active"

    out = _run(
        "signing_key_revoke",
        f"--kid={active_kid}",
        "--compromised-at",
        "2026-01-02T03:04:05Z",
        "--reason",
        "leak",
    )
    assert "revoked compromised_at=2026-01-02T03:04:05+00:00" in out
    listing = _run("signing_key_list")
    assert {line.split()[0]: line.split()[1] for line in listing.splitlines()} == {
        pending_kid: "pending",
        active_kid: "revoked",
        rotated_kid: "active",
    }


@pytest.mark.parametrize("moment", ["yesterday", "2026-01-02T03:04:05"])
def test_revoke_refuses_a_time_that_is_not_rfc_3339_with_a_zone(kek, moment):
    kid = _run("signing_key_create", "--registry", "--activate").split()[0]
    with pytest.raises(CommandError, match="compromised-at"):
        _run("signing_key_revoke", f"--kid={kid}", "--compromised-at", moment, "--reason", "r")


def test_revoke_of_an_unknown_kid_is_a_clear_error(kek):
    with pytest.raises(CommandError, match="no signing key"):
        _run(
            "signing_key_revoke", "--kid", "nope", "--compromised-at", "2026-01-02T03:04:05Z", "--reason", "r"
        )


def test_a_body_key_is_made_rotated_and_listed_for_its_body_alone(kek):
    from django.core.management.base import CommandError

    from tests.applications.factories import IssuerFactory

    with pytest.raises(CommandError, match="no issuing body of BY"):
        _run("signing_key_create", "--body", "BY", "--activate")
    IssuerFactory(country="BY", tax_id="", name="Belarusian body")
    registry_kid = _run("signing_key_create", "--registry", "--activate").split()[0]
    first = _run("signing_key_create", "--body", "by", "--activate").split()
    assert first[1:] == ["active", "BY"]
    second = _run("signing_key_rotate", "--body", "BY").split()[0]
    assert SigningKey.objects.get(kid=first[0]).status == "retired"
    assert SigningKey.objects.get(kid=registry_kid).status == "active"
    assert SigningKey.objects.get(kid=second).issuer_name == "Belarusian body"
    assert [line.split()[0] for line in _run("signing_key_list", "--registry").splitlines()] == [registry_kid]
    with pytest.raises(CommandError, match="belongs to BY"):
        _run("signing_key_revoke", f"--kid={second}", "--compromised-at", "2026-01-02T03:04:05Z",
             "--reason", "r", "--registry")  # fmt: skip
