"""The application form's fields as the portal names them, filled with a valid application."""

from __future__ import annotations

from certificates.portal.forms import unfold
from tests.applications.factories import application_payload


def form_fields(**overrides) -> dict[str, str]:
    """A valid posted form: the API's example document under the portal's flat field names."""
    return {**unfold(application_payload()), **overrides}


def signed_in(client, user):
    client.force_login(user)
    return client
