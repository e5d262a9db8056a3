"""Admin: read-only key records; create, rotate and revoke through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from signing.models import SigningKey
from signing.services import signing_key_create

pytestmark = pytest.mark.django_db
BASE = "/admin/signing/signingkey/"


def test_changelist_offers_create_and_rotate_and_detail_shows_the_public_jwk(admin_client, active_key):
    changelist = admin_client.get(BASE).content.decode()
    assert f"{BASE}create/" in changelist
    assert f"{BASE}rotate/" in changelist
    detail = admin_client.get(f"{BASE}{active_key.pk}/change/").content.decode()
    assert active_key.public_x in detail
    assert f"{BASE}{active_key.pk}/revoke/" in detail
    assert 'name="_save"' not in detail


def test_admin_creates_and_rotates_keys(admin_client, kek):
    assert admin_client.post(f"{BASE}create/", {"activate": "on"}).status_code == 302
    first = SigningKey.objects.get()
    assert first.status == "active"
    assert admin_client.post(f"{BASE}rotate/", {"issuer_country": ""}).status_code == 302
    first.refresh_from_db()
    assert first.status == "retired"
    assert SigningKey.objects.filter(status="active").exclude(pk=first.pk).count() == 1


def test_admin_revokes_through_an_intermediate_form(admin_client, active_key):
    response = admin_client.post(BASE, {"action": "revoke_selected", "_selected_action": [active_key.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{active_key.pk}/revoke/"
    form_page = admin_client.get(response["Location"]).content.decode()
    assert "compromised_at" in form_page
    assert "nothing can be signed until the next rotation" in form_page
    done = admin_client.post(
        f"{BASE}{active_key.pk}/revoke/", {"compromised_at": "2026-01-02 03:04:05", "reason": "lost token"}
    )
    assert done.status_code == 302
    active_key.refresh_from_db()
    assert active_key.status == "revoked"
    assert active_key.revocation_reason == "lost token"
    assert active_key.compromised_at.isoformat() == "2026-01-02T03:04:05+00:00"


def test_revoke_form_rejects_a_missing_reason(admin_client, active_key):
    response = admin_client.post(f"{BASE}{active_key.pk}/revoke/", {"compromised_at": "2026-01-02 03:04:05"})
    assert response.status_code == 200
    active_key.refresh_from_db()
    assert active_key.status == "active"


def test_service_errors_are_shown_not_raised(admin_client, active_key):
    signing_key_create()
    admin_client.post(
        f"{BASE}{active_key.pk}/revoke/", {"compromised_at": "2026-01-02 03:04:05", "reason": "r"}
    )
    response = admin_client.post(
        f"{BASE}{active_key.pk}/revoke/",
        {"compromised_at": "2026-01-02 03:04:05", "reason": "r"},
        follow=True,
    )
    assert "already revoked" in response.content.decode()


def test_staff_who_may_only_view_keys_cannot_manage_them(client, active_key):
    user = get_user_model().objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_signingkey"))
    client.force_login(user)
    assert client.get(BASE).status_code == 200
    assert f"{BASE}rotate/" not in client.get(BASE).content.decode()
    for url in (f"{BASE}create/", f"{BASE}rotate/", f"{BASE}{active_key.pk}/revoke/"):
        assert client.post(url, {"compromised_at": "2026-01-02 03:04:05", "reason": "r"}).status_code == 403
    active_key.refresh_from_db()
    assert active_key.status == "active"
    assert SigningKey.objects.count() == 1
