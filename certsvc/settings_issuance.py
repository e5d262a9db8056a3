"""Settings of the signing worker and the queues it shares with the other workers."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from certsvc.env import env_bool, env_int

__all__ = [
    "CELERY_TASK_ROUTES",
    "ISSUANCE_BATCH_SIZE",
    "ISSUANCE_TEST_BATCH_CRASH_AFTER",
    "PDF_YIELD_TO_SIGNING_SECONDS",
]

# Pending signing orders one task signs in one transaction (SELECT … FOR UPDATE SKIP LOCKED); 1 is
# one order per task (bench/README.md "Issuance").
ISSUANCE_BATCH_SIZE = env_int("ISSUANCE_BATCH_SIZE", 50)
if not 1 <= ISSUANCE_BATCH_SIZE <= 1000:
    raise ImproperlyConfigured("ISSUANCE_BATCH_SIZE must be between 1 and 1000")
# Test-only: a batch that has written this many certificates raises before it commits.
ISSUANCE_TEST_BATCH_CRASH_AFTER = env_int("ISSUANCE_TEST_BATCH_CRASH_AFTER", 0)
if ISSUANCE_TEST_BATCH_CRASH_AFTER and not env_bool("DEBUG", True):
    raise ImproperlyConfigured("ISSUANCE_TEST_BATCH_CRASH_AFTER is for development only")
# A PDF task waits, up to this many seconds, while signing orders are pending: the PDF worker
# shares the machine's cores with the signer, and a signature matters more than its paper. 0: no wait.
PDF_YIELD_TO_SIGNING_SECONDS = env_int("PDF_YIELD_TO_SIGNING_SECONDS", 30)
if not 0 <= PDF_YIELD_TO_SIGNING_SECONDS <= 3600:
    raise ImproperlyConfigured("PDF_YIELD_TO_SIGNING_SECONDS must be between 0 and 3600")

# Webhooks and e-mail have a queue of their own, consumed by their own workers (the notifier),
# so a slow or tarpitting receiver never delays a signature queued on the default `celery` queue;
# PDFs too (the `pdf` queue and its worker): a backlog of renderings never holds a signature up.
CELERY_TASK_ROUTES = {
    "notifications.deliver_webhook": {"queue": "notifications"},
    "notifications.send_email": {"queue": "notifications"},
    "certificates.render_certificate_pdf": {"queue": "pdf"},
}
