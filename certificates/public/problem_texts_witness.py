"""The problem pages of the witnessed log (``problem_texts`` takes them in)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

PAGE_CONTEXT = "problem page"

WITNESS_PAGES: dict[str, tuple[Promise, Promise]] = {
    "cosignature_bad_signature": (
        pgettext_lazy(PAGE_CONTEXT, "Cosignature does not verify"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The signature is not a compact JWS of typ certsvc-cosignature+jws over tree_size, root_hash, "
            "timestamp and cosigned_at, or it does not verify with the witness's registered key. Sign "
            "the checkpoint again with the witness's own key.",
        ),
    ),
    "witness_unknown": (
        pgettext_lazy(PAGE_CONTEXT, "Unknown witness"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "No active witness of the user who posted has the kid of this cosignature. Post with the "
            "witness's own user, or ask the administrators to register the witness's key.",
        ),
    ),
    "checkpoint_not_issued": (
        pgettext_lazy(PAGE_CONTEXT, "Checkpoint never issued"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The service never issued a checkpoint with this tree_size, root_hash and timestamp. Cosign "
            "only checkpoints fetched from /api/v1/log/checkpoint.",
        ),
    ),
    "cosignature_clock_skew": (
        pgettext_lazy(PAGE_CONTEXT, "Cosignature time out of range"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "cosigned_at is more than 10 minutes from the checkpoint's timestamp or from the service's "
            "clock. Check the witness's clock, fetch the newest checkpoint and cosign it at once.",
        ),
    ),
    "checkpoint_not_kept": (
        pgettext_lazy(PAGE_CONTEXT, "No checkpoint of that size"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The service issued no checkpoint at this tree size. Ask for the newest checkpoint (without "
            "tree_size) or for a size a checkpoint was issued at.",
        ),
    ),
    "log_bad_range": (
        pgettext_lazy(PAGE_CONTEXT, "Outside the log"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The sizes or indexes asked for do not lie within the log: start must not exceed end, and end "
            "must not exceed the current tree size. Fetch the newest checkpoint and ask within its size.",
        ),
    ),
    "log_range_too_large": (
        pgettext_lazy(PAGE_CONTEXT, "Too many entries at once"),
        pgettext_lazy(PAGE_CONTEXT, "Ask for at most 1,000 entries at once and page through the log."),
    ),
    "witness_user_refused": (
        pgettext_lazy(PAGE_CONTEXT, "Not a customs user"),
        pgettext_lazy(PAGE_CONTEXT, "A witness's cosignatures are posted by an active customs user."),
    ),
    "witness_key_invalid": (
        pgettext_lazy(PAGE_CONTEXT, "Invalid witness"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "A witness needs a name and an Ed25519 public key: its 32 bytes x in base64url without "
            "padding, as certsvc-witness keygen prints it.",
        ),
    ),
    "witness_exists": (
        pgettext_lazy(PAGE_CONTEXT, "Witness already registered"),
        pgettext_lazy(PAGE_CONTEXT, "A witness with this name or this key is registered already."),
    ),
}
