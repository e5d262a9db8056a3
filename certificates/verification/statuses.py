"""The statuses a verification answers (CONTRACT §4), and the largest document it reads."""

from __future__ import annotations

VALID = "valid"
REVOKED = "revoked"
SUPERSEDED = "superseded"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
EXHAUSTED = "exhausted"
NOT_FOUND = "not_found"
BAD_SIGNATURE = "bad_signature"
UNKNOWN_KEY = "unknown_key"
KEY_REVOKED = "key_revoked"
REGISTRY_MISMATCH = "registry_mismatch"
MALFORMED = "malformed"
STATUSES = (
    VALID,
    REVOKED,
    SUPERSEDED,
    EXPIRED,
    NOT_YET_VALID,
    EXHAUSTED,
    NOT_FOUND,
    BAD_SIGNATURE,
    UNKNOWN_KEY,
    KEY_REVOKED,
    REGISTRY_MISMATCH,
    MALFORMED,
)
MAX_DOCUMENT_BYTES = 64 * 1024
