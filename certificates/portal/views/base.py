"""What every portal page shares: who may open it, the objects it may name, how a refusal reads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from certificates import roles
from certificates.accounts.models import User
from certificates.applications import selectors
from certificates.applications.models import Application
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_detail_for
from certsvc.problems import ProblemError

View = Callable[..., HttpResponseBase]


def portal_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the decorators below let only signed-in users through
    return user


def _only(predicate: Callable[[object], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


exporter_only = _only(roles.is_exporter)
officer_only = _only(roles.may_decide)
reader_only = _only(roles.may_read_applications)


def application_for(request: HttpRequest, pk: int) -> Application:
    """The application by id, among those the user may see: another organization's is a 404."""
    return get_object_or_404(selectors.application_detail_for(user=portal_user(request)), pk=pk)


def certificate_for(request: HttpRequest, number: str) -> Certificate:
    return get_object_or_404(certificate_detail_for(user=portal_user(request)), number=number)


def refusal_shown(request: HttpRequest, error: Exception) -> None:
    """A service's refusal as a message on the next page; a not-found one is the page's 404."""
    if isinstance(error, ProblemError):
        if error.status_code == 404:
            raise Http404(error.detail) from error
        messages.error(request, error.detail)
    elif isinstance(error, ValidationError):
        for text in _texts(error.detail):
            messages.error(request, text)
    else:
        raise error


def _texts(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _texts(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _texts(value)]
    return [str(detail)]


def run_service(
    request: HttpRequest, service: Callable[..., Any], to: str, *, done: str = "", **arguments: Any
) -> HttpResponse:
    """Call one service; either way the user lands on ``to`` with what happened (``done``) said on it."""
    try:
        service(actor=portal_user(request), **arguments)
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
    else:
        if done:
            messages.success(request, done)
    return redirect(to)


def detail_url(application: Application) -> str:
    return reverse("portal:application", args=[application.pk])


def allows(*methods: str) -> Callable[[View], View]:
    """Answer only ``methods`` (405 otherwise), and say so on the view for the authorization matrix."""

    def decorate(view: View) -> View:
        limited = require_http_methods([method.upper() for method in methods])(view)
        limited.http_methods = frozenset(methods)  # type: ignore[attr-defined]
        return limited

    return decorate
