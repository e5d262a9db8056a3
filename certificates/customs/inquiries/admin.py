"""Customs inquiries in the admin: read-only, unanswered first; officers answer them through the service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from certificates import roles
from certificates.accounts.models import User
from certificates.admin_actions import DecisionActionsMixin
from certificates.customs.inquiries import services
from certificates.customs.inquiries.models import TEXT_MAX_LENGTH, Inquiry
from certificates.customs.inquiries.selectors import QUEUE_RANK
from certsvc.admin_base import ReadOnlyAdmin

DECISION_TEMPLATE = "admin/certificates/application/decision_reason.html"


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=TEXT_MAX_LENGTH)
    confirmed = forms.TypedChoiceField(
        label=_("Confirmed"),
        choices=[("true", _("Yes: the certificate is confirmed")), ("false", _("No: it is not confirmed"))],
        coerce=lambda value: value == "true",
    )


def answer_one(inquiry: Inquiry, actor: User, *, answer: str, confirmed: bool) -> Inquiry:
    return services.inquiry_answer(inquiry=inquiry, actor=actor, answer=answer, confirmed=confirmed)


# Customs ask through the API; the admin reads inquiries, and officers answer them here.
@admin.register(Inquiry)
class InquiryAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    list_display = ["id", "certificate", "customs_organization", "status", "asked_at", "due_at", "confirmed"]
    list_filter = ["status", "issuer_country", "customs_organization"]
    search_fields = ["certificate__number", "question", "answer"]
    list_select_related = ["certificate", "customs_organization"]
    readonly_fields = [
        "certificate",
        "issuer_country",
        "customs_organization",
        "asked_by",
        "question",
        "status",
        "asked_at",
        "due_at",
        "overdue_at",
        "answer",
        "confirmed",
        "answered_by",
        "answered_at",
    ]
    actions = ["answer"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inquiry]:
        # The rank is annotated before the admin orders by it.
        return Inquiry.objects.annotate(queue_rank=QUEUE_RANK).order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        """Overdue, then open, then answered; each by ``due_at``."""
        return ("queue_rank", "due_at", "id")

    def has_answer_permission(self, request: HttpRequest) -> bool:
        return roles.is_officer(request.user)

    @admin.action(description=_("Answer selected inquiries…"), permissions=["answer"])
    def answer(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> TemplateResponse | None:
        form = AnswerForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._decide(request, queryset, answer_one, **form.cleaned_data)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Answer"),
            "form": form,
            "objects": queryset,
            "action": "answer",
        }
        return TemplateResponse(request, DECISION_TEMPLATE, context)
