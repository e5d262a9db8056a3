"""Offline verification of certsvc certificates, for border posts without a connection.

A library and the ``certsvc-verify`` command. It needs the published keys
(``/.well-known/jwks.json``) and, to know about revocations, a status bundle
(``/api/v1/status/bundle``) fetched while online. It never imports Django.

What it checks, in this order (the first failure is the status, as in CONTRACT §4):

- ``well_formed``: a compact JWS of typ ``certsvc-certificate+jws`` over a certificate document
  whose payload is the RFC 8785 form of itself (so no duplicate member names either);
- ``algorithm``: EdDSA/Ed25519 only (anything else is ``bad_signature``);
- ``key_known``: the ``kid`` is in the JWKS (``unknown_key``);
- ``signature``: Ed25519 over the signing input (``bad_signature``);
- ``key_not_revoked``: with a bundle (its signed ``keys``) or a key list (``--keys``, from
  ``/api/v1/keys/``): a key revoked as compromised makes every certificate it signed
  ``key_revoked``, whatever ``issued_at`` the document claims (a thief of the key can backdate it).
  Listed when it fails, and always with ``--keys``;
- ``transparency_log``: only with ``--proof`` (from ``/api/v1/log/inclusion``) and ``--checkpoint``
  (from ``/api/v1/log/checkpoint``, its signature checked with the JWKS): the JWS bytes are leaf
  ``leaf_index`` of the signed tree (RFC 9162 §2.1.3.2), else ``registry_mismatch``;
- ``status``: only with a bundle: ``revoked``/``superseded`` when its ``since`` is not after the
  moment checked;
- ``validity``: ``not_yet_valid`` before ``issued_at`` or ``valid_from``, ``expired`` after
  ``valid_until``, against ``--at`` or now.

The bundle's own signature is checked against the same JWKS; a bundle signed by a key that it or
the key list calls revoked is refused whatever time it claims, and so are a checkpoint and a
receipt. A bundle valid for more than 24 hours (``next_update − issued_at``) is refused, and one
past its ``next_update`` too (``StaleBundle``) unless stale bundles are allowed. A bundle without
``keys`` (before CONTRACT v1.1) is refused. The registry itself cannot be consulted offline. When
a connection is available, ``--online URL`` also asks the service (``POST /api/v1/verify/``, https,
or plain http only to a loopback address) with a fresh ``nonce``, and trusts the answer only when
its receipt is signed by a published, unrevoked key over exactly that answer, and the answer
carries that ``nonce``, the number asked about (for a document: its number, and
``document_sha256`` of the JWS sent) and a ``checked_at`` within 5 minutes of this clock. It adds
the service's ``key_not_revoked``/``registry``/``transparency_log``/``status`` findings: online,
the registry decides whether the key was compromised when the certificate was issued; this is how
``registry_mismatch`` and (with ``--number``) ``not_found`` are seen. The final status is the
earliest in the precedence of the offline and the online one.

``--min-witnesses N`` (with the bundle, which names the witnesses) accepts a certificate only with an
inclusion proof (``--log-proof`` from ``certsvc-verify fetch-proof NUMBER --url URL``, or ``--proof`` and
``--checkpoint``) under a checkpoint that N of those witnesses cosigned (``witnessed``); a certificate of
a key revoked as compromised is ``valid`` again only when N of them cosigned before the compromise.

``certsvc-verify log-consistency OLD NEW --proof P --jwks J`` checks that checkpoint NEW
extends checkpoint OLD (RFC 9162 §2.1.4.2) with a proof from ``/api/v1/log/consistency``,
so a kept checkpoint shows that the issuer never rewrote what it had logged.

A paper certificate (CONTRACT §9) is read from what a border post holds: the QR code's text
(``…/v/{number}?k=…#z={compressed JWS}``), a photo or scan of the code (PNG, JPEG: zxing-cpp and
Pillow), or the PDF (its embedded ``{number}.jws``: pypdf); a QR code with ``#h=`` needs the PDF
or the JWS (``--document``) whose SHA-256 it names. A paper that does not yield the certificate
it names (a ``#z=`` that does not inflate, no document with the hash, another number) is
``malformed``.

The modules: ``core`` (the ``Verifier``), ``document`` (parsing and checking one certificate),
``keys`` (the JWKS and revoked keys), ``bundle`` (the status bundle and its key states), ``log``
(checkpoints and proofs), ``witnessed`` (cosignatures of checkpoints), ``fetch_proof`` (saving a
proof file), ``online`` (asking the service), ``results`` and ``errors`` (what comes back),
``compact`` (fast JWS parsing for batches), ``paper`` and ``media`` (paper certificates and the
files they come as) and ``cli`` (the command).
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
