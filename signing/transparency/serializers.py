"""Query parameters and response shapes of the log endpoints (CONTRACT §5)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# What these serializers read and write: plain JSON objects, never model instances.
JSONObject = dict[str, Any]


class CheckpointCosignatureSerializer(serializers.Serializer[JSONObject]):
    name = serializers.CharField()
    kid = serializers.CharField()
    signature = serializers.CharField(help_text="JWS compact (typ certsvc-cosignature+jws).")


class CheckpointOutputSerializer(serializers.Serializer[JSONObject]):
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="Standard base64 with padding.")
    timestamp = serializers.CharField(help_text="RFC 3339 UTC.")
    signature = serializers.CharField(
        help_text="JWS compact (typ certsvc-checkpoint+jws) over the RFC 8785 form of the other members."
    )
    cosignatures = CheckpointCosignatureSerializer(many=True)


class CheckpointQuerySerializer(serializers.Serializer[JSONObject]):
    tree_size = serializers.IntegerField(required=False, min_value=0)


class InclusionQuerySerializer(serializers.Serializer[JSONObject]):
    number = serializers.CharField(required=False, max_length=100)
    leaf_index = serializers.IntegerField(required=False, min_value=0)
    tree_size = serializers.IntegerField(required=False, min_value=0)

    def validate(self, attrs: JSONObject) -> JSONObject:
        if ("number" in attrs) == ("leaf_index" in attrs):
            raise serializers.ValidationError(_("Give exactly one of number and leaf_index."))
        return attrs


class InclusionOutputSerializer(serializers.Serializer[JSONObject]):
    leaf_index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    leaf_hash = serializers.CharField(help_text="Standard base64 with padding.")
    audit_path = serializers.ListField(
        child=serializers.CharField(), help_text="Base64 hashes, leaf side first."
    )


class ConsistencyQuerySerializer(serializers.Serializer[JSONObject]):
    first = serializers.IntegerField(min_value=1)
    second = serializers.IntegerField(min_value=1)


class ConsistencyOutputSerializer(serializers.Serializer[JSONObject]):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    proof = serializers.ListField(child=serializers.CharField(), help_text="Base64 hashes (RFC 9162 PROOF).")


class ProblemSerializer(serializers.Serializer[JSONObject]):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
