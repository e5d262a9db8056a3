"""Customs declarations (CONTRACT §10): record against a certificate, annul, list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import roles
from certificates.accounts.models import User
from certificates.api.problems import problems
from certificates.api.query_filters import QueryDateFilter
from certificates.customs import selectors, services
from certificates.customs.api.serializers import (
    AnnulInputSerializer,
    DeclarationInputSerializer,
    DeclarationOutputSerializer,
)
from certificates.customs.models import Declaration
from certificates.issuance.models import Certificate
from certificates.permissions import IsCertificateReader, request_user

DECLARATION_EXAMPLE = OpenApiExample(
    "A declaration drawing 5 t of cotton down",
    value={
        "declaration_number": "11220010/011226/0001234",
        "declared_at": "2026-12-01T09:30:00Z",
        "customs_office": "11220010",
        "lines": [{"item_line": 1, "hs_code": "520100", "quantity": "5000.000", "unit": "KGM"}],
    },
    request_only=True,
)
ANNUL_EXAMPLE = OpenApiExample(
    "A reason", value={"reason": "Declaration withdrawn by the declarant."}, request_only=True
)


class IsCustoms(IsAuthenticated):
    message = "Only customs users can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and roles.is_customs(request.user)


def _certificate(user: User, number: str) -> Certificate:
    return get_object_or_404(selectors.certificate_for_declarations(user=user), number=number)


class CertificateDeclarationsView(generics.ListAPIView[Declaration]):
    """Declarations against one certificate: record one (destination customs), list them."""

    serializer_class = DeclarationOutputSerializer
    permission_classes = [IsCertificateReader]

    def get_permissions(self) -> list[Any]:
        return [IsCustoms()] if self.request.method == "POST" else list(super().get_permissions())

    def get_queryset(self) -> QuerySet[Declaration]:
        if getattr(self, "swagger_fake_view", False):
            return Declaration.objects.none()
        user = request_user(self.request)
        certificate = _certificate(user, self.kwargs["number"])
        if roles.is_customs(user) and not _customs_of_either_country(user, certificate):
            raise PermissionDenied()
        return selectors.declaration_list_of_certificate(certificate=certificate)

    @extend_schema(
        summary="Declarations against a certificate (customs of either country, officers, its exporter)",
        responses={200: DeclarationOutputSerializer(many=True), **problems(400, 401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record a customs declaration against a certificate (customs of its country of destination)",
        request=DeclarationInputSerializer,
        examples=[DECLARATION_EXAMPLE],
        responses={
            201: DeclarationOutputSerializer,
            200: DeclarationOutputSerializer,
            **problems(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        user = request_user(request)
        certificate = _certificate(user, number)
        serializer = DeclarationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        declaration, created = services.declaration_record(
            certificate=certificate,
            actor=user,
            declaration_number=data["declaration_number"],
            declared_at=data["declared_at"],
            customs_office=data["customs_office"],
            lines=serializer.declared_lines(),
        )
        answer = DeclarationOutputSerializer(_fresh(declaration)).data
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _customs_of_either_country(user: User, certificate: Certificate) -> bool:
    countries = {certificate.document.get(key) for key in ("country_of_export", "country_of_destination")}
    return user.organization is not None and str(user.organization.country) in countries


def _fresh(declaration: Declaration) -> Declaration:
    found = selectors.declaration_list_of_certificate(certificate=declaration.certificate)
    return found.get(pk=declaration.pk)


class DeclarationFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base
    office = django_filters.CharFilter(field_name="customs_office")
    declared_after = QueryDateFilter(field_name="declared_at", lookup_expr="date__gte")
    declared_before = QueryDateFilter(field_name="declared_at", lookup_expr="date__lte")
    number = django_filters.CharFilter(field_name="certificate__number")
    status = django_filters.ChoiceFilter(choices=Declaration.Status.choices)

    class Meta:
        model = Declaration
        fields = ["office", "declared_after", "declared_before", "number", "status"]


@extend_schema(
    summary="The caller's customs organization's declarations, against any certificate",
    responses={200: DeclarationOutputSerializer(many=True), **problems(400, 401, 403, 404)},
)
class DeclarationListView(generics.ListAPIView[Declaration]):
    serializer_class = DeclarationOutputSerializer
    permission_classes = [IsCustoms]
    filterset_class = DeclarationFilter

    def get_queryset(self) -> QuerySet[Declaration]:
        if getattr(self, "swagger_fake_view", False):
            return Declaration.objects.none()
        return selectors.declaration_list_of_organization(user=request_user(self.request))


class DeclarationAnnulView(APIView):
    permission_classes = [IsCustoms]

    @extend_schema(
        summary="Annul a declaration (the customs organization that recorded it): its quantities go back",
        request=AnnulInputSerializer,
        examples=[ANNUL_EXAMPLE],
        responses={200: DeclarationOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, declaration_id: int) -> Response:
        user = request_user(request)
        declaration = selectors.declaration_get_for(user=user, pk=declaration_id)
        if declaration is None:
            raise NotFound()
        serializer = AnnulInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annulled = services.declaration_annul(
            declaration=declaration, actor=user, reason=serializer.validated_data["reason"]
        )
        return Response(DeclarationOutputSerializer(_fresh(annulled)).data)
