"""Admin for webhook endpoints, events, deliveries and preferences; secrets are shown only once."""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from certificates.accounts.models import Organization
from certificates.notifications import services
from certificates.notifications.models import (
    EmailNotification,
    Event,
    EventType,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointEvent,
)
from certsvc.admin_base import ReadOnlyAdmin, ReadOnlyInline

if TYPE_CHECKING:
    _EndpointForm = forms.ModelForm[WebhookEndpoint]
    _EndpointAdmin = admin.ModelAdmin[WebhookEndpoint]
    _PreferenceAdmin = admin.ModelAdmin[NotificationPreference]
else:  # the stubs make these generic; at run time they take no type arguments
    _EndpointForm = forms.ModelForm
    _EndpointAdmin = _PreferenceAdmin = admin.ModelAdmin

SHOWN_ONCE_TEMPLATE = "notifications/admin/secret_once.html"
# A new endpoint's secret, from save_model to the response_add of the same request, and no further.
_secret_of_request: weakref.WeakKeyDictionary[HttpRequest, str] = weakref.WeakKeyDictionary()


class WebhookEndpointForm(_EndpointForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["organization", "url", "description", "event_types", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            services.webhook_url_check(url=url)
        except services.NotificationError as exc:
            raise ValidationError(exc.detail) from exc
        return url

    def clean_organization(self) -> Organization:
        organization: Organization = self.cleaned_data["organization"]
        if self.instance.pk is None:
            try:
                services.webhook_endpoint_room_check(organization=organization)
            except services.NotificationError as exc:
                raise ValidationError(exc.detail) from exc
        return organization


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(_EndpointAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "organization", "active", "failed_events", "disabled_at", "created_at"]
    list_filter = ["active", "organization__kind"]
    search_fields = ["url", "organization__name"]
    readonly_fields = [
        "failed_events",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires_at",
    ]
    actions = ["rotate_secret"]
    # What the update service may change; the organization is fixed once the endpoint exists.
    EDITABLE = ("url", "event_types", "description", "active")

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "organization"] if obj is not None else fields

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm[WebhookEndpoint], change: bool
    ) -> None:
        if change:
            self._update(request, obj, form)
        else:
            self._create(request, obj)

    def _update(
        self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm[WebhookEndpoint]
    ) -> None:
        # Through the service, so re-enabling also clears the failure streak.
        changes = {field: form.cleaned_data[field] for field in self.EDITABLE if field in form.changed_data}
        current = WebhookEndpoint.objects.get(pk=obj.pk)
        services.webhook_endpoint_update(endpoint=current, actor=request.user.get_username(), **changes)
        obj.refresh_from_db()

    def _create(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        endpoint, secret = services.webhook_endpoint_create(
            organization=obj.organization,
            url=obj.url,
            event_types=obj.event_types,
            description=obj.description,
            active=obj.active,
            actor=request.user.get_username(),
        )
        obj.pk, obj.secret, obj.created_at = endpoint.pk, endpoint.secret, endpoint.created_at
        _secret_of_request[request] = secret

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The secret goes into this one page, never into a message cookie or a later page.
        return self._secret_page(request, obj, _secret_of_request.pop(request), None)

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(endpoint=obj, actor=request.user.get_username())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user.get_username())

    # Rotating reveals the new secret: only for those who may change endpoints, not view them.
    @admin.action(permissions=["change"], description="Rotate the signing secret (shows the new secret once)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one endpoint to rotate.", messages.WARNING)
            return None
        endpoint = queryset.get()
        secret, expires_at = services.webhook_endpoint_rotate_secret(
            endpoint=endpoint, actor=request.user.get_username()
        )
        return self._secret_page(request, endpoint, secret, expires_at)

    def _secret_page(
        self, request: HttpRequest, endpoint: WebhookEndpoint, secret: str, expires_at: datetime | None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Webhook signing secret",
            "endpoint": endpoint,
            "secret": secret,
            "expires_at": expires_at,
            "back_url": reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        }
        response = TemplateResponse(request, SHOWN_ONCE_TEMPLATE, context)
        response["Cache-Control"] = "no-store"
        return response


class _ReadOnlyButDeletable(ReadOnlyAdmin):
    """Written only by the services, yet an administrator may still clear old rows out."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super(ReadOnlyAdmin, self).has_delete_permission(request, obj)


@admin.register(Event)
class EventAdmin(_ReadOnlyButDeletable):
    list_display = ["type", "created_at", "id"]
    list_filter = ["type"]
    date_hierarchy = "created_at"


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "latency_ms", "success", "error")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnlyButDeletable):
    list_display = [
        "message_id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "completed_at",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["message_id", "endpoint__url"]
    list_select_related = ["endpoint", "event"]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        # The rows stay read-only here, yet sending again needs the real change permission.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(permissions=["redeliver"], description="Redeliver the selected deliveries")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(delivery=delivery)
                done += 1
            except services.NotificationError as exc:
                self.message_user(request, f"{delivery}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{done} deliveries queued again.", messages.SUCCESS)


@admin.register(EmailNotification)
class EmailNotificationAdmin(_ReadOnlyButDeletable):
    list_display = ["kind", "user", "status", "attempts", "next_attempt_at", "completed_at", "error"]
    list_filter = ["status", "kind"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(_PreferenceAdmin):
    list_display = ["user", "email_optional", "updated_at"]
    list_filter = ["email_optional"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(WebhookEndpointEvent)
class WebhookEndpointEventAdmin(ReadOnlyAdmin):
    """Who registered, changed, rotated, disabled or deleted which endpoint: read-only history."""

    list_display = ["at", "organization", "endpoint_id", "url", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["url", "actor", "organization__name"]
