"""The application form, shared by the exporter's drafts and the officer's replacements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from certificates.applications.api.serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationInputSerializer,
)
from certificates.applications.models import Application
from certificates.portal import forms
from certificates.portal.views.base import detail_url, refusal_shown
from certsvc.problems import ProblemError

# Saves the validated fields and items; returns the application the user goes on to.
Save = Callable[[dict[str, Any], "list[dict[str, Any]] | None"], Application]


def stored_values(application: Application) -> dict[str, Any]:
    """The form's fields as the application holds them, read through the API's own output."""
    members = ApplicationInputSerializer().fields
    data = ApplicationDetailOutputSerializer(application).data
    return forms.unfold({key: value for key, value in data.items() if key in members and value is not None})


def form_posted(
    request: HttpRequest, *, save: Save, application: Application | None, title: str = ""
) -> HttpResponse:
    document = forms.application_document((name, str(value)) for name, value in request.POST.items())
    values = forms.unfold(document)
    if "add_line" in request.POST or "remove_line" in request.POST:
        values = _lines_changed(request, document)
        return form_page(request, values=values, errors={}, application=application, title=title)
    arguments, errors = forms.validated(document)
    if arguments is None:
        return form_page(
            request, values=values, errors=errors, application=application, title=title, status=400
        )
    try:
        saved = save(*arguments)
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
        return form_page(request, values=values, errors={}, application=application, title=title, status=409)
    if "resubmit" in request.POST:  # saved and submitted in one service call
        messages.success(request, _("Saved and submitted for review again."))
    return redirect(detail_url(saved))


def _lines_changed(request: HttpRequest, document: dict[str, Any]) -> dict[str, Any]:
    """Adding or removing a goods line re-draws the lines; nothing is saved."""
    items = document.get("items", [])
    removed = request.POST.get("remove_line", "")
    if removed.isdigit() and int(removed) < len(items):
        del items[int(removed)]
    values = forms.unfold(document)
    if "add_line" in request.POST:
        values[f"items.{len(items)}.description"] = ""
    return values


def form_page(
    request: HttpRequest,
    *,
    values: dict[str, Any],
    errors: dict[str, Any],
    application: Application | None,
    title: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "values": values,
        "errors": errors,
        "application": application,
        "title": title,
        "rows": forms.item_rows(values, errors),
        "columns": forms.ITEM_COLUMNS.values(),
        "form_errors": errors.get("", []) + errors.get("items", []),
        "types": Application.Type.choices,
        "modes": [("", "—"), *Application.TransportMode.choices],
        "print_languages": Application.PrintLanguage.choices,
    }
    # htmx asks for the goods lines alone when one is added or removed; the rest of the page stays.
    partial = bool(getattr(request, "htmx", False)) and request.method == "POST"
    template = "portal/partials/goods.html" if partial else "portal/application_form.html"
    return render(request, template, context, status=200 if partial else status)
