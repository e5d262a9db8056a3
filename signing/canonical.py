"""RFC 8785 JSON Canonicalization Scheme (JCS).

Used offline as well as by the service, so it never imports Django. The bytes it
returns are what certsvc signs: every language that implements RFC 8785 gets the
same bytes for the same document.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

__all__ = ["CanonicalizationError", "canonical_parse", "canonicalize", "require_canonical"]


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 form: NaN/Infinity, a lone surrogate, a non-JSON type, …"""


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON-compatible value.

    Accepts ``dict`` (string keys), ``list``/``tuple``, ``str``, ``int`` within
    ±2**53-1, finite ``float``, ``bool`` and ``None``.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.FloatDomainError as exc:
        raise CanonicalizationError(f"NaN and Infinity have no JSON form: {exc}") from exc
    except rfc8785.IntegerDomainError as exc:
        raise CanonicalizationError(f"integer outside the interoperable range ±(2**53-1): {exc}") from exc
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalizationError(str(exc)) from exc
    except UnicodeError as exc:
        # Object keys are sorted by their UTF-16 form, which a lone surrogate does not have.
        raise CanonicalizationError("input contains a lone surrogate (not valid Unicode text)") from exc
    except RecursionError as exc:
        raise CanonicalizationError("value is nested too deeply") from exc


def canonical_parse(payload: bytes) -> Any:
    """The JSON value of ``payload``, which must be its own RFC 8785 form; ``CanonicalizationError`` if not.

    What certsvc signs is always canonical, so any other spelling of the same value (spaces, member
    order, escapes, duplicate member names) is not something it signed as it reads.
    """
    try:
        value = json.loads(payload.decode("utf-8"), object_pairs_hook=_unique_members)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CanonicalizationError(f"not UTF-8 JSON: {exc}") from exc
    require_canonical(payload, value)
    return value


def require_canonical(payload: bytes, value: Any) -> None:
    """``CanonicalizationError`` unless ``payload`` is the RFC 8785 form of ``value`` (parsed from it)."""
    if canonicalize(value) != payload:
        raise CanonicalizationError("the payload is not the RFC 8785 form of itself")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise CanonicalizationError("the JSON has duplicate member names")
    return members
