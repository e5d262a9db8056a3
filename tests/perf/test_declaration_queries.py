"""Query budget of recording a customs declaration: the same whatever the certificate's earlier declarations.

A certificate collects declarations for as long as its goods last; each recording must cost what
the first one did (counted queries, not time). Each recording also appends a leaf to the
transparency log, whose cost depends on the leaf's index (an odd index completes subtrees: one
read and one write more), not on the declarations: both recordings here append at an even index.
``bench/declarations.py`` measures the same at 0, 100 and 1,000 earlier declarations, with timings.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.customs.matching import DeclaredLine
from certificates.customs.models import Declaration
from certificates.customs.services import declaration_record
from signing.transparency.models import LogHead
from tests.applications.factories import api_client_for
from tests.customs.conftest import customs_of, declaration, declarations_url, line
from tests.issuance.helpers import issue
from tests.perf.test_query_budgets import queries

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EARLIER = 30
# The declaration, its lines, the draw-down, the audit row, the log event and the exporter's webhook event.
RECORD_BUDGET = 25


def _record(certificate, customs, number: str) -> None:
    declaration_record(
        certificate=certificate,
        actor=customs,
        declaration_number=number,
        declared_at=timezone.now(),
        customs_office="06611",
        lines=[DeclaredLine(1, "52051200", Decimal("0.001"), "KGM")],
    )


def _even_log(filler, customs) -> None:
    """The next log leaf's index made even, with one more declaration on ``filler`` if need be."""
    if LogHead.objects.get().tree_size % 2:
        _record(filler, customs, f"FILLER-{Declaration.objects.count()}")


def _recording(client, certificate, number: str):
    body = declaration(number=number, lines=[line(1, "0.001"), line(2, "0.001")])
    return lambda: _created(client.post(declarations_url(certificate), body, format="json"))


def _created(response):
    assert response.status_code == 201, response.content[:500]
    response.status_code = 200  # ``queries`` expects the 200 of a read
    return response


def test_recording_costs_the_same_queries_after_0_or_30_earlier_declarations(
    signing_key, officer, make_submitted
):
    customs = customs_of("BY")
    client = api_client_for(customs)
    filler, first, later = (issue(make_submitted(items=2), officer) for _ in range(3))
    queries(_recording(client, filler, "WARM-UP"))  # a process's first signature and key reads
    _even_log(filler, customs)
    at_zero = queries(_recording(client, first, "DT-0001"))
    for index in range(EARLIER):
        _record(later, customs, f"EARLIER-{index:04d}")
    _even_log(filler, customs)
    at_thirty = queries(_recording(client, later, "DT-0001"))
    assert Declaration.objects.filter(certificate=later).count() == EARLIER + 1
    assert at_zero == at_thirty <= RECORD_BUDGET, (at_zero, at_thirty)
