"""RFC 8785 JSON Canonicalization Scheme (JCS).

Used offline as well as by the service, so it never imports Django. The bytes it
returns are what certsvc signs: every language that implements RFC 8785 gets the
same bytes for the same document.
"""

from __future__ import annotations

from typing import Any

import rfc8785

__all__ = ["CanonicalizationError", "canonicalize"]


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
