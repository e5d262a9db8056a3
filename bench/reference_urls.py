"""Reference endpoints for the load benchmark: the framework floor and a one-row read.

Routed by ``bench.settings`` (the benchmark), or with ``CERTSVC_BENCH_ROUTES=true`` in development;
they expose nothing that the public verify endpoint does not already show to anyone.

- ``GET /bench/static``: a DRF view returning a fixed small body (middleware + DRF + JSON floor);
- ``GET /bench/certificate/<number>``: one certificate fetched by its indexed number and
  serialized with nested DRF serializers (the usual way to write such an endpoint).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.issuance.models import Certificate

STATIC_BODY = {"service": "certsvc", "ok": True, "detail": "static reference response"}


class StaticView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(STATIC_BODY)


class PartySerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField()
    address = serializers.CharField(required=False)
    tax_id = serializers.CharField(required=False, allow_blank=True)


class ItemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    description = serializers.CharField()
    hs_code = serializers.CharField()
    quantity = serializers.CharField()
    unit = serializers.CharField()
    net_weight_kg = serializers.CharField()
    gross_weight_kg = serializers.CharField()
    value = serializers.CharField()
    currency = serializers.CharField()
    origin_country = serializers.CharField()


class TransportSerializer(serializers.Serializer):
    mode = serializers.CharField()
    details = serializers.CharField(allow_blank=True)


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    date = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    schema = serializers.CharField()
    number = serializers.CharField()
    type = serializers.CharField()
    issued_at = serializers.CharField()
    valid_from = serializers.CharField()
    valid_until = serializers.CharField()
    issuer = PartySerializer()
    exporter = PartySerializer()
    consignee = PartySerializer()
    country_of_export = serializers.CharField()
    country_of_destination = serializers.CharField()
    transport = TransportSerializer()
    invoice = InvoiceSerializer()
    items = ItemSerializer(many=True)
    replaces = serializers.CharField(allow_null=True)


class CertificateSerializer(serializers.ModelSerializer):
    document = DocumentSerializer()

    class Meta:
        model = Certificate
        fields = ["number", "status", "type", "issued_at", "valid_from", "valid_until", "kid", "document"]


class CertificateView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, number: str):
        certificate = get_object_or_404(
            Certificate.objects.only(*CertificateSerializer.Meta.fields), number=number
        )
        return Response(CertificateSerializer(certificate).data)


urlpatterns = [
    path("static", StaticView.as_view(), name="bench-static"),
    path("certificate/<str:number>", CertificateView.as_view(), name="bench-certificate"),
]
