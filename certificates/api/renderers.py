"""The browsable API as a browser sees it: readable problem pages, forms only for what the state allows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import renderers
from rest_framework.request import Request


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API with two additions a view may opt into.

    A view's ``browsable_form_allowed(method, obj)`` hides the form or button of a method that the
    object's state refuses (the API itself still answers such a request with its problem); an error
    response's problem is shown above the raw body.
    """

    template = "certificates/api/browsable.html"

    def show_form_for_method(self, view: Any, method: str, request: Request, obj: Any) -> bool | None:
        shown: bool | None = super().show_form_for_method(view, method, request, obj)
        allowed = getattr(view, "browsable_form_allowed", None)
        if shown and obj is not None and allowed is not None:
            return bool(allowed(method, obj))
        return shown

    def get_context(self, data: Any, accepted_media_type: Any, renderer_context: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(data, accepted_media_type, renderer_context)
        context["problem"] = _problem(data, context["response"].status_code)
        return context


def _problem(data: Any, status_code: int) -> dict[str, Any] | None:
    if status_code < 400 or not isinstance(data, dict) or "title" not in data:
        return None
    return data


class CompactTokenRenderer(renderers.BaseRenderer):
    """A compact JWS as it was signed: the view's bytes pass through; a problem renders as JSON."""

    media_type = "application/jose"
    format = "jose"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)
