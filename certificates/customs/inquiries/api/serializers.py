"""Inquiries in and out (CONTRACT §10): a question, an answer with a verdict, the inquiry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from certificates.api.fields import StrictSerializer
from certificates.customs.inquiries.models import TEXT_MAX_LENGTH, Inquiry


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: ``"yes"``, ``1`` or ``"true"`` are not a verdict."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


def _text_messages(required: Any) -> dict[str, Any]:
    """DRF's own messages have no Uzbek: these are in all three languages."""
    too_long = _("At most {max_length} characters.")
    return {
        "required": required,
        "blank": required,
        "null": required,
        "invalid": _("Must be text."),
        "max_length": too_long,
    }


class QuestionInputSerializer(StrictSerializer):
    question = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, error_messages=_text_messages(_("A question is required."))
    )


class AnswerInputSerializer(StrictSerializer):
    answer = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, error_messages=_text_messages(_("An answer is required."))
    )
    confirmed = StrictBooleanField(
        error_messages={
            "required": _("Say whether the certificate is confirmed: true or false."),
            "null": _("Must be true or false."),
        }
    )


class InquiryOutputSerializer(serializers.ModelSerializer[Inquiry]):
    number = serializers.CharField(source="certificate.number")
    answer = serializers.SerializerMethodField()

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "number",
            "status",
            "question",
            "asked_at",
            "due_at",
            "answer",
            "confirmed",
            "answered_at",
        ]

    def get_answer(self, inquiry: Inquiry) -> str | None:
        return inquiry.answer or None
