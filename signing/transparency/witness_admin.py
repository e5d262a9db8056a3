"""Witnesses in the admin: registered through the service, shown with the tree size each cosigned up to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from signing.transparency.models import Cosignature, Witness, WitnessEvent
from signing.transparency.witnesses import (
    WitnessError,
    witness_register,
    witness_set_active,
    witnesses_cosigned_sizes,
)

if TYPE_CHECKING:
    _WitnessAdminBase = admin.ModelAdmin[Witness]
    _CosignatureAdminBase = admin.ModelAdmin[Cosignature]
    _EventInlineBase = admin.TabularInline[WitnessEvent, Witness]
else:  # the admin classes take type arguments only in django-stubs
    _WitnessAdminBase = _CosignatureAdminBase = admin.ModelAdmin
    _EventInlineBase = admin.TabularInline

_EVENT_FIELDS = ("at", "action", "actor", "detail")


class WitnessAddForm(forms.ModelForm):  # type: ignore[type-arg]
    public_key = forms.CharField(
        label=_("Public key (base64url x)"), help_text=_("As certsvc-witness keygen prints it.")
    )

    class Meta:
        model = Witness
        fields = ["name", "user"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.instance = witness_register(
                name=cleaned["name"],
                user=cleaned["user"],
                public_key=cleaned["public_key"],
                actor=self._actor,
            )
        except WitnessError as exc:
            raise ValidationError(exc.detail) from exc
        return cleaned

    _actor = ""


class WitnessEventInline(_EventInlineBase):
    model = WitnessEvent
    fields = _EVENT_FIELDS
    readonly_fields = _EVENT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Witness)
class WitnessAdmin(_WitnessAdminBase):
    list_display = ["name", "kid", "user", "active", "cosigned_size"]
    readonly_fields = ["name", "kid", "public_x", "user", "created_at"]
    inlines = [WitnessEventInline]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Witness]:
        return witnesses_cosigned_sizes().select_related("user")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        # A class per request: the actor must not be shared between requests.
        return type("WitnessAddForm", (WitnessAddForm,), {"_actor": str(request.user)})

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # A witness has no history before it is registered.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once registered, only "active" may change; the rest is the witness's identity.
        return [*self.readonly_fields, "active"] if obj is not None else ["name", "user", "public_key"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.readonly_fields) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Witness, form: Any, change: bool) -> None:
        # A new witness was registered by the form's service call; a change may only flip "active".
        if change:
            witness_set_active(witness=obj, active=obj.active, actor=str(request.user))

    @admin.display(description=_("cosigned up to tree size"), ordering="cosigned_size")
    def cosigned_size(self, witness: Witness) -> int | None:
        return getattr(witness, "cosigned_size", None)

    @admin.action(description=_("Accept the selected witnesses' cosignatures"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Witness]) -> None:
        for witness in queryset:
            witness_set_active(witness=witness, active=True, actor=str(request.user))

    @admin.action(description=_("Stop accepting the selected witnesses' cosignatures"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Witness]) -> None:
        for witness in queryset:
            witness_set_active(witness=witness, active=False, actor=str(request.user))


@admin.register(Cosignature)
class CosignatureAdmin(_CosignatureAdminBase):
    list_display = ["checkpoint", "witness", "cosigned_at", "received_at"]
    list_filter = ["witness"]
    fields = ("checkpoint", "witness", "cosigned_at", "received_at", "signature")
    readonly_fields = ("checkpoint", "witness", "cosigned_at", "received_at", "signature")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
