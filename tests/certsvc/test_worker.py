import pytest

from certsvc.celery import app
from tests.services import require_redis, running_worker


@pytest.mark.worker
def test_a_real_worker_over_redis_completes_a_task(transactional_db):
    broker = require_redis()
    backend = broker.rsplit("/", 1)[0] + "/14"
    app.conf.result_backend = backend
    try:
        from tests.services import subprocess_env

        with running_worker(env=subprocess_env(CELERY_RESULT_BACKEND=backend)):
            result = app.send_task("certsvc.ping", args=["border"])
            assert result.get(timeout=30) == "pong:border"
    finally:
        app.conf.result_backend = None
