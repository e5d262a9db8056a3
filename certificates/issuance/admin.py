"""Certificates, signing orders and number sequences in the admin; revoke and retry call the services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from certificates import roles
from certificates.accounts.models import User
from certificates.admin_actions import AuditEventInline, DecisionActionsMixin
from certificates.issuance import services as issuance
from certificates.issuance.admin_compromise import CompromisedKeyAdminMixin
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder, NumberSequence
from certsvc.admin_base import ReadOnlyAdmin

KID_SHOWN = 8


class CertificateEventInline(AuditEventInline):
    model = CertificateEvent
    statuses = Certificate.Status


@admin.register(Certificate)
class CertificateAdmin(CompromisedKeyAdminMixin, DecisionActionsMixin, ReadOnlyAdmin):
    list_display = [
        "number",
        "status",
        "type",
        "issuer",
        "issued_at",
        "valid_from",
        "valid_until",
        "short_kid",
    ]
    list_filter = ["status", "type", "issuer", "issued_at"]
    list_select_related = ["application__exporter", "issuer"]
    search_fields = ["number", "application__exporter__name", "application__invoice_number"]
    date_hierarchy = "issued_at"

    class Media:
        # A file, not an inline <style>: the admin's Content-Security-Policy allows styles from 'self' only.
        css = {"all": ["certificates/admin/certificate_list.css"]}

    # The canonical bytes are not shown; their hash and the JWS identify what was signed.
    fields = (
        "number",
        "status",
        "type",
        "issuer",
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
    )
    readonly_fields = [*fields, "access_code", "signed_document"]
    inlines = [CertificateEventInline]
    actions = ["revoke"]

    @admin.display(description=_("key id"), ordering="kid")
    def short_kid(self, certificate: Certificate) -> str:
        """A thumbprint is 43 characters: its ends tell keys apart, the whole is in the tooltip."""
        kid = certificate.kid
        shown = kid if len(kid) <= KID_SHOWN * 2 + 1 else f"{kid[:KID_SHOWN]}…{kid[-KID_SHOWN:]}"
        return format_html('<abbr title="{}">{}</abbr>', kid, shown)

    def get_fields(self, request: HttpRequest, obj: Certificate | None = None) -> tuple[str, ...]:
        # The code printed on the paper (CONTRACT §9): read-only, and only to officers and administrators.
        code = ("access_code",) if roles.sees_access_codes_in_admin(request.user) else ()
        return (self.fields[0], *code, *self.fields[1:], "signed_document")

    @admin.display(description=_("Signed document"))
    def signed_document(self, certificate: Certificate) -> str:
        links = [
            (reverse("certificate-document", args=[certificate.number]), _("JWS")),
            (reverse("certificate-pdf", args=[certificate.number]), _("PDF")),
            (f"/v/{certificate.number}", _("Public page")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return roles.may_decide(request.user)

    @admin.action(description=_("Revoke selected certificates…"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> TemplateResponse | None:
        def revoke_one(certificate: Certificate, actor: User, *, reason: str) -> Certificate:
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
        return roles.may_decide(request.user)

    @admin.action(description=_("Retry selected failed issuances"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[IssuanceOrder]) -> None:
        self._decide(
            request, queryset, lambda order, actor: issuance.issuance_order_retry(order=order, actor=actor)
        )


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["year", "type", "last"]
