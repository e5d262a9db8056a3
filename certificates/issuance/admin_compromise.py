"""Admin pages of a stolen signing key: what it signed after the compromise, and re-issuing all of it.

The signing key's page links here (``signing_key_link_register``): signing knows no certificates.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from certificates import roles
from certificates.admin_actions import ReasonForm
from certificates.issuance.compromise import (
    Reissue,
    compromised_certificates,
    compromised_certificates_reissue,
    compromised_key_get,
)
from certificates.issuance.errors import CertificateError
from certificates.issuance.models import Certificate
from signing.admin import signing_key_link_register
from signing.models import SigningKey
from signing.times import rfc3339, rfc3339_parse

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Certificate]
else:
    _AdminBase = object

TEMPLATES = "admin/certificates/certificate/"


def compromised_url(kid: str, since: datetime | None = None, *, page: str = "compromised") -> str:
    url = reverse(f"admin:certificates_certificate_{page}", args=[kid])
    return f"{url}?{urlencode({'since': rfc3339(since)})}" if since else url


def _key_link(key: SigningKey) -> tuple[str, Any] | None:
    if key.status != SigningKey.Status.REVOKED:
        return None
    return compromised_url(key.kid), _("Certificates signed after the compromise")


signing_key_link_register(_key_link)


class CompromisedKeyAdminMixin(_AdminBase):
    """Two pages on the certificate admin: the list for a revoked key, and its re-issue."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        own = [
            path(
                "compromised/<str:kid>/",
                view(self.compromised_view),
                name="certificates_certificate_compromised",
            ),
            path(
                "compromised/<str:kid>/reissue/",
                view(self.compromised_reissue_view),
                name="certificates_certificate_compromised_reissue",
            ),
        ]
        return own + super().get_urls()

    def compromised_view(self, request: HttpRequest, kid: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._compromised_page(
            request, kid, "compromised.html", _("Certificates signed after the compromise")
        )

    def compromised_reissue_view(self, request: HttpRequest, kid: str) -> HttpResponse:
        if not roles.may_decide(request.user):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._reissue(request, kid, reason=form.cleaned_data["reason"])
        return self._compromised_page(request, kid, "compromised_reissue.html", _("Re-issue"), form=form)

    def _reissue(self, request: HttpRequest, kid: str, *, reason: str) -> HttpResponse:
        since = _since(request)
        try:
            done = compromised_certificates_reissue(kid=kid, actor=request.user, since=since, reason=reason)  # type: ignore[arg-type]
        except CertificateError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
        else:
            self._report(request, done)
        return HttpResponseRedirect(compromised_url(kid, since))

    def _report(self, request: HttpRequest, done: list[Reissue]) -> None:
        for outcome in done:
            if outcome.skipped:
                self.message_user(
                    request, f"{outcome.certificate.number}: {outcome.skipped}", messages.WARNING
                )
        queued = sum(1 for outcome in done if outcome.replacement is not None)
        self.message_user(
            request, _("%(count)d certificate(s) re-issued; the worker signs them.") % {"count": queued}
        )

    def _compromised_page(
        self, request: HttpRequest, kid: str, template: str, title: Any, **context: Any
    ) -> HttpResponse:
        since = _since(request)
        try:
            key = compromised_key_get(kid=kid)
        except CertificateError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:signing_signingkey_changelist"))
        certificates = list(compromised_certificates(kid=kid, since=since))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "key": key,
            "since": since or key.compromised_at,
            "certificates": certificates,
            "reissuable": [c for c in certificates if c.status == Certificate.Status.ISSUED],
            "may_reissue": roles.may_decide(request.user),
            "reissue_url": compromised_url(kid, since, page="compromised_reissue"),
            **context,
        }
        return TemplateResponse(request, TEMPLATES + template, context)


def _since(request: HttpRequest) -> datetime | None:
    value = request.GET.get("since", "")
    try:
        return rfc3339_parse(value) if value else None
    except ValueError:
        return None
