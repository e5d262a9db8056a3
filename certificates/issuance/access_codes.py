"""Access codes (CONTRACT §9): the secret printed beside a certificate's number on paper.

The number is sequential and guessable; the code is not, so knowing a number alone shows a
certificate's status and dates, never its parties or goods.
"""

from __future__ import annotations

import base64
import hmac
import secrets

ACCESS_CODE_BYTES = 10  # 80 random bits: 16 base32 characters


def access_code_new() -> str:
    return base64.b32encode(secrets.token_bytes(ACCESS_CODE_BYTES)).decode("ascii").rstrip("=")


def access_code_normalized(text: str) -> str:
    """Upper case without spaces and hyphens: how a person may have typed the printed code."""
    return "".join(character for character in text if character not in " -").upper()


def access_code_matches(expected: str, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(access_code_normalized(given).encode(), expected.encode())
