"""Signing in and out, password reset by e-mail (Django's views, the portal's pages) and the language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from certificates import roles
from certificates.accounts.services import user_language_set
from certificates.portal.views.base import allows, portal_user


def _form_page(view_class: type[View], **options: Any) -> Callable[..., HttpResponseBase]:
    """One of Django's account views on a portal page, answering GET and POST only."""
    view = view_class.as_view(http_method_names=["get", "post", "options"], **options)
    view.http_methods = frozenset({"get", "post"})  # type: ignore[attr-defined]
    return view


login = _form_page(
    auth_views.LoginView,
    template_name="portal/login.html",
    redirect_authenticated_user=True,
    next_page=reverse_lazy("portal:home"),
)
logout = auth_views.LogoutView.as_view(next_page=reverse_lazy("portal:login"))
password_reset = _form_page(
    auth_views.PasswordResetView,
    template_name="portal/password_reset.html",
    email_template_name="portal/email/password_reset.txt",
    subject_template_name="portal/email/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html"
)
password_reset_confirm = _form_page(
    auth_views.PasswordResetConfirmView,
    template_name="portal/password_reset_confirm.html",
    success_url=reverse_lazy("portal:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/password_reset_complete.html"
)


def home(request: HttpRequest) -> HttpResponse:
    """Each role's first page: exporters their applications, officers the review queue."""
    if roles.is_exporter(request.user):
        return redirect("portal:applications")
    if roles.is_officer(request.user):
        return redirect("portal:queue")
    if request.user.is_authenticated:
        raise PermissionDenied  # customs and administrators have their own doors
    return redirect(f"{reverse('portal:login')}?next={request.path}")


@allows("post")
def language(request: HttpRequest) -> HttpResponse:
    """Kept on the user when signed in (and in the cookie, for the sign-in page)."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        code = translation.get_language()
    if request.user.is_authenticated:
        user_language_set(user=portal_user(request), language=code)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("portal:home")
    response = redirect(target)
    response.set_cookie("django_language", code, samesite="Lax", httponly=True)
    return response
