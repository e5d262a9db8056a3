"""Signing keys in the admin: read-only records; create, rotate and revoke go through the services.

Private key material is never shown: ``SoftwareKeyMaterial`` is not registered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signing.errors import SigningError
from signing.models import SigningKey, SigningKeyEvent
from signing.scopes import scope_normalized
from signing.services import signing_key_create, signing_key_revoke, signing_key_rotate

MANAGE_PERMISSION = "signing.manage_signingkey"

# Pages other apps keep about a key (what it signed, say), linked from the key's page: each link
# names its own page or None, so signing links them without knowing them.
KeyLink = Callable[[SigningKey], "tuple[str, str | Promise] | None"]
_key_links: list[KeyLink] = []


def signing_key_link_register(link: KeyLink) -> None:
    if link not in _key_links:
        _key_links.append(link)


def signing_key_links(key: SigningKey) -> list[tuple[str, str | Promise]]:
    return [found for link in _key_links if (found := link(key)) is not None]


if TYPE_CHECKING:
    _EventInlineBase = admin.TabularInline[SigningKeyEvent, SigningKey]
    _SigningKeyAdminBase = admin.ModelAdmin[SigningKey]
else:  # the admin classes take type arguments only in django-stubs
    _EventInlineBase = admin.TabularInline
    _SigningKeyAdminBase = admin.ModelAdmin


class RevokeForm(forms.Form):
    compromised_at = forms.DateTimeField(
        label=_("Compromised at"),
        help_text=_("Earliest moment the private key may have been exposed (UTC, e.g. 2026-11-28 10:15)."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ScopeForm(forms.Form):
    issuer_country = forms.CharField(
        label=_("Issuing body's country"),
        help_text=_("Two letters (UZ, BY) for a body key; empty for the registry key."),
        required=False,
        max_length=2,
    )

    def scope(self) -> str:
        return scope_normalized(self.cleaned_data["issuer_country"])


class CreateForm(ScopeForm):
    activate = forms.BooleanField(
        label=_("Activate at once (retires the current active key of that body or the registry)"),
        required=False,
    )


# One tuple is both fields and readonly_fields: the stubs type the two differently, so neither
# can be assigned from the other.
_EVENT_FIELDS = ("at", "action", "from_status", "to_status", "actor", "reason")


class SigningKeyEventInline(_EventInlineBase):
    model = SigningKeyEvent
    fields = _EVENT_FIELDS
    readonly_fields = _EVENT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False


_KEY_FIELDS = (
    "kid",
    "status",
    "issuer_country",
    "issuer_name",
    "registry_until",
    "backend",
    "key_ref",
    "public_jwk_display",
    "created_at",
    "activated_at",
    "retired_at",
    "revoked_at",
    "compromised_at",
    "revocation_reason",
)


@admin.register(SigningKey)
class SigningKeyAdmin(_SigningKeyAdminBase):
    list_display = [
        "kid",
        "status",
        "owner",
        "backend",
        "created_at",
        "activated_at",
        "retired_at",
        "revoked_at",
    ]
    list_filter = ["status", "issuer_country", "backend"]
    search_fields = ["kid"]
    ordering = ["-created_at"]
    actions = ["revoke_selected"]
    fields = _KEY_FIELDS
    readonly_fields = _KEY_FIELDS
    inlines = [SigningKeyEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    @admin.display(description=_("Owner"), ordering="issuer_country")
    def owner(self, obj: SigningKey) -> str:
        return str(_("registry")) if obj.is_registry_key else f"{obj.issuer_name} ({obj.issuer_country})"

    @admin.display(description=_("Public JWK"))
    def public_jwk_display(self, obj: SigningKey) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.public_jwk, indent=2))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("create/", self.admin_site.admin_view(self.create_view), name="signing_signingkey_create"),
            path("rotate/", self.admin_site.admin_view(self.rotate_view), name="signing_signingkey_rotate"),
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="signing_signingkey_revoke",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(request, self._with_manage_flag(request, extra_context))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        key = self.get_object(request, object_id)
        links = {"key_links": signing_key_links(key) if key else []}
        return super().change_view(
            request, object_id, form_url, {**self._with_manage_flag(request, extra_context), **links}
        )

    def _with_manage_flag(self, request: HttpRequest, extra_context: dict[str, Any] | None) -> dict[str, Any]:
        """The templates show the create, rotate and revoke buttons only to those who may use them."""
        return {**(extra_context or {}), "can_manage_keys": request.user.has_perm(MANAGE_PERMISSION)}

    @admin.action(description=_("Revoke the selected key…"), permissions=["manage"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one key to revoke."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:signing_signingkey_revoke", args=[queryset.get().pk]))

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_PERMISSION)

    def create_view(self, request: HttpRequest) -> HttpResponse:
        self._require_manage(request)
        form = CreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            activate, scope = form.cleaned_data["activate"], form.scope()
            return self._run(
                request,
                lambda: signing_key_create(
                    activate=activate, actor=request.user.get_username(), issuer_country=scope
                ),
            )
        return self._page(request, "create.html", _("Create a signing key"), form=form)

    def rotate_view(self, request: HttpRequest) -> HttpResponse:
        self._require_manage(request)
        form = ScopeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            scope = form.scope()
            return self._run(
                request, lambda: signing_key_rotate(actor=request.user.get_username(), issuer_country=scope)
            )
        return self._page(request, "rotate.html", _("Rotate the signing key"), form=form)

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_manage(request)
        key = get_object_or_404(SigningKey, pk=pk)
        form = RevokeForm(request.POST or None, initial={"compromised_at": timezone.now()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return self._run(
                request,
                lambda: signing_key_revoke(
                    kid=key.kid,
                    compromised_at=data["compromised_at"],
                    reason=data["reason"],
                    actor=request.user.get_username(),
                ),
            )
        return self._page(request, "revoke.html", _("Revoke signing key"), form=form, key=key)

    def _require_manage(self, request: HttpRequest) -> None:
        if not self.has_manage_permission(request):
            raise PermissionDenied

    def _run(self, request: HttpRequest, action: Callable[[], SigningKey]) -> HttpResponse:
        try:
            key = action()
        except SigningError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
        else:
            self.message_user(
                request, _("Key %(kid)s is now %(status)s.") % {"kid": key.kid, "status": key.status}
            )
        return HttpResponseRedirect(reverse("admin:signing_signingkey_changelist"))

    def _page(
        self, request: HttpRequest, template: str, title: str | Promise, **context: Any
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/signing/signingkey/{template}", context)
