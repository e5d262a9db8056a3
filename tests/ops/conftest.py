import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.issuance.conftest import (  # noqa: F401  shared fixtures: key, officer, exporter, applications
    _fresh_cache,
    exporter,
    issuer,
    make_submitted,
    officer,
    signing_key,
)

METRICS_TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = METRICS_TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return METRICS_TOKEN


@pytest.fixture
def scrape(client, metrics_token):
    """Reads /metrics as Prometheus does and returns ``{(name, sorted labels): value}``."""

    def read() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}")
        assert response.status_code == 200
        return parse_samples(response.content.decode())

    return read


def parse_samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
