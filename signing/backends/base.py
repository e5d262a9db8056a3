"""The interface every signing backend implements.

The database stores a backend alias and a key reference that holds no secret;
the backend alone can use the private key, and no method ever returns it. A
hardware module (PKCS#11) implements the same four methods and is enabled by
adding it to ``settings.SIGNING_BACKENDS``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class CreatedKey:
    key_ref: str
    public_x: bytes


class SigningBackend(abc.ABC):
    # True when a key that signed correctly once in a process always does (``jws_sign_repeated``).
    signatures_follow_from_key = False

    def __init__(self, alias: str):
        self.alias = alias

    @abc.abstractmethod
    def create_key(self) -> CreatedKey:
        """Generate a new Ed25519 key; returns its reference and raw public key."""

    @abc.abstractmethod
    def public_key(self, key_ref: str) -> bytes:
        """The raw 32-byte Ed25519 public key of a reference."""

    @abc.abstractmethod
    def sign(self, key_ref: str, data: bytes) -> bytes:
        """The Ed25519 signature of ``data``; raises ``KeyUnavailable`` if the key cannot be used."""

    @abc.abstractmethod
    def check_usable(self, key_ref: str) -> None:
        """Raise ``KeyUnavailable`` unless the key can sign right now."""
