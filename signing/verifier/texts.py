"""The verifier's words in Russian, Uzbek or English: Python's gettext over its own catalog.

The catalog (domain ``certsvc-verify``) is shipped with the package under ``locale/``; the
language is the one asked for, else the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and
``LANG`` that names one of the three, else English (the messages themselves).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN", "LANGUAGES", "LOCALE_DIR", "language_chosen", "text"]

DOMAIN = "certsvc-verify"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "ru", "uz")
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_chosen(asked: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``asked`` if it names a language, else the environment's, else ``en``."""
    environ = os.environ if environ is None else environ
    for value in [asked] if asked else [environ.get(name, "") for name in _ENVIRONMENT]:
        for locale_name in (value or "").split(":"):
            code = locale_name.split(".")[0].replace("-", "_").split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return "en"


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def text(language: str, message: str, **params: object) -> str:
    """``message`` in ``language``, its ``%(name)s`` placeholders filled from ``params``."""
    translated = _catalog(language).gettext(message)
    return translated % params if params else translated
