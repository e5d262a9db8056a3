"""Property-based fuzzing of every operation in /api/schema/ with each role's token.

Every operation gets a fixed budget of generated requests (valid and invalid data,
path parameters both generated and pointing at the seeded objects), and every
response goes through schemathesis' default checks, ``ignored_auth`` included: no
server errors, no status code, content type, header or body outside the schema.
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from certificates.customs.inquiries.services import inquiry_ask
from certsvc.wsgi import application
from tests.security.conftest import ROLES, World, auth_headers, token_for

EXAMPLES_PER_OPERATION = 12
SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _real_path_parameters(world: World, role: str) -> dict[str, object]:
    own = world.applications if role != "officer" else {"submitted": world.applications["submitted"]}
    return {
        "id": own["draft"].pk if "draft" in own else own["submitted"].pk,
        "number": world.certificate.number,
        "endpoint_id": world.webhook_a.pk,
        "delivery_id": world.delivery_a.pk if world.delivery_a else 1,
    }


def _strategy(operation, world: World, role: str):
    names = {parameter.name for parameter in operation.path_parameters}
    real = {name: value for name, value in _real_path_parameters(world, role).items() if name in names}
    if "inquiry_id" in names:  # an open inquiry of the world's customs: an officer answers it once
        real["inquiry_id"] = inquiry_ask(certificate=world.certificate, actor=world.customs, question="?").pk
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    negative = operation.as_strategy(GenerationMode.NEGATIVE)
    strategies.append(negative)
    return st.one_of(strategies)


def _fuzz(operation, world: World, role: str) -> tuple[int, list[str]]:
    sent = itertools.count()
    failures: list[str] = []
    kinds: dict[str, str] = {}

    @SETTINGS
    @given(case=_strategy(operation, world, role))
    def run(case):
        next(sent)
        cache.clear()  # throttles would otherwise answer 429 for most of the budget
        user = world.user(role)
        token = token_for(user) if user else None  # fresh: the logout operations revoke tokens
        try:
            case.call_and_validate(headers=auth_headers(token))
        except FailureGroup as exc:
            for failure in exc.exceptions:
                kinds.setdefault(f"{failure.code} {failure.title}", str(exc))
            failures.append(str(exc))

    run()
    return next(sent), [f"{title}: {example}" for title, example in kinds.items()]


@pytest.fixture
def in_process_wsgi(db):
    """Requests reach the WSGI app in this process, inside the test's transaction.

    As Django's own test client does, the per-request connection cleanup is switched off:
    it would close the connection that holds the test transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The API validates more than a schema can say (credentials, tax id and HS code checksums,
# "exactly one of number and document", log sizes that depend on the data): a schema-valid
# request may fairly get 400. Every other default check keeps its default settings.
CONFIG = {
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "400"],
        }
    }
}


@pytest.fixture
def schema(in_process_wsgi):
    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_wsgi("/api/schema/", in_process_wsgi, config=config)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_survives_fuzzing_without_errors_or_schema_violations(schema, world, role, capsys):
    counts: Counter[str] = Counter()
    report: dict[str, list[str]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        sent, failures = _fuzz(operation, world, role)
        counts[operation.label] = sent
        if failures:
            report[operation.label] = failures
    with capsys.disabled():
        print(f"\nschemathesis [{role}]: {len(counts)} operations, {sum(counts.values())} requests")
        for label, sent in sorted(counts.items()):
            kinds = ", ".join(kind.split(":")[0] for kind in report.get(label, []))
            print(f"  {sent:4d} {label}{'  FAILED: ' + kinds if kinds else ''}")
    server_errors = {label for label, kinds in report.items() if any(k.startswith("ST101") for k in kinds)}
    assert not server_errors, f"server errors for {role} in: {', '.join(sorted(server_errors))}\n" + _details(
        {label: report[label] for label in server_errors}
    )
    assert not report, f"{len(report)} operation(s) failed for {role}:\n{_details(report)}"


def _details(report: dict[str, list[str]]) -> str:
    """Each failing operation with one example of each kind of failure (a curl line to replay it)."""
    return "\n\n".join(
        f"### {label}\n" + "\n".join(example[:1500] for example in examples)
        for label, examples in sorted(report.items())
    )
