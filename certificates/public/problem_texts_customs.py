"""The problem pages of customs declarations and inquiries (``problem_texts`` takes them in)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

PAGE_CONTEXT = "problem page"

CUSTOMS_PAGES: dict[str, tuple[Promise, Promise]] = {
    "not_destination_customs": (
        pgettext_lazy(PAGE_CONTEXT, "Not the customs of destination"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only customs of the certificate's country of destination record declarations against it. "
            "Check the certificate's country_of_destination.",
        ),
    ),
    "declaration_mismatch": (
        pgettext_lazy(PAGE_CONTEXT, "Declaration does not match the certificate"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Some lines name an item the certificate does not have, another HS code or unit, or more "
            "than remains. The errors list each line; nothing was drawn down. Correct the lines and "
            "send the declaration again.",
        ),
    ),
    "certificate_not_valid": (
        pgettext_lazy(PAGE_CONTEXT, "Certificate not valid for this declaration"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The certificate was not valid at the declaration's time or is not valid now: see "
            "certificate_status (revoked, superseded, expired or not yet valid). Nothing was "
            "recorded.",
        ),
    ),
    "declaration_conflict": (
        pgettext_lazy(PAGE_CONTEXT, "Declaration recorded with other content"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "This customs office recorded a declaration with this number against the certificate "
            "before, with other lines. Annul that one first, or use the declaration's own number.",
        ),
    ),
    "already_annulled": (
        pgettext_lazy(PAGE_CONTEXT, "Declaration already annulled"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "This declaration was annulled before; its quantities are already back on the "
            "certificate. Reload it to see when and why.",
        ),
    ),
    "not_recording_customs": (
        pgettext_lazy(PAGE_CONTEXT, "Not the recording customs"),
        pgettext_lazy(PAGE_CONTEXT, "Only the customs organization that recorded a declaration annuls it."),
    ),
    "declaration_check_not_customs": (
        pgettext_lazy(PAGE_CONTEXT, "Declaration check for customs only"),
        pgettext_lazy(PAGE_CONTEXT, "Only customs users may send a declaration to verify: leave it out."),
    ),
    "already_answered": (
        pgettext_lazy(PAGE_CONTEXT, "Inquiry already answered"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The issuing body answered this inquiry before; an answer is final. Read the inquiry "
            "to see the answer, or ask a new question.",
        ),
    ),
}
