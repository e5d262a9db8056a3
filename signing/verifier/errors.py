"""Why the verifier's inputs cannot be used (as opposed to a certificate that is not valid)."""

from __future__ import annotations

__all__ = ["BundleError", "StaleBundle", "VerifierError"]


class VerifierError(Exception):
    """The inputs (JWKS, bundle, key list) cannot be used; the CLI exits 2."""


class BundleError(VerifierError):
    """The status bundle is not a bundle signed with a published key."""


class StaleBundle(VerifierError):
    """The status bundle is past its ``next_update``: revocations since then would be missed."""
