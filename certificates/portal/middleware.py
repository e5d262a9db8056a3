"""The portal speaks the language its user chose, kept on the user rather than in the browser."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

PORTAL_PREFIX = "/portal/"


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _saved_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


def _saved_language(request: HttpRequest) -> str:
    if not request.path_info.startswith(PORTAL_PREFIX):
        return ""
    user = getattr(request, "user", None)
    return str(getattr(user, "language", "") or "") if user is not None and user.is_authenticated else ""
