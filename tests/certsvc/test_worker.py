import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult

from certsvc.celery import app
from tests.services import require_redis, running_worker, subprocess_env


@pytest.mark.worker
def test_a_real_worker_over_redis_completes_a_task(transactional_db):
    broker = require_redis()
    results_url = broker.rsplit("/", 1)[0] + "/14"
    results = RedisBackend(app=app, url=results_url)
    with running_worker(env=subprocess_env(CELERY_RESULT_BACKEND=results_url)):
        sent = app.send_task("certsvc.ping", args=["border"])
        assert AsyncResult(sent.id, backend=results, app=app).get(timeout=30) == "pong:border"
