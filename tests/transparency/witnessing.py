"""Witnesses for the tests: customs users with their own Ed25519 keys, and cosignatures made in-process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from knox.models import AuthToken

from certificates.accounts.models import User
from signing.jws import b64url_encode, jwk_thumbprint
from signing.transparency.cosigning import cosignature_sign
from signing.transparency.models import Witness
from signing.transparency.witnesses import witness_register
from signing.witness.state import public_x
from tests.customs.conftest import customs_of


@dataclass
class CustomsWitness:
    witness: Witness
    user: User
    key: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        return self.witness.kid

    def token(self) -> str:
        return AuthToken.objects.create(user=self.user)[1]

    def cosign(self, checkpoint: dict, *, cosigned_at: datetime | None = None, key=None) -> str:
        signer = (key or self.key).sign
        moment = cosigned_at or datetime.now(UTC)
        return cosignature_sign(checkpoint=checkpoint, kid=self.kid, cosigned_at=moment, signer=signer)


def register_witness(country: str, *, key: Ed25519PrivateKey | None = None) -> CustomsWitness:
    key = key or Ed25519PrivateKey.generate()
    user = customs_of(country)
    witness = witness_register(name=f"Customs {country}", user=user, public_key=b64url_encode(public_x(key)))
    assert witness.kid == jwk_thumbprint(public_x(key))
    return CustomsWitness(witness=witness, user=user, key=key)
