"""Administrators see every recorded verification in the admin, read-only."""

from __future__ import annotations

import pytest

from certificates.verification.models import Verification
from tests.applications.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_verifications_and_allows_no_edits(client, customs_user):
    row = Verification.objects.create(
        user=customs_user,
        organization=customs_user.organization,
        query="number",
        number="UZBY-2026-EX-000007",
        status="revoked",
    )
    admin = UserFactory(role="", is_staff=True, is_superuser=True)
    client.force_login(admin)

    listing = client.get("/admin/certificates/verification/")
    assert listing.status_code == 200
    assert "UZBY-2026-EX-000007" in listing.content.decode()
    assert client.get("/admin/certificates/verification/add/").status_code == 403
    assert (
        client.post(f"/admin/certificates/verification/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Verification.objects.filter(pk=row.pk).exists()
