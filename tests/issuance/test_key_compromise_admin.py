"""The stolen-key playbook's admin pages and commands, and the rules they share, signed in this process."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from certificates.accounts.models import User
from certificates.applications.models import Application
from certificates.issuance.compromise import compromised_certificates, compromised_certificates_reissue
from certificates.issuance.errors import CertificateError
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from signing.services import signing_key_revoke, signing_key_rotate
from tests.applications.factories import UserFactory, api_client_for
from tests.customs.conftest import customs_of, declaration, declarations_url, line
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def stolen(signing_key, officer, make_submitted) -> Certificate:
    """A certificate signed with a key then revoked as compromised from its issue on; a new key active."""
    certificate = issue(make_submitted(), officer)
    signing_key_revoke(kid=signing_key.kid, compromised_at=certificate.issued_at, reason="token stolen")
    signing_key_rotate(issuer_country="UZ")
    return certificate


@pytest.fixture
def staff_officer(officer, client):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def compromised_page(kid: str) -> str:
    return f"/admin/certificates/certificate/compromised/{kid}/"


def test_the_revoked_keys_page_links_the_certificates_it_signed_after_the_compromise(
    staff_officer, stolen, signing_key
):
    page = staff_officer.get(f"/admin/signing/signingkey/{signing_key.pk}/change/").content.decode()
    assert compromised_page(signing_key.kid) in page
    listed = staff_officer.get(compromised_page(signing_key.kid)).content.decode()
    assert stolen.number in listed
    assert stolen.application.exporter.name in listed
    assert "reissue/" in listed
    in_russian = staff_officer.get(compromised_page(signing_key.kid), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Сертификаты, подписанные ключом" in in_russian.content.decode()


def test_reissuing_in_the_admin_asks_for_a_reason_on_a_confirmation_page(staff_officer, stolen, signing_key):
    url = compromised_page(signing_key.kid) + "reissue/"
    confirmation = staff_officer.get(url)
    assert confirmation.status_code == 200
    assert 'name="reason"' in confirmation.content.decode()
    assert "1 certificate still issued will be replaced" in confirmation.content.decode()
    assert staff_officer.post(url, {"reason": ""}).status_code == 200
    assert not Application.objects.filter(replaces=stolen).exists()

    done = staff_officer.post(url, {"reason": "the token was stolen from the safe"})
    assert done.status_code == 302
    replacement = Application.objects.get(replaces=stolen)
    assert replacement.status == Application.Status.APPROVED
    event = CertificateEvent.objects.get(certificate=stolen, action="reissued")
    assert "the token was stolen from the safe" in event.reason

    sign_certificate.run(IssuanceOrder.objects.get(application=replacement).pk)
    stolen.refresh_from_db()
    assert stolen.status == Certificate.Status.SUPERSEDED
    assert stolen.superseded_by.kid != signing_key.kid


def test_only_officers_reissue_and_only_for_a_revoked_key(client, stolen, signing_key):
    administrator = UserFactory(role=User.Role.EXPORTER, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    assert client.get(compromised_page(signing_key.kid) + "reissue/").status_code == 403
    active = signing_key_rotate(issuer_country="UZ")
    assert client.get(compromised_page(active.kid)).status_code == 302


def test_a_replacement_under_way_is_not_queued_twice(stolen, signing_key, officer):
    [first] = compromised_certificates_reissue(kid=signing_key.kid, actor=officer, reason="stolen")
    [again] = compromised_certificates_reissue(kid=signing_key.kid, actor=officer, reason="stolen")
    assert first.replacement is not None
    assert (again.replacement, again.skipped) == (None, "a replacement is already under way")
    assert Application.objects.filter(replaces=stolen).count() == 1


def test_a_key_not_revoked_is_refused_and_what_it_signed_before_the_compromise_is_not_listed(
    signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    with pytest.raises(CertificateError) as refused:
        compromised_certificates_reissue(kid=signing_key.kid, actor=officer)
    assert refused.value.code == "signing_key_state"
    # Issue times are whole seconds, so the certificate was signed before this moment.
    signing_key_revoke(kid=signing_key.kid, compromised_at=timezone.now(), reason="leak")
    assert list(compromised_certificates(kid=signing_key.kid)) == []
    earlier = certificate.issued_at - timedelta(minutes=1)
    assert list(compromised_certificates(kid=signing_key.kid, since=earlier)) == [certificate]


def test_the_commands_refuse_what_they_cannot_do(stolen, signing_key, exporter):
    def run(*args: str) -> None:
        call_command(*args, stdout=StringIO())

    with pytest.raises(CommandError, match="time zone"):
        run(
            "signing_key_compromised_certificates",
            f"--kid={signing_key.kid}",
            "--since",
            "2026-11-28T10:15:00",
        )
    with pytest.raises(CommandError, match="No signing key has kid"):
        run("signing_key_compromised_certificates", "--kid=nope")
    with pytest.raises(CommandError, match="Only certification officers"):
        run("reissue_compromised", f"--kid={signing_key.kid}", "--actor", exporter.username)
    with pytest.raises(CommandError, match="no user is called"):
        run("reissue_compromised", f"--kid={signing_key.kid}", "--actor", "nobody")
    future = (timezone.now() + timedelta(days=1)).isoformat()
    out = StringIO()
    call_command(
        "signing_key_compromised_certificates", f"--kid={signing_key.kid}", "--since", future, stdout=out
    )
    assert out.getvalue().strip() == f"0 certificate(s) signed with {signing_key.kid}"


def test_an_exhausted_certificate_is_not_reissued_so_its_goods_cannot_be_declared_twice(
    signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(items=2), officer)
    customs = api_client_for(customs_of("BY"))
    lines = [line(1, "1200.500"), line(2, "1200.500")]
    answer = customs.post(declarations_url(certificate), declaration(lines=lines), format="json")
    assert answer.status_code == 201, answer.content
    signing_key_revoke(kid=signing_key.kid, compromised_at=certificate.issued_at, reason="token stolen")
    signing_key_rotate(issuer_country="UZ")

    [outcome] = compromised_certificates_reissue(kid=signing_key.kid, actor=officer)
    assert outcome.skipped == "exhausted: every item has been declared at the border"
    assert not Application.objects.filter(replaces=certificate).exists()
