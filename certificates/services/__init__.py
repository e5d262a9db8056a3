"""Write-side domain functions of the certificates app (``<entity>_<verb>``)."""

from certificates.services.applications import (
    ApplicationError,
    application_approve,
    application_create,
    application_delete,
    application_items_replace,
    application_mark_issued,
    application_reject,
    application_return,
    application_submit,
    application_update,
    application_withdraw,
)

__all__ = [
    "ApplicationError",
    "application_approve",
    "application_create",
    "application_delete",
    "application_items_replace",
    "application_mark_issued",
    "application_reject",
    "application_return",
    "application_submit",
    "application_update",
    "application_withdraw",
]
