"""How inquiries say no: a problem with a stable ``code``."""

from __future__ import annotations

from certsvc.problems import ProblemError


class InquiryError(ProblemError):
    """An inquiry cannot be asked, answered or read by this caller, or not now."""
