"""Domain errors of the signing service (the API reports them as problem+json)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from certsvc.problems import ProblemError


class SigningError(ProblemError):
    code = "signing_error"

    def __init__(self, detail: str, *, code: str | None = None):
        super().__init__(code or self.code, detail)


class NoActiveKey(SigningError):
    """Nothing can be signed: no key is active (none created yet, or the active one was revoked)."""

    code = "no_active_signing_key"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_title = _("Service unavailable")


class KeyUnavailable(SigningError):
    """A backend cannot use a key (wrong or missing key-encryption key, device down, …): fails closed."""

    code = "signing_key_unavailable"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_title = _("Service unavailable")


class SigningKeyNotFound(SigningError):
    code = "signing_key_not_found"
    status_code = status.HTTP_404_NOT_FOUND
    default_title = _("Not found")


class SigningKeyStateError(SigningError):
    """The key's current status does not allow the requested change."""

    code = "signing_key_state"
