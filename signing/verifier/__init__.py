"""Offline verification of certsvc certificates, for border posts without a connection.

A library and the ``certsvc-verify`` command. It needs the published keys
(``/.well-known/jwks.json``) and, to know about revocations, a status bundle
(``/api/v1/status/bundle``) fetched while online. It never imports Django.

What it checks, in this order (the first failure is the status, as in CONTRACT §4):

- ``well_formed``: a compact JWS of typ ``certsvc-certificate+jws`` over a certificate document;
- ``algorithm``: EdDSA/Ed25519 only (anything else is ``bad_signature``);
- ``key_known``: the ``kid`` is in the JWKS (``unknown_key``);
- ``signature``: Ed25519 over the signing input (``bad_signature``);
- ``key_not_revoked``: only with a key list (``--keys``, from ``/api/v1/keys/``): a certificate
  issued at or after the key's ``compromised_at`` is ``key_revoked``; a revoked key that gives no
  ``compromised_at`` makes every certificate it signed ``key_revoked`` (fail closed);
- ``transparency_log``: only with ``--proof`` (from ``/api/v1/log/inclusion``) and ``--checkpoint``
  (from ``/api/v1/log/checkpoint``, its signature checked with the JWKS): the JWS bytes are leaf
  ``leaf_index`` of the signed tree (RFC 9162 §2.1.3.2), else ``registry_mismatch``;
- ``status``: only with a bundle: ``revoked``/``superseded`` when its ``since`` is not after the
  moment checked;
- ``validity``: ``not_yet_valid`` before ``issued_at`` or ``valid_from``, ``expired`` after
  ``valid_until``, against ``--at`` or now.

The bundle's own signature is checked against the same JWKS (and, with a key list,
a bundle signed by a key compromised by then is refused); a bundle past its
``next_update`` is refused (``StaleBundle``) unless stale bundles are allowed.
The registry itself cannot be consulted offline. When a connection is available,
``--online URL`` also asks the service (``POST /api/v1/verify/``), checks that its
answer carries a receipt signed with a key of the JWKS over exactly that answer,
and adds its ``registry``/``transparency_log``/``status`` findings: this is how
``registry_mismatch`` and (with ``--number``) ``not_found`` are seen. The final
status is the earliest in the precedence of the offline and the online one.

``certsvc-verify log-consistency OLD NEW --proof P --jwks J`` checks that checkpoint NEW
extends checkpoint OLD (RFC 9162 §2.1.4.2) with a proof from ``/api/v1/log/consistency``,
so a kept checkpoint shows that the issuer never rewrote what it had logged.

The modules: ``core`` (the ``Verifier``), ``document`` (parsing and checking one certificate),
``keys`` (the JWKS and revoked keys), ``bundle`` (the status bundle), ``log`` (checkpoints and
proofs), ``online`` (asking the service), ``results`` and ``errors`` (what comes back),
``compact`` (fast JWS parsing for batches) and ``cli`` (the command).
"""

from __future__ import annotations

from signing.verifier.cli import main
from signing.verifier.core import Verifier, log_consistency, verify_certificate
from signing.verifier.document import json_document as _json_document  # noqa: F401 - tests/perf import it
from signing.verifier.errors import BundleError, StaleBundle, VerifierError
from signing.verifier.log import Checkpoint, LogProof
from signing.verifier.results import Result

__all__ = [
    "BundleError",
    "Checkpoint",
    "LogProof",
    "Result",
    "StaleBundle",
    "Verifier",
    "VerifierError",
    "log_consistency",
    "main",
    "verify_certificate",
]
