"""JSON parsing with a nesting-depth limit.

Python's ``json`` module recurses once per nesting level, so a small body of ten
thousand ``[`` ends in ``RecursionError`` (a 500). The depth is measured first with a
flat scan, and a body nested deeper than ``MAX_JSON_DEPTH`` is a 400 parse error.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

DEFAULT_MAX_JSON_DEPTH = 64
# JSON strings (with escapes) are removed before counting, so brackets inside text don't count.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_OPENERS = frozenset(b"[{")


def json_depth(raw: bytes) -> int:
    """Deepest nesting of arrays/objects in ``raw``, counted without recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", raw)):
        if match.group()[0] in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        limit = getattr(settings, "MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)
        if json_depth(raw) > limit:
            raise ParseError(f"JSON parse error - nested deeper than {limit} levels.")
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
