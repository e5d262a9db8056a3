"""Celery door of inquiries: beat runs it; it calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from certificates.customs.inquiries.services import inquiries_overdue_mark

INQUIRIES_OVERDUE = "customs.inquiries_overdue"


@shared_task(name=INQUIRIES_OVERDUE, acks_late=True, ignore_result=True)
def inquiries_overdue_task() -> int:
    """Turn the open inquiries past their ``due_at`` overdue; how many turned."""
    return inquiries_overdue_mark()
