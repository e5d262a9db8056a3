import pytest

from tests.issuance.conftest import (  # noqa: F401 (fixtures shared with the issuance tests)
    _fresh_cache,
    exporter,
    issuer,
    make_submitted,
    officer,
    signing_key,
)
from tests.reliability.redis_server import RedisServer
from tests.services import publishing_to, require


@pytest.fixture
def private_redis(redis_broker, settings):
    """A Redis of this test alone, which it may crash and restart; this process publishes to it."""
    server = RedisServer()
    require(server.binary is not None, "redis-server (a private instance for outage tests)")
    server.start()
    settings.CELERY_BROKER_URL = server.url
    try:
        with publishing_to(server.url):
            yield server
    finally:
        server.stop()
