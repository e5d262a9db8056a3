"""The review side of the application admin: supporting documents inline, with downloads, and reassigning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from certificates import roles
from certificates.accounts.models import User
from certificates.applications import assignment, documents
from certificates.applications.guards import ApplicationError
from certificates.applications.models import Application, SupportingDocument
from certsvc.admin_base import ReadOnlyInline

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class SupportingDocumentInline(ReadOnlyInline):
    model = SupportingDocument
    fields = readonly_fields = (
        "kind",
        "download",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )

    @admin.display(description=_("file"))
    def download(self, document: SupportingDocument) -> str:
        url = reverse("admin:certificates_application_document", args=[document.application_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.display_name)


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Officer"), queryset=User.objects.filter(role=User.Role.OFFICER, is_active=True)
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class ReviewAdminMixin(_AdminBase):
    """Mixed into the application admin: the document download view and the reassign action."""

    def get_urls(self) -> list[URLPattern]:
        download = self.admin_site.admin_view(self.document_view)
        name = "certificates_application_document"
        return [path("<int:object_id>/documents/<int:doc_id>/", download, name=name), *super().get_urls()]

    def document_view(self, request: HttpRequest, object_id: int, doc_id: int) -> HttpResponseBase:
        """The stored file, for officers of the application's body and for administrators."""
        application = get_object_or_404(Application.objects.select_related("exporter"), pk=object_id)
        user = request.user
        if not (documents.may_read_documents(user, application) or roles.is_administrator(user)):
            raise Http404
        document = get_object_or_404(SupportingDocument, pk=doc_id, application=application)
        return documents.document_download(document)

    @admin.action(description=_("Reassign selected applications to another officer…"))
    def reassign(self, request: HttpRequest, queryset: QuerySet[Application]) -> TemplateResponse | None:
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._reassign_each(request, queryset, form.cleaned_data["officer"], form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reassign"),
            "form": form,
            "objects": queryset,
            "action": "reassign",
        }
        return TemplateResponse(request, "admin/certificates/application/decision_reason.html", context)

    def _reassign_each(
        self, request: HttpRequest, queryset: QuerySet[Application], officer: User, reason: str
    ) -> None:
        done = 0
        for application in queryset:
            try:
                assignment.reassign(request.user, application, officer, reason)  # type: ignore[arg-type]
                done += 1
            except (ApplicationError, ValidationError) as error:  # a wrong officer is a field error
                self.message_user(request, f"{application}: {_detail(error)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d record(s) updated.") % {"count": done}, messages.SUCCESS)


def _detail(error: Exception) -> str:
    detail = getattr(error, "detail", error)
    if isinstance(detail, dict):
        return " ".join(str(message) for messages_ in detail.values() for message in messages_)
    return str(detail)
