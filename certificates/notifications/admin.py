"""Admin for webhook endpoints, events, deliveries and preferences; secrets are shown only once."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse

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

SHOWN_ONCE_TEMPLATE = "notifications/admin/secret_once.html"


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["organization", "url", "description", "event_types", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            services.webhook_url_check(url=url)
        except services.NotificationError as exc:
            raise ValidationError(exc.detail) from exc
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "organization"] if obj is not None else fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            # Through the service, so re-enabling also clears the failure streak.
            edited = [field for field in self.EDITABLE if field in form.changed_data]
            changes = {field: form.cleaned_data[field] for field in edited}
            current = WebhookEndpoint.objects.get(pk=obj.pk)
            services.webhook_endpoint_update(endpoint=current, actor=request.user.get_username(), **changes)
            obj.refresh_from_db()
            return
        endpoint, secret = services.webhook_endpoint_create(
            organization=obj.organization,
            url=obj.url,
            event_types=obj.event_types,
            description=obj.description,
            active=obj.active,
            actor=request.user.get_username(),
        )
        obj.pk, obj.secret, obj.created_at = endpoint.pk, endpoint.secret, endpoint.created_at
        obj._secret_shown_once = secret

    def response_add(self, request, obj, post_url_continue=None):
        # The secret goes into this one page, never into a message cookie or a later page.
        return self._secret_page(request, obj, obj._secret_shown_once, None)

    def delete_model(self, request, obj) -> None:
        services.webhook_endpoint_delete(endpoint=obj, actor=request.user.get_username())

    def delete_queryset(self, request, queryset) -> None:
        for endpoint in queryset:
            services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user.get_username())

    # Rotating reveals the new secret: only for those who may change endpoints, not view them.
    @admin.action(permissions=["change"], description="Rotate the signing secret (shows the new secret once)")
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one endpoint to rotate.", messages.WARNING)
            return None
        endpoint = queryset.get()
        secret, expires_at = services.webhook_endpoint_rotate_secret(
            endpoint=endpoint, actor=request.user.get_username()
        )
        return self._secret_page(request, endpoint, secret, expires_at)

    def _secret_page(self, request, endpoint, secret, expires_at):
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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["type", "created_at", "id"]
    list_filter = ["type"]
    date_hierarchy = "created_at"


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "latency_ms", "success", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
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

    def has_redeliver_permission(self, request) -> bool:
        # The rows stay read-only here, yet sending again needs the real change permission.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(permissions=["redeliver"], description="Redeliver the selected deliveries")
    def redeliver(self, request, queryset) -> None:
        done = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(delivery=delivery)
                done += 1
            except services.NotificationError as exc:
                self.message_user(request, f"{delivery}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{done} deliveries queued again.", messages.SUCCESS)


@admin.register(EmailNotification)
class EmailNotificationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "user", "status", "attempts", "next_attempt_at", "completed_at", "error"]
    list_filter = ["status", "kind"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_optional", "updated_at"]
    list_filter = ["email_optional"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(WebhookEndpointEvent)
class WebhookEndpointEventAdmin(admin.ModelAdmin):
    """Who registered, changed, rotated, disabled or deleted which endpoint: read-only history."""

    list_display = ["at", "organization", "endpoint_id", "url", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["url", "actor", "organization__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
