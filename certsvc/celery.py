import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsvc.settings")

app = Celery("certsvc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Signal receivers: request id in task headers and JSON worker logs, task metrics, heartbeat task,
# database connections kept between tasks.
import certsvc.health  # noqa: E402
import certsvc.logging  # noqa: E402
import certsvc.metrics  # noqa: E402
import certsvc.task_connections  # noqa: E402, F401


@app.task(name="certsvc.ping")
def ping(value: str) -> str:
    """A round trip through the broker and a worker, for health checks and tests."""
    return f"pong:{value}"
