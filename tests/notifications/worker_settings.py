"""Settings for the Celery worker subprocess in the notification tests.

The same overrides the in-process tests make with the ``settings`` fixture: a local
receiver on 127.0.0.1 over http and a retry schedule shrunk to fractions of a second.
"""

from certsvc.settings import *  # noqa: F403

WEBHOOKS_ALLOW_HTTP = True
WEBHOOKS_ALLOWED_TEST_NETS = ["127.0.0.1/32"]
WEBHOOK_RETRY_SCHEDULE = (0.3, 0.3, 0.3, 0.3)
WEBHOOK_RETRY_JITTER = 0.1
EMAIL_RETRY_SCHEDULE = (0.3, 0.3)
