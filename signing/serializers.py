from __future__ import annotations

from typing import Any

from rest_framework import serializers

# What these serializers read and write: plain JSON objects, never model instances.
JSONObject = dict[str, Any]


class JWKSerializer(serializers.Serializer[JSONObject]):
    kty = serializers.CharField(help_text="Always `OKP`.")
    crv = serializers.CharField(help_text="Always `Ed25519`.")
    x = serializers.CharField(help_text="Public key, base64url without padding.")
    kid = serializers.CharField(help_text="Key id: RFC 7638 thumbprint of the key.")
    use = serializers.CharField(help_text="Always `sig`.")
    alg = serializers.CharField(help_text="Always `EdDSA`.")


class KeyCountrySerializer(serializers.Serializer[JSONObject]):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 country of the issuing body.")


class KeyIssuerSerializer(KeyCountrySerializer):
    name = serializers.CharField(help_text="The body's name, for display; verifiers match on `country`.")


REGISTRY_UNTIL_HELP = (
    "Only for keys that signed before keys had owners: receipts, bundles, checkpoints and log events it "
    "signed before this time are the registry's."
)


class PublishedJWKSerializer(JWKSerializer):
    issuer = KeyCountrySerializer(
        allow_null=True, help_text="The issuing body of a body key; `null` for a registry key."
    )
    registry_until = serializers.DateTimeField(required=False, help_text=REGISTRY_UNTIL_HELP)


class JWKSSerializer(serializers.Serializer[JSONObject]):
    keys = PublishedJWKSerializer(many=True)


class SigningKeyOutputSerializer(JWKSerializer):
    status = serializers.ChoiceField(choices=["active", "retired", "revoked"])
    activated_at = serializers.DateTimeField()
    retired_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    compromised_at = serializers.DateTimeField(
        allow_null=True,
        help_text="For a revoked key: from when its signatures are not trusted (offline verifiers use it).",
    )
    issuer = KeyIssuerSerializer(
        allow_null=True, help_text="The issuing body of a body key; `null` for a registry key."
    )
    registry_until = serializers.DateTimeField(allow_null=True, help_text=REGISTRY_UNTIL_HELP)
