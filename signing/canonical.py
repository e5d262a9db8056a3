"""RFC 8785 JSON Canonicalization Scheme (JCS).

Used offline as well as by the service, so it never imports Django. The bytes it
returns are what certsvc signs: every language that implements RFC 8785 gets the
same bytes for the same document.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

__all__ = ["CanonicalizationError", "canonical_parse", "canonicalize", "plain_json", "require_canonical"]


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 form: NaN/Infinity, a lone surrogate, a non-JSON type, …"""


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON-compatible value.

    Accepts ``dict`` (string keys), ``list``/``tuple``, ``str``, ``int`` within
    ±2**53-1, finite ``float``, ``bool`` and ``None``.

    Values of only strings, booleans, ``null``, integers within ±2**53 and ASCII member names (every
    certificate, answer and header certsvc writes) are serialized with ``json.dumps``, 5–10× faster:
    for those, sorted keys, no spaces and unescaped UTF-8 are exactly RFC 8785 (both escape ``"``,
    ``\\`` and control characters alike, with lower-case hex). Anything else takes ``rfc8785``.
    """
    try:
        if plain_json(value):
            text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            return text.encode("utf-8")
    except UnicodeEncodeError:
        pass  # a lone surrogate: rfc8785 says why it has no canonical form
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


def plain_json(value: Any) -> bool:
    """Whether ``value`` holds only strings, booleans, ``null``, integers within ±2**53 and ASCII member
    names: the values whose RFC 8785 form ``json.dumps`` (and orjson) write, keys sorted, no spaces."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-(2**53) < value < 2**53)
    if kind is dict:
        return all(type(k) is str and k.isascii() and plain_json(v) for k, v in value.items())
    if kind is list:
        return all(plain_json(item) for item in value)
    return False


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise CanonicalizationError("the JSON has duplicate member names")
    return members
