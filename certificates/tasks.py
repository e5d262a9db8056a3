"""Celery's autodiscovery loads ``certificates.tasks``: each room that has tasks registers them here.

Nothing else imports this module; services publish tasks by name through ``certificates.outbox``.
"""

from certificates.anchoring import tasks as anchoring_tasks
from certificates.api import tasks as api_tasks
from certificates.credentials import tasks as credential_tasks
from certificates.customs.inquiries import tasks as inquiry_tasks
from certificates.issuance import tasks as issuance_tasks

__all__ = ["anchoring_tasks", "api_tasks", "credential_tasks", "inquiry_tasks", "issuance_tasks"]
