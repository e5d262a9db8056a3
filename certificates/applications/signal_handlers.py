"""A supporting document's file leaves the storage once its row's deletion commits.

Rows go one at a time (``remove_document``) or with their application (a draft deleted by
``application_delete`` cascades to them); both pass here, so no stored file outlives its row.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete

from certificates.applications.models import SupportingDocument


def connect() -> None:
    post_delete.connect(
        document_file_delete, sender=SupportingDocument, dispatch_uid="supporting-document-file"
    )


def document_file_delete(sender: Any, instance: SupportingDocument, **kwargs: Any) -> None:
    name, storage = str(instance.file.name or ""), instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=kwargs.get("using"))
