"""The two ways issuance says no: to a caller (``CertificateError``) or to the signing pipeline."""

from __future__ import annotations

from certsvc.problems import ProblemError


class CertificateError(ProblemError):
    """A certificate rule was broken; ``code`` names which one."""


class IssuanceFailure(ProblemError):
    """Issuance cannot succeed by retrying alone; stored on the order for officers to see."""
