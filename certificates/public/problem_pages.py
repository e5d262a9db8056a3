"""The pages that problem ``type`` URLs open: ``/problems/{code}`` says what went wrong and what to do.

In Russian, Uzbek or English, chosen as on the public page: ``?lang=``, else Accept-Language.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import pgettext
from django.views import View

from certificates.public.problem_texts import PAGE_CONTEXT, PROBLEM_PAGES
from certificates.public.views import CONTENT_SECURITY_POLICY, LANGUAGES, page_language


class ProblemPageView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        if code not in PROBLEM_PAGES:
            raise Http404(code)
        language = page_language(request)
        title, text = PROBLEM_PAGES[code]
        with translation.override(language):
            context = {
                "code": code,
                "title": str(title),
                "text": str(text),
                "code_label": pgettext(PAGE_CONTEXT, "Error code"),
                "lang": language,
                "languages": LANGUAGES,
                "path": request.path,
            }
        response = render(request, "certificates/problem_page.html", context)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Content-Language"] = language
        response["Vary"] = "Accept-Language"
        return response
