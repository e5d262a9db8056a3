"""Options whose base64url values may begin with ``-``, which argparse would take for an option."""

from __future__ import annotations


def dash_values_glued(argv: list[str], *options: str) -> list[str]:
    """``--public-key -Ab…`` → ``--public-key=-Ab…``, so the documented spaced form works for every value."""
    glued: list[str] = []
    remaining = iter(argv)
    for argument in remaining:
        value = next(remaining, None) if argument in options else None
        glued.append(argument if value is None else f"{argument}={value}")
    return glued
