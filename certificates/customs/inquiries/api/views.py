"""Customs inquiries (CONTRACT §10): ask about a certificate, answer, list."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import roles
from certificates.api.problems import problems
from certificates.customs.inquiries import selectors, services
from certificates.customs.inquiries.api.serializers import (
    AnswerInputSerializer,
    InquiryOutputSerializer,
    QuestionInputSerializer,
)
from certificates.customs.inquiries.models import Inquiry
from certificates.permissions import IsOfficer, request_user

QUESTION_EXAMPLE = OpenApiExample(
    "A question about a certificate",
    value={"question": "Please confirm that line 1 (HS 520100, 20 t of cotton) was issued as printed."},
    request_only=True,
)
ANSWER_EXAMPLE = OpenApiExample(
    "A confirmation",
    value={"answer": "Confirmed: issued on 2026-11-28 as printed, not amended.", "confirmed": True},
    request_only=True,
)


class IsCustoms(IsAuthenticated):
    message = _("Only customs users can do this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and roles.is_customs(request.user)


class IsCustomsOrOfficer(IsAuthenticated):
    message = _("Only customs users and certification officers read inquiries.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return super().has_permission(request, view) and (roles.is_customs(user) or roles.is_officer(user))


class CertificateInquiriesView(APIView):
    permission_classes = [IsCustoms]

    @extend_schema(
        summary="Ask the issuing body to confirm a certificate (customs of its export or destination)",
        request=QuestionInputSerializer,
        examples=[QUESTION_EXAMPLE],
        responses={201: InquiryOutputSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request: Request, number: str) -> Response:
        user = request_user(request)
        certificate = selectors.certificate_for_inquiry(user=user, number=number)
        if certificate is None:
            raise NotFound()
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry = services.inquiry_ask(
            certificate=certificate, actor=user, question=serializer.validated_data["question"]
        )
        return Response(InquiryOutputSerializer(inquiry).data, status=status.HTTP_201_CREATED)


class InquiryAnswerView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(
        summary="Answer a customs inquiry (officers of the issuing body); a second answer is refused",
        request=AnswerInputSerializer,
        examples=[ANSWER_EXAMPLE],
        responses={200: InquiryOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, inquiry_id: int) -> Response:
        user = request_user(request)
        inquiry = selectors.inquiry_get_for(user=user, pk=inquiry_id)
        if inquiry is None:
            raise NotFound()
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = services.inquiry_answer(inquiry=inquiry, actor=user, **serializer.validated_data)
        return Response(InquiryOutputSerializer(answered).data)


class InquiryFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base
    status = django_filters.ChoiceFilter(choices=Inquiry.Status.choices)
    number = django_filters.CharFilter(field_name="certificate__number")

    class Meta:
        model = Inquiry
        fields = ["status", "number"]


@extend_schema(
    summary="The caller's inquiries (customs: its organization's; officers: their body's), unanswered first",
    responses={200: InquiryOutputSerializer(many=True), **problems(400, 401, 403, 404)},
)
class InquiryListView(generics.ListAPIView[Inquiry]):
    serializer_class = InquiryOutputSerializer
    permission_classes = [IsCustomsOrOfficer]
    filterset_class = InquiryFilter

    def get_queryset(self) -> QuerySet[Inquiry]:
        if getattr(self, "swagger_fake_view", False):
            return Inquiry.objects.none()
        return selectors.inquiry_list_for(user=request_user(self.request))
