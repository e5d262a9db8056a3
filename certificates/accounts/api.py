"""Token authentication (knox): tokens are stored hashed, expire after ``REST_KNOX["TOKEN_TTL"]``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from knox import views as knox_views
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from certificates.api.fields import StrictSerializer
from certificates.api.problems import problems
from certsvc.problems import ProblemError


class TokenInputSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenObtainView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <token>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenInputSerializer,
        examples=[
            OpenApiExample(
                "A demo user",
                value={"username": "exporter", "password": "the password seed_demo printed"},
                request_only=True,
                description="`make run` seeds `exporter`, `officer`, `customs` and `admin`; the password "
                "is `DEMO_PASSWORD` or the one kept in `var/demo_password`.",
            )
        ],
        responses={201: TokenOutputSerializer, **problems(400, 429)},
        description="Returns 201 with a new token. Wrong credentials and inactive accounts both get the "
        "same 400 `invalid_credentials` problem, without saying which part was wrong. Throttled "
        "(scope `login`).",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        credentials = TokenInputSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:  # unknown user, wrong password and inactive account look the same
            raise ProblemError(
                "invalid_credentials",
                str(_("Unable to log in with the provided credentials.")),
                status_code=status.HTTP_400_BAD_REQUEST,
                title=str(_("Invalid credentials")),
            )
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = TokenOutputSerializer({"token": token, "expires_at": instance.expiry}).data
        return Response(body, status=status.HTTP_201_CREATED)


class LogoutView(knox_views.LogoutView):  # type: ignore[misc]  # knox ships no types
    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: None, **problems(401)},
        description="Revokes the token used for this request.",
        tags=["auth"],
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        response: Response = super().post(request, format)
        return response


class LogoutAllView(knox_views.LogoutAllView):  # type: ignore[misc]  # knox ships no types
    @extend_schema(
        operation_id="auth_logout_all",
        request=None,
        responses={204: None, **problems(401)},
        description="Revokes every token of the caller.",
        tags=["auth"],
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        response: Response = super().post(request, format)
        return response
