"""Thin API views: parse with an input serializer, call one service, answer with an output serializer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from certificates.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from certificates.api.problems import problems
from certificates.applications import assignment, selectors, services
from certificates.applications.api.examples import APPLICATION_CHANGE_EXAMPLES
from certificates.applications.api.filters import ApplicationFilter
from certificates.applications.api.serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    ReasonInputSerializer,
)
from certificates.applications.models import Application
from certificates.permissions import IsExporter, IsExporterOrOfficer, IsOfficer, request_user

_Items = list[dict[str, Any]]
_View = TypeVar("_View", bound=Callable[..., Any])
_TRANSITION_PROBLEMS = problems(400, 401, 403, 404, 409)
_INPUT_ACTIONS = frozenset({"create", "partial_update"})
_EDIT_METHODS = frozenset({"PUT", "PATCH", "DELETE"})


def _transition_schema(summary: str, *, reason: bool = False) -> Callable[[_View], _View]:
    return extend_schema(
        summary=summary,
        request=ReasonInputSerializer if reason else None,
        responses={200: ApplicationDetailOutputSerializer, **_TRANSITION_PROBLEMS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the applications the caller may see",
        description="Exporters see their organization's applications; officers see every application "
        "from submission on (no drafts); customs users are refused (403).",
        responses={200: ApplicationOutputSerializer(many=True), **problems(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="An application with its decision history and certificate number",
        responses={200: ApplicationDetailOutputSerializer, **problems(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Create a draft application (exporters)",
        description="Goods items get lines 1..n by their position in `items`; a `line` member, if sent, "
        "must equal the position. Error paths index `items` from 0 (e.g. `items.2.hs_code` is line 3).",
        request=ApplicationInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ApplicationDetailOutputSerializer, **problems(400, 401, 403, 409, 422)},
    ),
    partial_update=extend_schema(
        summary="Change a draft or returned application (exporters)",
        description="Top-level members that are sent replace the stored ones; `consignee`, `transport` "
        "and `invoice` are replaced as whole objects and `items` as a whole list.",
        request=ApplicationInputSerializer,
        examples=APPLICATION_CHANGE_EXAMPLES,
        responses={200: ApplicationDetailOutputSerializer, **problems(400, 401, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="Delete a draft or returned application (exporters)",
        responses={204: OpenApiResponse(description="Deleted."), **problems(401, 403, 404, 409)},
    ),
)
class ApplicationViewSet(viewsets.GenericViewSet[Application]):
    lookup_value_regex = r"\d+"
    filterset_class = ApplicationFilter
    ordering_fields = ["created_at", "updated_at", "submitted_at"]
    ordering = ["-created_at", "-id"]
    # The permission every endpoint needs, in one table; actions declare theirs on @action.
    permissions_by_action: dict[str, list[type[BasePermission]]] = {
        "list": [IsExporterOrOfficer],
        "retrieve": [IsExporterOrOfficer],
        "create": [IsExporter],
        "partial_update": [IsExporter],
        "destroy": [IsExporter],
    }

    def get_permissions(self) -> list[Any]:
        classes = self.permissions_by_action.get(self.action, self.permission_classes)
        return [permission() for permission in classes]

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        if self.action == "list":
            return selectors.application_list_for(user=request_user(self.request))
        return selectors.application_detail_for(user=request_user(self.request))

    def get_serializer_class(self) -> type[ApplicationOutputSerializer | ApplicationInputSerializer]:
        if self.action in _INPUT_ACTIONS:  # what the browsable API's form offers for these
            return ApplicationInputSerializer
        if self.action == "list":
            return ApplicationOutputSerializer
        return ApplicationDetailOutputSerializer

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        instance = kwargs.get("instance")
        if self.action in _INPUT_ACTIONS and isinstance(instance, Application):
            kwargs["instance"] = self._as_input(instance)  # the form starts from the stored document
        return super().get_serializer(*args, **kwargs)

    def browsable_form_allowed(self, method: str, application: Application) -> bool:
        """Only the forms whose change the application's state still allows."""
        return method.upper() not in _EDIT_METHODS or application.is_editable

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ApplicationOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ApplicationDetailOutputSerializer(self.get_object()).data)

    @idempotent("application-create")
    def create(self, request: Request) -> Response:
        fields, items = self._validated(partial=False)
        application = services.application_create(
            actor=request_user(request),
            fields=fields,
            items=items or [],  # required unless partial
        )
        return Response(self._detail(application), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        fields, items = self._validated(partial=True)
        application = services.application_update(
            application=application, actor=request_user(request), fields=fields, items=items
        )
        return Response(self._detail(application))

    def destroy(self, request: Request, pk: str) -> Response:
        services.application_delete(application=self.get_object(), actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @_transition_schema("Submit for review (exporters)")
    @action(detail=True, methods=["post"], permission_classes=[IsExporter])
    def submit(self, request: Request, pk: str) -> Response:
        return self._transition(services.application_submit)

    @_transition_schema("Withdraw before a decision (exporters)")
    @action(detail=True, methods=["post"], permission_classes=[IsExporter])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._transition(services.application_withdraw)

    @_transition_schema("Approve and queue issuance (officers)")
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def approve(self, request: Request, pk: str) -> Response:
        return self._transition(services.application_approve)

    @_transition_schema("Reject with a reason (officers)", reason=True)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def reject(self, request: Request, pk: str) -> Response:
        return self._transition(services.application_reject, reason=self._reason())

    @_transition_schema("Return for corrections with a reason (officers)", reason=True)
    @action(
        detail=True, methods=["post"], permission_classes=[IsOfficer], url_path="return", url_name="return"
    )
    def return_(self, request: Request, pk: str) -> Response:
        return self._transition(services.application_return, reason=self._reason())

    @_transition_schema("Take a submitted application of your body from the queue (officers)")
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def assign(self, request: Request, pk: str) -> Response:
        application = assignment.assign_to_me(request_user(request), self.get_object())
        return Response(self._detail(application))

    # --- helpers -----------------------------------------------------------------

    def _validated(self, *, partial: bool) -> tuple[dict[str, Any], _Items | None]:
        serializer = ApplicationInputSerializer(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.to_service_arguments()

    def _as_input(self, application: Application) -> dict[str, Any]:
        members = ApplicationInputSerializer().fields
        return {k: v for k, v in ApplicationDetailOutputSerializer(application).data.items() if k in members}

    def _reason(self) -> str:
        serializer = ReasonInputSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return str(serializer.validated_data["reason"])

    def _transition(self, service: Callable[..., Application], **kwargs: Any) -> Response:
        application = service(application=self.get_object(), actor=request_user(self.request), **kwargs)
        return Response(self._detail(application))

    def _detail(self, application: Application) -> dict[str, Any]:
        fresh = selectors.application_detail_for(user=request_user(self.request)).get(pk=application.pk)
        return ApplicationDetailOutputSerializer(fresh).data
