from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.issuance.compromise import compromised_certificates
from certificates.issuance.errors import CertificateError
from certificates.issuance.models import Certificate
from certificates.management.compromise import add_key_arguments, key_id, since_time
from signing.times import rfc3339


class Command(BaseCommand):
    help = (
        "List the certificates a revoked signing key signed at or after --since (default: its "
        "compromise time): number, issued_at, exporter, status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_key_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kid = key_id(options)
        try:
            affected = list(compromised_certificates(kid=kid, since=since_time(options["since"])))
        except CertificateError as exc:
            raise CommandError(exc.detail) from exc
        for certificate in affected:
            self.stdout.write(_line(certificate))
        self.stdout.write(f"{len(affected)} certificate(s) signed with {kid}")


def _line(certificate: Certificate) -> str:
    exporter = certificate.application.exporter
    columns = [certificate.number, rfc3339(certificate.issued_at), exporter.name, certificate.status]
    if certificate.superseded_by is not None:
        columns.append(f"superseded_by={certificate.superseded_by.number}")
    return "\t".join(columns)
