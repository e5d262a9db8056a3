"""Refuses NUL and lone surrogates in query parameters and form fields, for every view at once.

JSON bodies are checked by ``certsvc.parsers``; this covers what Django itself parses: the
query string of every request and the form fields of the admin and of HTML forms. Django
decodes both with replacement characters, so in practice it is NUL that arrives (PostgreSQL
cannot store it); a lone surrogate is refused alike, should one ever get through. A path
that holds either is a 404: no route names an object by such a key.
The answer is a 400 naming each field: problem+json under ``/api/``, a short HTML page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from certsvc.limits import max_request_bytes, request_too_large_response
from certsvc.parsers import PROHIBITED_TEXT_MESSAGES, printable_name, prohibited_text_code
from certsvc.problems import PROBLEM_CONTENT_TYPE, problem_type

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ProhibitedTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if prohibited_text_code(request.path_info):
            raise Http404  # no route names an object by such a key
        errors = list(_prohibited_fields(request.GET))
        if request.content_type in FORM_TYPES:
            try:
                errors += _prohibited_fields(request.POST)
            except RequestDataTooBig:  # read here, not in a view: the size limit cannot answer it
                return request_too_large_response(max_request_bytes())
        if errors:
            return _refused(request, errors)
        return self.get_response(request)


def _prohibited_fields(values: QueryDict) -> Iterator[dict[str, str]]:
    for name, items in values.lists():
        code = next(filter(None, map(prohibited_text_code, [name, *items])), None)
        if code:
            message = str(PROHIBITED_TEXT_MESSAGES[code])
            yield {"field": printable_name(name), "message": message, "code": code}


def _refused(request: HttpRequest, errors: list[dict[str, str]]) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(_problem(errors), status=400, content_type=PROBLEM_CONTENT_TYPE)
    return HttpResponse(_page(errors), status=400)


def _problem(errors: list[dict[str, str]]) -> dict[str, object]:
    return {
        "type": problem_type("validation_error"),
        "title": _("Invalid request"),
        "status": 400,
        "detail": _("The request contains invalid fields."),
        "code": "validation_error",
        "errors": errors,
    }


def _page(errors: list[dict[str, str]]) -> str:
    rows = format_html_join("", "<li><code>{}</code>: {}</li>", ((e["field"], e["message"]) for e in errors))
    return format_html(
        "<!doctype html><title>{0}</title><h1>{0}</h1><p>{1}</p><ul>{2}</ul>",
        _("Invalid request"),
        _("The request contains invalid fields."),
        rows,
    )
