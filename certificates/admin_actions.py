"""Admin actions that run a domain service per selected row, asking for a reason where it needs one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certsvc.admin_base import ReadOnlyInline
from certsvc.problems import ProblemError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


def for_each_application(service: Callable[..., Any]) -> Callable[..., Any]:
    """Adapt an application service (keyword-only ``application``, ``actor``) to a per-row admin action."""
    return lambda application, actor, **kwargs: service(application=application, actor=actor, **kwargs)


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]  # what the mixin is mixed into
else:
    _AdminBase = object


class DecisionActionsMixin(_AdminBase):
    """Admin actions that call a domain service per selected row, some asking for a reason first."""

    decision_errors: tuple[type[ProblemError], ...] = (ProblemError,)

    def _decide_with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        action: str,
        service: Callable[..., Any],
        title: StrOrPromise,
    ) -> TemplateResponse | None:
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

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Any], service: Callable[..., Any], **kwargs: Any
    ) -> None:
        done = 0
        for obj in queryset:
            try:
                service(obj, request.user, **kwargs)
                done += 1
            except self.decision_errors as error:
                self.message_user(request, f"{obj}: {error.detail}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d record(s) updated.") % {"count": done}, messages.SUCCESS)


# The codes audit rows store, as the admin shows them.
AUDIT_ACTION_TITLES = {
    code: pgettext_lazy("audit action", code)
    for code in (
        "created",
        "updated",
        "deleted",
        "submitted",
        "withdrawn",
        "approved",
        "rejected",
        "returned",
        "issued",
        "revoked",
        "superseded",
        "declaration",
        "declaration_annulled",
        "document_attached",
        "document_removed",
        "items_imported",
        "assigned",
        "reassigned",
    )
}


class AuditEventInline(ReadOnlyInline):
    """An audit stream with its action codes and statuses in the reader's language."""

    statuses: type[models.TextChoices]
    fields = readonly_fields = ("at", "action_title", "from_title", "to_title", "who", "reason")

    @admin.display(description=_("action"))
    def action_title(self, event: Any) -> StrOrPromise:
        return AUDIT_ACTION_TITLES.get(event.action) or str(event.action)

    @admin.display(description=_("from status"))
    def from_title(self, event: Any) -> StrOrPromise:
        return self._status_title(event.from_status)

    @admin.display(description=_("to status"))
    def to_title(self, event: Any) -> StrOrPromise:
        return self._status_title(event.to_status)

    @admin.display(description=_("actor"))
    def who(self, event: Any) -> object:
        return event.actor or "—"

    def _status_title(self, code: str) -> StrOrPromise:
        if code not in self.statuses.values:
            return code
        title: StrOrPromise = self.statuses(code).label
        return title
