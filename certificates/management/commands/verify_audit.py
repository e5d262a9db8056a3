"""Recompute every audit chain, check it against its anchors in the log; fail at the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certificates.anchoring.services import audit_counts, audit_problems


class Command(BaseCommand):
    help = (
        "Check that no audit row was edited, reordered or deleted (per-application/certificate chains) "
        "and that no chain was recomputed since its heads were anchored in the transparency log."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for problem in audit_problems():
            raise CommandError(f"audit chain broken: {problem}")
        counts = audit_counts()
        self.stdout.write(
            f"audit OK: {counts.events} events in unbroken chains, {counts.anchors} anchors hold"
        )
