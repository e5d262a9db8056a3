"""The detail of every check, in every status of CONTRACT §4, online and offline, in ru, uz and en.

A passing check carries no detail or one that says what passed; a failing one carries its own
message from the catalog, in the language asked for: ``Accept-Language`` online; ``--lang`` or the
environment offline (Python gettext over ``signing/verifier/locale``, no Django).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_revoke
from signing.services import signing_key_revoke, signing_key_rotate
from signing.verifier import Verifier
from signing.verifier.texts import language_chosen, text
from tests.issuance.helpers import issue
from tests.verification.helpers import (
    VERIFY_URL,
    parts,
    signed_by_service,
    signed_by_unknown_key,
    with_flipped_signature_byte,
    with_header,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "ru", "uz")
CLI = str(Path(sys.executable).parent / "certsvc-verify")
# What a passing check may say: what passed.
PASSING = ("log entry %(index)s", "valid %(start)s to %(end)s")
OFFLINE_PASSING = ("valid %(start)s to %(end)s",)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def online_text(language: str, message: str, **params) -> str:
    with translation.override(language):
        translated = gettext(message)
    assert language == "en" or translated != message, f"{message!r} has no {language} translation"
    return translated % params if params else translated


def ask(client, language: str, **body) -> dict:
    response = client.post(VERIFY_URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    return response.json()


def assert_details(
    answer: dict, language: str, status: str, failing: dict[str, tuple], say, passing=PASSING
) -> None:
    """``failing``: check name → (message, params) it must say; every other check passes quietly."""
    assert answer["status"] == status
    details = {check["name"]: check for check in answer["checks"]}
    for name, (message, params) in failing.items():
        assert details[name]["ok"] is False, name
        assert details[name]["detail"] == say(language, message, **params), name
    for check in answer["checks"]:
        if check["name"] in failing or not check["ok"] or "detail" not in check:
            continue
        assert any(
            _says(check["detail"], say(language, message, index=0, start="", end="")) for message in passing
        )


def _says(detail: str, pattern: str) -> bool:
    """``detail`` is ``pattern`` with its values filled in (the values are checked elsewhere)."""
    words = [word for word in pattern.split() if not any(ch.isdigit() for ch in word)]
    return all(word in detail for word in words) and bool(words)


@pytest.fixture
def statuses(certificate, officer, make_submitted, anon_client):
    """status → (request body, failing checks online, at) for each status a customs officer can meet."""
    document = certificate.document
    header, _, _ = parts(certificate.jws)
    issued = rfc3339(certificate.issued_at)
    forged = {**document, "consignee": {**document["consignee"], "name": "Other LLC"}}
    return {
        "valid": ({"document": certificate.jws}, {}),
        "malformed": ({"document": "not-a-jws"}, {"well_formed": None}),
        "algorithm": (
            {"document": with_header(certificate.jws, {**header, "alg": "HS256"})},
            {"algorithm": ("alg %(alg)s refused", {"alg": "'HS256'"})},
        ),
        "unknown_key": (
            {"document": signed_by_unknown_key(document)},
            {"key_known": ("no published key has kid %(kid)s", {"kid": "not-a-published-key"})},
        ),
        "bad_signature": (
            {"document": with_flipped_signature_byte(certificate.jws)},
            {"signature": ("the signature does not verify", {})},
        ),
        "registry_mismatch": (
            {"document": signed_by_service(forged)},
            {"registry": ("differs from the one on record", {})},
        ),
        "not_found": (
            {"number": "UZBY-2026-EX-999999"},
            {"registry": ("no certificate has this number", {})},
        ),
        "not_yet_valid": (
            {"document": certificate.jws, "at": rfc3339(certificate.issued_at - timedelta(days=1))},
            {"validity": ("not issued until %(time)s", {"time": issued})},
        ),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_online_check_detail_is_its_own_message_in_the_language_asked(
    anon_client, certificate, statuses, language
):
    for name, (body, failing) in statuses.items():
        answer = ask(anon_client, language, **body)
        if name == "malformed":
            detail = answer["checks"][0]["detail"]
            assert detail.startswith(
                online_text(language, "not a certificate document: %(reason)s", reason="")
            )
            continue
        expected_status = "bad_signature" if name == "algorithm" else name
        assert_details(answer, language, expected_status, failing, online_text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_online_revoked_superseded_expired_and_key_revoked_details_are_translated(
    anon_client, certificate, officer, make_submitted, language
):
    old = issue(make_submitted(), officer)
    Certificate.objects.filter(pk=old.pk).update(valid_from=date(2020, 1, 1), valid_until=date(2020, 12, 31))
    expired = ("expired after %(date)s", {"date": "2020-12-31"})
    assert_details(
        ask(anon_client, language, number=old.number), language, "expired", {"validity": expired}, online_text
    )

    replacement = issue(make_submitted(replaces=certificate), officer)
    certificate.refresh_from_db()
    day = replacement.issued_at.astimezone(UTC).date().isoformat()
    superseded = ("superseded %(date)s by %(number)s", {"date": day, "number": replacement.number})
    answer = ask(anon_client, language, number=certificate.number)
    assert_details(answer, language, "superseded", {"status": superseded}, online_text)

    certificate_revoke(certificate=replacement, actor=officer, reason="wrong HS code")
    replacement.refresh_from_db()
    day = replacement.revoked_at.astimezone(UTC).date().isoformat()
    revoked = ("revoked %(date)s: %(reason)s", {"date": day, "reason": "wrong HS code"})
    answer = ask(anon_client, language, number=replacement.number)
    assert_details(answer, language, "revoked", {"status": revoked}, online_text)

    compromised_at = certificate.issued_at - timedelta(minutes=5)
    signing_key_revoke(kid=certificate.kid, compromised_at=compromised_at, reason="HSM stolen")
    signing_key_rotate()
    since = {"kid": certificate.kid, "since": rfc3339(compromised_at)}
    answer = ask(anon_client, language, document=certificate.jws)
    failing = {"key_not_revoked": ("key %(kid)s compromised since %(since)s", since)}
    assert_details(answer, language, "key_revoked", failing, online_text)


def test_a_valid_certificate_passes_every_check_without_a_failures_text(anon_client, certificate):
    for language in LANGUAGES:
        for body in ({"number": certificate.number}, {"document": certificate.jws}):
            answer = ask(anon_client, language, **body)
            assert answer["valid"] is True
            details = {check["name"]: check.get("detail") for check in answer["checks"]}
            assert details["key_known"] is None
            assert details["signature"] is None
            assert details["validity"] == online_text(
                language,
                "valid %(start)s to %(end)s",
                start=certificate.valid_from.isoformat(),
                end=certificate.valid_until.isoformat(),
            )


# --- offline -----------------------------------------------------------------------------


def offline_text(language: str, message: str, **params) -> str:
    translated = text(language, message)
    assert language == "en" or translated != message, f"{message!r} has no {language} translation"
    return translated % params if params else translated


def _offline_inputs(client) -> tuple[dict, str]:
    return client.get("/.well-known/jwks.json").json(), client.get("/api/v1/status/bundle").content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_offline_check_detail_is_its_own_message_in_the_language_asked(
    client, certificate, officer, make_submitted, language
):
    document, header = certificate.document, parts(certificate.jws)[0]
    replacement = issue(make_submitted(replaces=certificate), officer)
    revoked = issue(make_submitted(), officer)
    certificate_revoke(certificate=revoked, actor=officer, reason="wrong HS code")
    jwks, bundle = _offline_inputs(client)
    entries = {entry["number"]: entry for entry in json.loads(_payload(bundle))["entries"]}
    verifier = Verifier(jwks, bundle, language=language)
    past = {"number": "UZBY-2020-EX-000001", "issued_at": "2020-01-01T09:00:00Z", "valid_until": "2020-12-31"}
    old = signed_by_service({**document, **past, "valid_from": "2020-01-01"})
    cases = {
        "valid": (replacement.jws, None, {}),
        "algorithm": (
            with_header(certificate.jws, {**header, "alg": "HS256"}),
            None,
            {"algorithm": ("alg %(alg)s refused", {"alg": "'HS256'"})},
        ),
        "unknown_key": (
            signed_by_unknown_key(document),
            None,
            {"key_known": ("kid %(kid)s is not in the JWKS", {"kid": "not-a-published-key"})},
        ),
        "bad_signature": (
            with_flipped_signature_byte(certificate.jws),
            None,
            {"signature": ("the signature does not verify", {})},
        ),
        "superseded": (
            certificate.jws,
            None,
            {"status": ("superseded since %(since)s", {"since": entries[certificate.number]["since"]})},
        ),
        "revoked": (
            revoked.jws,
            None,
            {"status": ("revoked since %(since)s", {"since": entries[revoked.number]["since"]})},
        ),
        "expired": (old, None, {"validity": ("expired after %(date)s", {"date": "2020-12-31"})}),
        "not_yet_valid": (
            replacement.jws,
            replacement.issued_at - timedelta(days=1),
            {"validity": ("not issued until %(time)s", {"time": rfc3339(replacement.issued_at)})},
        ),
    }
    for status, (token, at, failing) in cases.items():
        result = verifier.verify(token, at=at).as_dict()
        expected = "bad_signature" if status == "algorithm" else status
        assert_details(result, language, expected, failing, offline_text, OFFLINE_PASSING)
    malformed = verifier.verify("not-a-jws").as_dict()
    assert malformed["checks"][0]["detail"].startswith(
        offline_text(language, "not a certificate document: %(reason)s", reason="")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_offline_key_revoked_detail_is_translated(client, certificate, language):
    signing_key_revoke(kid=certificate.kid, compromised_at=certificate.issued_at, reason="HSM stolen")
    signing_key_rotate()
    jwks, bundle = _offline_inputs(client)
    result = Verifier(jwks, bundle, language=language).verify(certificate.jws).as_dict()
    [state] = [key for key in json.loads(_payload(bundle))["keys"] if key["kid"] == certificate.kid]
    since = datetime.fromisoformat(state["compromised_at"].replace("Z", "+00:00")).isoformat()
    failing = {
        "key_not_revoked": (
            "key %(kid)s revoked, compromised since %(since)s",
            {"kid": certificate.kid, "since": since},
        )
    }
    assert_details(result, language, "key_revoked", failing, offline_text, OFFLINE_PASSING)


def _payload(jws: str) -> bytes:
    from signing.jws import b64url_decode

    return b64url_decode(jws.split(".")[1])


def test_the_offline_language_is_the_option_else_the_environment_else_english():
    assert language_chosen("uz", {"LANG": "ru_RU.UTF-8"}) == "uz"
    assert language_chosen(None, {"LANG": "ru_RU.UTF-8"}) == "ru"
    assert language_chosen(None, {"LANGUAGE": "uz:ru", "LANG": "ru_RU.UTF-8"}) == "uz"
    assert language_chosen(None, {"LC_MESSAGES": "uz_UZ.UTF-8@latin"}) == "uz"
    assert language_chosen(None, {"LANG": "C.UTF-8"}) == "en"
    assert language_chosen(None, {}) == "en"


@pytest.mark.parametrize(
    ("option", "environment", "language"),
    [
        (["--lang", "ru"], {}, "ru"),
        ([], {"LANG": "uz_UZ.UTF-8"}, "uz"),
        (["--lang", "en"], {"LANG": "ru_RU.UTF-8"}, "en"),
    ],
)
def test_the_cli_prints_the_details_in_the_chosen_language(
    client, certificate, tmp_path, option, environment, language
):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").content.decode())
    token = tmp_path / "c.jws"
    token.write_text(with_flipped_signature_byte(certificate.jws))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    done = subprocess.run(
        [CLI, str(token), "--jwks", str(jwks), *option],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**env, **environment},
    )
    assert done.returncode == 1, done.stderr
    failed, why = offline_text(language, "FAILED"), offline_text(language, "the signature does not verify")
    key_line = f"  key_known: {offline_text(language, 'ok')}"
    signature_line = f"  signature: {failed}: {why}"
    assert key_line + "\n" in done.stdout
    assert signature_line in done.stdout
