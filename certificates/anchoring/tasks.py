"""Celery door of the anchoring: the beat schedule runs it; it calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from certificates.anchoring.services import audit_anchor

AUDIT_ANCHOR = "certificates.audit_anchor"


@shared_task(name=AUDIT_ANCHOR, acks_late=True)
def audit_anchor_task() -> int | None:
    """Anchor the audit chain heads that moved; the log leaf index, or ``None`` when nothing moved."""
    anchor = audit_anchor()
    return anchor.leaf_index if anchor else None
