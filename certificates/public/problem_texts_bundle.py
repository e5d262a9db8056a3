"""The problem pages of the status bundle (``problem_texts`` takes them in)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

PAGE_CONTEXT = "problem page"

BUNDLE_PAGES: dict[str, tuple[Promise, Promise]] = {
    "delta_unavailable": (
        pgettext_lazy(PAGE_CONTEXT, "No delta from that bundle"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "since must be the issued_at of a status bundle the service issued in the last 7 days. "
            "Fetch the whole bundle (without since) and ask for deltas from its issued_at.",
        ),
    ),
}
