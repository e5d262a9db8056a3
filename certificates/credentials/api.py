"""The certificate's credential, the DID documents and the status list (CONTRACT §12)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from certificates.api.problems import problems
from certificates.api.renderers import CompactTokenRenderer
from certificates.credentials import services as credentials
from certificates.credentials.bodies import REGISTRY, body_known
from certificates.credentials.dids import did_document
from certificates.credentials.selectors import certificate_credential_for
from certificates.permissions import IsCertificateReader, request_user

VC_JWT = "application/vc+jwt"
DID_JSON = "application/did+json"
DID_CACHE_SECONDS = 300


class VCJWTRenderer(CompactTokenRenderer):
    media_type = VC_JWT
    format = "vcjwt"


def _vc_jwt(token: str) -> HttpResponse:
    return HttpResponse(token.encode("ascii"), content_type=VC_JWT)


class CertificateCredentialView(APIView):
    permission_classes = [IsCertificateReader]
    renderer_classes = [VCJWTRenderer]

    @extend_schema(
        operation_id="certificate_credential",
        summary="The certificate as a W3C Verifiable Credential (vc+jwt, CONTRACT §12)",
        description="Same access as `/document`. 404 as well while the credential of a just-issued "
        "certificate is still being signed (a worker signs it moments after the issue).",
        responses={(200, VC_JWT): OpenApiResponse(OpenApiTypes.STR), **problems(401, 403, 404)},
        tags=["certificates"],
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        certificate = certificate_credential_for(user=request_user(request), number=number)
        if certificate is None:
            raise exceptions.NotFound()
        if not certificate.credential:
            credentials.certificate_credential_queue(number=number)
            raise exceptions.NotFound()
        response = _vc_jwt(certificate.credential)
        response["Content-Disposition"] = f'inline; filename="{number}.vc.jwt"'
        return response


class _PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


def _did_response(body: str | None) -> JsonResponse:
    response = JsonResponse(did_document(body), content_type=DID_JSON)
    patch_cache_control(response, public=True, max_age=DID_CACHE_SECONDS)
    return response


class RegistryDIDView(_PublicView):
    @extend_schema(
        operation_id="registry_did",
        summary="The registry's DID document (did:web)",
        responses={(200, DID_JSON): OpenApiResponse(OpenApiTypes.OBJECT)},
        auth=[],
        tags=["credentials"],
    )
    def get(self, request: Request) -> JsonResponse:
        return _did_response(REGISTRY)


class BodyDIDView(_PublicView):
    @extend_schema(
        operation_id="issuer_did",
        summary="An issuing body's DID document (did:web), its keys that are not revoked",
        responses={(200, DID_JSON): OpenApiResponse(OpenApiTypes.OBJECT), **problems(404)},
        auth=[],
        tags=["credentials"],
    )
    def get(self, request: Request, country: str) -> JsonResponse:
        if not body_known(country):
            raise exceptions.NotFound()
        return _did_response(country)


class StatusListView(_PublicView):
    renderer_classes = [VCJWTRenderer]

    @extend_schema(
        operation_id="status_list_credential",
        summary="The revocation Bitstring Status List credential (vc+jwt, CONTRACT §12)",
        responses={(200, VC_JWT): OpenApiResponse(OpenApiTypes.STR)},
        auth=[],
        tags=["credentials"],
    )
    def get(self, request: Request) -> HttpResponse:
        response = _vc_jwt(credentials.status_list_current().jws)
        patch_cache_control(response, public=True, max_age=credentials.STATUS_LIST_CACHE_SECONDS)
        return response
