"""did:web identifiers and their DID documents (CONTRACT §12; W3C did:web method)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from certificates.credentials.bodies import body_keys

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"]


def did_host() -> str:
    """The host of ``PUBLIC_BASE_URL`` as did:web writes it: a port's colon percent-encoded."""
    return quote(urlsplit(settings.PUBLIC_BASE_URL).netloc, safe="")


def registry_did() -> str:
    return f"did:web:{did_host()}"


def body_did(body: str) -> str:
    return f"did:web:{did_host()}:issuers:{body.lower()}"


def did_of(body: str | None) -> str:
    return registry_did() if body is None else body_did(body)


def did_document(body: str | None) -> dict[str, Any]:
    """The DID document of a body (``None``: the registry), listing its keys that are not revoked."""
    did = did_of(body)
    methods = [_verification_method(did, key.public_jwk) for key in body_keys(body)]
    ids = [method["id"] for method in methods]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def _verification_method(did: str, jwk: dict[str, str]) -> dict[str, Any]:
    public = {name: jwk[name] for name in ("kty", "crv", "x", "kid", "alg")}
    return {"id": f"{did}#{jwk['kid']}", "type": "JsonWebKey", "controller": did, "publicKeyJwk": public}
