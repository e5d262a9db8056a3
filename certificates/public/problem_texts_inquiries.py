"""The problem pages of customs inquiries (``problem_texts`` takes them in)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

PAGE_CONTEXT = "problem page"

INQUIRY_PAGES: dict[str, tuple[Promise, Promise]] = {
    "already_answered": (
        pgettext_lazy(PAGE_CONTEXT, "Inquiry already answered"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The issuing body answered this inquiry before; an answer is final. Read the inquiry "
            "to see the answer, or ask a new question.",
        ),
    ),
}
