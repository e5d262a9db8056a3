"""Whose a key is: an issuing body (its country) or the registry (CONTRACT §3 v1.1).

Signing knows bodies only by country. The certificates app, which models them, registers a
resolver at start-up that names the body of a country (or answers ``None``: no such body), so a
body key is never made for a body that does not exist and shows the body's name.
"""

from __future__ import annotations

from collections.abc import Callable

from signing.errors import SigningKeyStateError

REGISTRY = ""

BodyResolver = Callable[[str], str | None]
_resolvers: list[BodyResolver] = []


def scope_resolver_register(resolver: BodyResolver) -> None:
    """Install the function that names the issuing body of a country; the last one registered wins."""
    _resolvers[:] = [resolver]


def scope_normalized(country: str | None) -> str:
    """``REGISTRY`` for no country, else the country in capitals."""
    return (country or REGISTRY).strip().upper()


def scope_issuer_name(issuer_country: str) -> str:
    """The name of the body of ``issuer_country`` ("" for the registry); refuses an unknown body."""
    if issuer_country == REGISTRY:
        return ""
    if len(issuer_country) != 2 or not issuer_country.isalpha() or not issuer_country.isupper():
        raise SigningKeyStateError(f"{issuer_country!r} is not a country code")
    name = _resolvers[0](issuer_country) if _resolvers else issuer_country
    if name is None:
        raise SigningKeyStateError(f"no issuing body of {issuer_country} is configured")
    return name
