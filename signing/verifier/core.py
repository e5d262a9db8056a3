"""The ``Verifier``: keys and bundle loaded once, then each certificate checked in CONTRACT §4's order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from signing.times import rfc3339
from signing.verifier.bundle import BundleEntries, check_status, load_bundle
from signing.verifier.compact import Headers
from signing.verifier.document import SignedCertificate, check_signature, check_validity, parse_certificate
from signing.verifier.errors import VerifierError
from signing.verifier.keys import PublicKeys, check_key_not_revoked, load_compromises, load_keys
from signing.verifier.log import Checkpoint, LogProof, check_logged, checkpoint_extends, verify_checkpoint
from signing.verifier.online import ask_service, merged
from signing.verifier.results import Checks, Result
from signing.verifier.texts import language_chosen
from signing.verifier.witnessed import check_witnessed, with_cosigned, witnessed_before

__all__ = ["Verifier", "log_consistency", "verify_certificate"]

# First in precedence: no answer of the service could change these statuses, so it is not asked.
_UNTRUSTED_DOCUMENT = ("malformed", "bad_signature", "unknown_key")


class Verifier:
    """Verifies many certificates against one JWKS (and bundle), parsing those only once."""

    def __init__(
        self,
        jwks: dict[str, Any],
        bundle: str | None = None,
        *,
        keys: Sequence[dict[str, Any]] | None = None,
        now: datetime | None = None,
        allow_stale_bundle: bool = False,
        language: str | None = None,
        min_witnesses: int = 0,
    ) -> None:
        """``language``: of the checks' details (``texts.language_chosen``: default, the environment's).

        ``min_witnesses``: accept a certificate only under a checkpoint that many of the bundle's
        witnesses cosigned (``witnessed``); needs the bundle.
        """
        self.language = language_chosen(language)
        self.keys = load_keys(jwks)
        self.now = now
        self._headers: Headers = {}
        # With a key list, key_not_revoked is listed even when it passes (as it always was).
        self._list_key_check = keys is not None
        self.compromised = load_compromises(keys) if keys is not None else None
        self.bundle_entries: BundleEntries | None = None
        self.witnesses: PublicKeys = PublicKeys()
        self.min_witnesses = min_witnesses
        if bundle is not None:
            self._load_bundle(bundle, allow_stale=allow_stale_bundle)
        elif min_witnesses:
            raise VerifierError("--min-witnesses needs the status bundle that names the witnesses")

    def _load_bundle(self, bundle: str, *, allow_stale: bool) -> None:
        """The bundle's entries, and its revoked keys added to those of the key list."""
        status = load_bundle(
            bundle, keys=self.keys, compromised=self.compromised, now=self.now, allow_stale=allow_stale
        )
        self.bundle_entries = status.entries
        self.witnesses = load_keys({"keys": list(status.witnesses)})
        self.compromised = {**status.compromised, **(self.compromised or {})}

    def verify(self, token: str, *, at: datetime | None = None, log_proof: LogProof | None = None) -> Result:
        """Check a certificate JWS; with ``log_proof``, also that it is in the transparency log."""
        return self._verify(token, at=at, log_proof=log_proof, judge_key=True)

    def _verify(
        self, token: str, *, at: datetime | None, log_proof: LogProof | None, judge_key: bool
    ) -> Result:
        """``judge_key``: refuse a revoked key here (offline); online the registry decides."""
        checks = Checks(self.language)
        token = token.strip()
        certificate = parse_certificate(token, self._headers, checks)
        if certificate is None:
            return checks.result(None)
        if check_signature(certificate.jws, self.keys, checks, certificate.issuer_country):
            if judge_key:
                self._check_key(token, certificate.jws.kid, log_proof, checks)
            moment = at or self.now or datetime.now(UTC)
            self._check_standing(token, certificate, moment, log_proof, checks)
        return checks.result(certificate.number)

    def _check_standing(
        self,
        token: str,
        certificate: SignedCertificate,
        moment: datetime,
        log_proof: LogProof | None,
        checks: Checks,
    ) -> None:
        """What a good signature and its key do not settle: the log, the status and the dates."""
        if self.min_witnesses:
            check_witnessed(token, log_proof, self.min_witnesses, checks)
        elif log_proof is not None:
            check_logged(token, log_proof, checks)
        check_status(self.bundle_entries, certificate.number, moment, checks)
        check_validity(certificate.dates, moment, checks)

    def _check_key(self, token: str, kid: str, log_proof: LogProof | None, checks: Checks) -> None:
        """``key_not_revoked``; a revoked key passes again only for a JWS witnesses saw before the theft."""
        since = (self.compromised or {}).get(kid)
        if since is not None and witnessed_before(token, log_proof, self.min_witnesses, since):
            detail = (
                "key %(kid)s revoked since %(since)s, but the log held this before, as witnesses cosigned"
            )
            checks.add("key_not_revoked", True, "key_revoked", detail, kid=kid, since=since.isoformat())
            return
        check_key_not_revoked(self.compromised, kid, checks, listed=self._list_key_check)

    def checkpoint(self, checkpoint: dict[str, Any]) -> Checkpoint:
        """A log checkpoint signed with a published key not known revoked; ``VerifierError`` if not.

        Its ``cosigned`` holds when each of the bundle's witnesses that cosigned it did so.
        """
        verified = verify_checkpoint(self.keys, checkpoint, self.compromised)
        return with_cosigned(verified, checkpoint, self.witnesses) if self.witnesses else verified

    def ask_online(self, base_url: str, body: dict[str, Any], *, number: str | None = None) -> Result:
        """The service's answer to ``body`` (``number`` or ``document``), once bound to it (``online``).

        ``number``: the number the answer must be about (default: the one asked about).
        """
        return ask_service(
            base_url, body, self.keys, compromised=self.compromised, number=number, language=self.language
        )

    def verify_online(self, token: str, base_url: str, *, at: datetime | None = None) -> Result:
        """Offline checks, then the registry's answer merged in (the earlier status in precedence wins).

        Whether the key was compromised when it signed is the registry's to say: it knows when the
        certificate was issued, which the document only claims.
        """
        offline = self._verify(token, at=at, log_proof=None, judge_key=False)
        if offline.status in _UNTRUSTED_DOCUMENT:
            return offline
        body: dict[str, Any] = {"document": token.strip()}
        if at is not None:
            body["at"] = rfc3339(at)
        return merged(offline, self.ask_online(base_url, body, number=offline.number))


def verify_certificate(
    token: str,
    *,
    jwks: dict[str, Any],
    bundle: str | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
    allow_stale_bundle: bool = False,
    keys: Sequence[dict[str, Any]] | None = None,
    language: str | None = None,
) -> Result:
    """Verify one certificate; for many, make one ``Verifier`` and call ``verify`` on each."""
    verifier = Verifier(
        jwks, bundle, keys=keys, now=now, allow_stale_bundle=allow_stale_bundle, language=language
    )
    return verifier.verify(token, at=at)


def log_consistency(
    verifier: Verifier, old: dict[str, Any], new: dict[str, Any], proof: dict[str, Any]
) -> bool:
    """Does the newer signed checkpoint extend the older one (RFC 9162 §2.1.4.2)?"""
    older, newer = verifier.checkpoint(old), verifier.checkpoint(new)
    return checkpoint_extends(newer=newer, older=older, proof=proof)
