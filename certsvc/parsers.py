"""JSON parsing with limits that a hostile body cannot get around.

- Python's ``json`` module recurses once per nesting level, so a small body of ten thousand
  ``[`` ends in ``RecursionError`` (a 500). A body nested deeper than ``MAX_JSON_DEPTH`` is a
  400 parse error.
- Building a million tiny values costs far more CPU than reading the megabyte that holds them
  (and the garbage collector walks the containers again and again while they are built). A
  body of more than ``MAX_JSON_VALUES`` values is a 400 parse error too.
- Serializers name every member they do not know, each in its own error entry, so an object of
  a hundred thousand members costs seconds. An object with more than ``MAX_JSON_MEMBERS``
  members is a 400 parse error; the widest object any door reads has about a dozen.
- The ``charset`` of the content type picks the decoder. DRF would take any codec Python
  knows, ``zlib`` and ``bz2`` included (a compressed body inflated a thousandfold) and the
  pure-Python ``punycode`` (quadratic). JSON is Unicode text, so only the Unicode encodings
  (and their ASCII and Latin-1 subsets) are read; any other charset is a 415.

- PostgreSQL cannot store NUL, and no encoding can write a lone surrogate (``"\\ud800"``
  decodes to one): a string or member name holding either is a 400 validation error that
  names each such member by its dotted path, before any serializer sees the body.

Depth and values are counted in linear time before the parser builds anything; members as
each object is built.
"""

from __future__ import annotations

import array
import codecs
import itertools
import re
from collections.abc import Callable, Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ErrorDetail, ParseError, UnsupportedMediaType, ValidationError
from rest_framework.utils import json

DEFAULT_MAX_JSON_DEPTH = 64
# A 500-item application holds about five thousand; a million is what an attack looks like.
DEFAULT_MAX_JSON_VALUES = 20_000
DEFAULT_MAX_JSON_MEMBERS = 256
TEXT_ENCODINGS = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii", "iso8859-1"}
)

# Strict JSON has no raw control characters in strings, and valid UTF-8 no surrogates.
_MAY_HOLD_PROHIBITED = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
PROHIBITED_TEXT = re.compile("[\x00\ud800-\udfff]")
PROHIBITED_TEXT_MESSAGES = {
    "null_character": _("NUL characters (U+0000) are not allowed."),
    "unpaired_surrogate": _("Unpaired surrogates (U+D800 to U+DFFF) are not allowed."),
}

# Each bracket becomes one signed byte, +1 for an opener and -1 for a closer; all else is dropped.
_OPEN, _CLOSE = b"\x01", b"\xff"
_STEPS = bytes.maketrans(b"[{]}", _OPEN * 2 + _CLOSE * 2)
_NOT_A_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))


def outside_strings(text: str) -> bytes:
    """The UTF-8 of the JSON ``text`` without its string literals, in a few linear passes.

    Escaped backslashes go first, then escaped quotes: what is left of a run of backslashes is
    at most one, so every quote that remains opens or closes a string, and the even pieces
    between quotes are outside them. Two adjacent quotes are an empty string, or a closing and
    an opening quote with nothing outside between them: dropping them changes no piece, and
    spares a body of quotes a million empty pieces.
    """
    unescaped = text.encode("utf-8", "surrogatepass").replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(unescaped.replace(b'""', b"").split(b'"')[::2])


def _steps(outside: bytes) -> bytes:
    return outside.translate(_STEPS, _NOT_A_BRACKET)


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in the JSON ``text``, counted without recursion.

    Exact for well-formed JSON; for anything else a number that the parser's own error supersedes.
    """
    return _deepest(_steps(outside_strings(text)))


def _deepest(steps: bytes) -> int:
    # Signed bytes make the closers -1, so the running sum is the depth after each bracket.
    return max(itertools.accumulate(array.array("b", steps), initial=0))


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        text = _decoded(stream.read() if stream is not None else b"", encoding, media_type)
        _check_structure(text)
        data = _loaded(text, strict=self.strict)
        if _MAY_HOLD_PROHIBITED.search(text):  # both only come from escapes; most bodies have none
            refuse_prohibited_text(data)
        return data


def _decoded(raw: bytes, encoding: str, media_type: str | None) -> str:
    try:
        known = codecs.lookup(encoding).name in TEXT_ENCODINGS
    except LookupError:
        known = False
    if not known:
        raise UnsupportedMediaType(media_type or "application/json")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON parse error - {exc}") from exc


def _check_structure(text: str) -> None:
    outside = outside_strings(text)
    steps = _steps(outside)
    containers = steps.count(_OPEN)
    limit = getattr(settings, "MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)
    most = getattr(settings, "MAX_JSON_VALUES", DEFAULT_MAX_JSON_VALUES)
    if _OPEN * (limit + 1) in steps:  # the usual attack, found by a substring search
        raise _too_deep(limit)
    # Every value is the first in its container, or follows a comma (or is the whole body).
    if 1 + containers + outside.count(b",") > most:
        raise ParseError(f"JSON parse error - more than {most} values.")
    # A body cannot nest deeper than it has containers: most bodies skip the running sum.
    if containers > limit and _deepest(steps) > limit:
        raise _too_deep(limit)


def _too_deep(limit: int) -> ParseError:
    return ParseError(f"JSON parse error - nested deeper than {limit} levels.")


def _loaded(text: str, *, strict: bool) -> Any:
    most = getattr(settings, "MAX_JSON_MEMBERS", DEFAULT_MAX_JSON_MEMBERS)
    try:
        return json.loads(
            text,
            parse_constant=json.strict_constant if strict else None,
            object_hook=_object_checker(most),
        )
    except ValueError as exc:
        raise ParseError(f"JSON parse error - {exc}") from exc
    except RecursionError as exc:
        raise ParseError("JSON parse error - nested too deeply.") from exc


def _object_checker(most: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What ``json`` calls with each object it has built: the object itself, or the limit's error."""

    def check(members: dict[str, Any]) -> dict[str, Any]:
        if len(members) > most:
            raise ValueError(f"an object has more than {most} members.")
        return members

    return check


def prohibited_text_code(text: str) -> str | None:
    """``null_character`` or ``unpaired_surrogate`` when ``text`` holds one, else ``None``."""
    found = PROHIBITED_TEXT.search(text)
    if found is None:
        return None
    return "null_character" if found.group() == "\x00" else "unpaired_surrogate"


def printable_name(text: str) -> str:
    """``text`` with NUL and lone surrogates written as escapes, so that an error can name it."""
    return PROHIBITED_TEXT.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def refuse_prohibited_text(data: Any) -> None:
    errors = dict(_prohibited_members(data))
    if errors:
        raise ValidationError(errors)


def _prohibited_members(data: Any) -> Any:
    """``(path, [message])`` for each string or member name holding NUL or a lone surrogate."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            code = prohibited_text_code(value)
            if code:
                yield path or "non_field_errors", [_prohibited_detail(code)]
        elif isinstance(value, dict):
            pending.extend(_members(path, value))
        elif isinstance(value, list):
            pending.extend((_child(path, str(index)), item) for index, item in enumerate(value))


def _members(path: str, members: dict[str, Any]) -> list[tuple[str, Any]]:
    paths = {name: _child(path, printable_name(name)) for name in members}
    named = [(paths[name], name) for name in members if prohibited_text_code(name)]
    return named + [(paths[name], value) for name, value in members.items()]


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _prohibited_detail(code: str) -> ErrorDetail:
    return ErrorDetail(str(PROHIBITED_TEXT_MESSAGES[code]), code=code)
