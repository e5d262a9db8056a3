"""Webhook endpoints, their delivery log and notification preferences: thin doors onto the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from certificates.api.problems import problems
from certificates.notifications import selectors, services
from certificates.notifications.models import NotificationPreference, WebhookDelivery, WebhookEndpoint
from certificates.notifications.serializers import (
    NotificationPreferenceSerializer,
    SecretRotatedSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointOutputSerializer,
)
from certificates.permissions import (
    ManagesOrganizationWebhooks,
    request_organization,
    request_organization_id,
    request_user,
)

TAGS = ["webhooks"]
_Listed = TypeVar("_Listed", WebhookEndpoint, WebhookDelivery)


@contextmanager
def _url_refusal_as_field_error() -> Iterator[None]:
    """The service's SSRF refusal, reported like any other invalid field of the request."""
    try:
        yield
    except services.WebhookURLRefused as exc:
        error = serializers.ErrorDetail(exc.detail, code=exc.code)
        raise serializers.ValidationError({exc.field: [error]}) from exc


# Everything under one of the caller's organization's endpoints; _Listed is what a page holds.
class _WebhookView(GenericAPIView[_Listed]):
    permission_classes = [ManagesOrganizationWebhooks]

    def get_endpoint(self, endpoint_id: int) -> WebhookEndpoint:
        return selectors.webhook_endpoint_get(
            organization_id=request_organization_id(self.request), endpoint_id=endpoint_id
        )


class WebhookEndpointListView(_WebhookView[WebhookEndpoint]):
    serializer_class = WebhookEndpointOutputSerializer

    @extend_schema(
        operation_id="webhooks_list",
        summary="Your organization's webhook endpoints",
        responses={200: WebhookEndpointOutputSerializer(many=True), **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        endpoints = selectors.webhook_endpoint_list(organization_id=request_organization_id(request))
        page = self.paginate_queryset(endpoints)
        return self.get_paginated_response(WebhookEndpointOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register a webhook endpoint",
        description="The response carries the signing secret; it is never shown again.",
        request=WebhookEndpointInputSerializer,
        examples=[
            OpenApiExample(
                "Issued and revoked certificates",
                value={
                    "url": "https://erp.example.com/hooks/certsvc",
                    "event_types": ["certificate.issued", "certificate.revoked"],
                    "description": "ERP",
                },
                request_only=True,
            )
        ],
        responses={201: WebhookEndpointCreatedSerializer, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = WebhookEndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _url_refusal_as_field_error():
            endpoint, secret = services.webhook_endpoint_create(
                organization=request_organization(request),
                actor=request.user.get_username(),
                **serializer.validated_data,
            )
        endpoint.secret = secret
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(_WebhookView[WebhookEndpoint]):
    serializer_class = WebhookEndpointOutputSerializer

    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="A webhook endpoint",
        responses={200: WebhookEndpointOutputSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        return Response(WebhookEndpointOutputSerializer(self.get_endpoint(endpoint_id)).data)

    @extend_schema(
        operation_id="webhooks_update",
        summary="Change a webhook endpoint",
        description="Setting `active` to true re-enables an endpoint that was switched off.",
        request=WebhookEndpointInputSerializer(partial=True),
        examples=[OpenApiExample("Re-enable", value={"active": True}, request_only=True)],
        responses={200: WebhookEndpointOutputSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def patch(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.get_endpoint(endpoint_id)
        serializer = WebhookEndpointInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with _url_refusal_as_field_error():
            endpoint = services.webhook_endpoint_update(
                endpoint=endpoint, actor=request.user.get_username(), **serializer.validated_data
            )
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Delete a webhook endpoint",
        responses={204: None, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def delete(self, request: Request, endpoint_id: int) -> Response:
        services.webhook_endpoint_delete(
            endpoint=self.get_endpoint(endpoint_id), actor=request.user.get_username()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateView(_WebhookView[WebhookEndpoint]):
    serializer_class = SecretRotatedSerializer

    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="Rotate the signing secret",
        description="Returns the new secret once. During the overlap period every delivery carries "
        "signatures under both the new and the previous secret.",
        request=None,
        responses={200: SecretRotatedSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        secret, expires_at = services.webhook_endpoint_rotate_secret(
            endpoint=self.get_endpoint(endpoint_id), actor=request.user.get_username()
        )
        data = {"secret": secret, "previous_secret_expires_at": expires_at}
        return Response(SecretRotatedSerializer(data).data)


class WebhookDeliveryListView(_WebhookView[WebhookDelivery]):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="Delivery log of an endpoint",
        responses={200: WebhookDeliverySerializer(many=True), **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        deliveries = selectors.webhook_delivery_list(endpoint=self.get_endpoint(endpoint_id))
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookDeliveryRedeliverView(_WebhookView[WebhookDelivery]):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhooks_deliveries_redeliver",
        summary="Send a delivery again",
        description="Queues the event again with the same `webhook-id` and a fresh round of retries.",
        request=None,
        responses={202: WebhookDeliverySerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, endpoint_id: int, delivery_id: int) -> Response:
        endpoint = self.get_endpoint(endpoint_id)
        delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        services.webhook_delivery_redeliver(delivery=delivery)
        delivery = selectors.webhook_delivery_list(endpoint=endpoint).get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class NotificationPreferenceView(GenericAPIView[NotificationPreference]):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationPreferenceSerializer

    @extend_schema(
        operation_id="me_notification_preferences",
        summary="Your e-mail preferences",
        responses={200: NotificationPreferenceSerializer, **problems(401)},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        preference = services.notification_preference_get(user=request_user(request))
        return Response(NotificationPreferenceSerializer(preference).data)

    @extend_schema(
        operation_id="me_notification_preferences_update",
        summary="Opt in or out of non-essential e-mail",
        request=NotificationPreferenceSerializer,
        examples=[OpenApiExample("Opt out", value={"email_optional": False}, request_only=True)],
        responses={200: NotificationPreferenceSerializer, **problems(400, 401)},
        tags=["me"],
    )
    def patch(self, request: Request) -> Response:
        serializer = NotificationPreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.notification_preference_update(
            user=request_user(request), **serializer.validated_data
        )
        return Response(NotificationPreferenceSerializer(preference).data)
