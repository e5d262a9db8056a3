"""Whether a client's ``Accept`` header ranks an HTML page above every JSON answer (contract §8)."""

from __future__ import annotations

_HTML_TYPES = frozenset({"text/html"})
_JSON_WILDCARDS = frozenset({"*/*", "application/*"})


def prefers_html(accept: str) -> bool:
    """True only when ``text/html`` has a strictly higher q-value than any type JSON satisfies."""
    ranked = [_media_range(part) for part in accept.split(",") if part.strip()]
    html = max((q for media, q in ranked if media in _HTML_TYPES), default=0.0)
    json = max((q for media, q in ranked if _accepts_json(media)), default=0.0)
    return html > json


def _accepts_json(media: str) -> bool:
    return media in _JSON_WILDCARDS or media.endswith("/json") or media.endswith("+json")


def _media_range(part: str) -> tuple[str, float]:
    media, *params = (piece.strip() for piece in part.split(";"))
    return media.lower(), _quality(params)


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
