"""Settings for the worker subprocesses of the reliability tests.

The Redis transport looks for unacknowledged messages older than the visibility
timeout only every ``interval × throttle`` seconds (100 s by default); the tests
shrink that to one second so a redelivery happens while the first delivery still runs.
"""

from certsvc.settings import *  # noqa: F403
from certsvc.settings import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_BROKER_URL

if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
