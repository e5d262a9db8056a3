"""Django admin: organizations, users with roles, applications with officer actions, certificates.

Applications and certificates are read-only here: their data comes from the API and
the signing pipeline; the only changes the admin makes are the officer decisions,
which call the same services as the API.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from certificates import issuance, services
from certificates.models import (
    GOODS_ITEM_COLUMNS,
    Application,
    ApplicationEvent,
    Certificate,
    CertificateEvent,
    GoodsItem,
    IssuanceOrder,
    NumberSequence,
    Organization,
    User,
)
from certsvc.problems import ProblemError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "tax_id", "email"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "tax_id", "email"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "organization", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["organization"]
    search_fields = ["username", "email", "first_name", "last_name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Organization and role"), {"fields": ["organization", "role", "language"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Organization and role"), {"fields": ["organization", "role"]}),
    ]


class GoodsItemInline(ReadOnlyInline):
    model = GoodsItem
    fields = list(GOODS_ITEM_COLUMNS)
    readonly_fields = fields


class ApplicationEventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


def _application(service):
    return lambda application, actor, **kwargs: service(application=application, actor=actor, **kwargs)


class DecisionActionsMixin:
    """Admin actions that call a domain service per selected row, some asking for a reason first."""

    decision_errors: tuple[type[Exception], ...] = (ProblemError,)

    def _decide_with_reason(self, request, queryset, action, service, title):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._decide(request, queryset, service, reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "objects": queryset,
            "action": action,
        }
        return TemplateResponse(request, "admin/certificates/application/decision_reason.html", context)

    def _decide(self, request, queryset, service, **kwargs) -> None:
        done = 0
        for obj in queryset:
            try:
                service(obj, request.user, **kwargs)
                done += 1
            except self.decision_errors as error:
                self.message_user(request, f"{obj}: {error.detail}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d record(s) updated.") % {"count": done}, messages.SUCCESS)


@admin.register(Application)
class ApplicationAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "exporter",
        "type",
        "status",
        "invoice_number",
        "country_of_destination",
        "created_at",
    ]
    list_filter = ["status", "type", "country_of_destination", "country_of_export", "created_at"]
    list_select_related = ["exporter"]
    search_fields = ["exporter__name", "invoice_number", "items__hs_code", "consignee_name"]
    date_hierarchy = "created_at"
    inlines = [GoodsItemInline, ApplicationEventInline]
    actions = ["approve", "reject", "return_for_corrections"]

    def get_search_results(self, request, queryset, search_term):
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False  # an HS code found on two items still lists the application once

    @admin.action(description=_("Approve selected applications"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self._decide(request, queryset, _application(services.application_approve))

    @admin.action(description=_("Reject selected applications…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Application]):
        return self._decide_with_reason(
            request, queryset, "reject", _application(services.application_reject), _("Reject")
        )

    @admin.action(description=_("Return selected applications for corrections…"))
    def return_for_corrections(self, request: HttpRequest, queryset: QuerySet[Application]):
        return self._decide_with_reason(
            request,
            queryset,
            "return_for_corrections",
            _application(services.application_return),
            _("Return for corrections"),
        )


class CertificateEventInline(ReadOnlyInline):
    model = CertificateEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(Certificate)
class CertificateAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    list_display = ["number", "status", "type", "issued_at", "valid_from", "valid_until", "kid"]
    list_filter = ["status", "type", "issued_at"]
    list_select_related = ["application__exporter"]
    search_fields = ["number", "application__exporter__name", "application__invoice_number"]
    date_hierarchy = "issued_at"
    # The canonical bytes are not shown; their hash and the JWS identify what was signed.
    fields = [
        "number",
        "status",
        "type",
        "application",
        "issued_at",
        "valid_from",
        "valid_until",
        "kid",
        "jws_sha256",
        "jws",
        "document",
        "log_index",
        "replaces",
        "superseded_by",
        "revoked_at",
        "revocation_reason",
        "pdf",
    ]
    readonly_fields = [*fields, "signed_document"]
    inlines = [CertificateEventInline]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "signed_document"]

    @admin.display(description=_("Signed document"))
    def signed_document(self, certificate: Certificate) -> str:
        links = [
            (f"/api/v1/certificates/{certificate.number}/document", _("JWS")),
            (f"/api/v1/certificates/{certificate.number}/pdf", _("PDF")),
            (f"/v/{certificate.number}", _("Public page")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.is_officer

    @admin.action(description=_("Revoke selected certificates…"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]):
        def revoke_one(certificate, actor, *, reason):
            return issuance.certificate_revoke(certificate=certificate, actor=actor, reason=reason)

        return self._decide_with_reason(request, queryset, "revoke", revoke_one, _("Revoke"))


@admin.register(IssuanceOrder)
class IssuanceOrderAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    """Issuance failures (``state=failed``) with their error, and a retry once the cause is fixed."""

    list_display = ["application", "state", "attempts", "error_code", "queued_at", "updated_at"]
    list_filter = ["state", "error_code"]
    readonly_fields = ["application", "state", "attempts", "error_code", "error", "queued_at", "created_at"]
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.is_officer

    @admin.action(description=_("Retry selected failed issuances"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[IssuanceOrder]) -> None:
        self._decide(
            request, queryset, lambda order, actor: issuance.issuance_order_retry(order=order, actor=actor)
        )


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["year", "type", "last"]


from certificates.verification_admin import VerificationAdmin  # noqa: E402,F401
