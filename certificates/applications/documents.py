"""Supporting documents of an application: attach and remove (the exporter's), and who may read them.

A document is attached or removed only while the application is a draft or returned, by a user
of the exporting organization, under the application's row lock, with an audit row in the same
transaction. The stored name is generated; the client's file name survives only as a sanitized
``display_name``. Readers are the exporter's organization and the officers who see the application
(``selectors.application_list_for``) of its issuing body (``roles.is_officer_of_issuing_body``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from certificates import roles
from certificates.accounts.models import User
from certificates.applications import selectors
from certificates.applications.guards import ApplicationError, require_editable, require_own_exporter
from certificates.applications.models import Application, SupportingDocument
from certificates.applications.services import _lock, _record
from certificates.applications.uploads import CheckedFile, document_check, upload_refused

Kind = SupportingDocument.Kind


def attach_document(
    user: User, application: Application, kind: str, uploaded_file: Any
) -> SupportingDocument:
    """Store ``uploaded_file`` as a document of ``kind`` on a draft or returned application.

    The file is checked by content first (PDF, JPEG or PNG, size and pixel caps); a refusal is a
    DRF ``ValidationError`` naming ``kind`` or ``file``. Wrong organization: 404; not editable: 409.
    """
    kind = _kind(kind)
    checked = document_check(uploaded_file)
    stored = SupportingDocument(kind=kind, uploaded_by=user)
    try:
        with transaction.atomic():
            locked = _editable_for(user, application)
            _count_check(locked)
            _store(stored, application=locked, checked=checked)
            _record(
                locked,
                actor=user,
                action="document_attached",
                from_status=locked.status,
                to_status=locked.status,
                reason=f"{kind}: {stored.display_name} ({checked.sha256})",
            )
    except BaseException:
        if stored.file.name:  # no file without its row
            stored.file.storage.delete(stored.file.name)
        raise
    return stored


def remove_document(user: User, document: SupportingDocument) -> None:
    """Delete a document of a draft or returned application; its file goes once the deletion commits."""
    with transaction.atomic():
        locked = _editable_for(user, document.application)
        found = (
            SupportingDocument.objects.select_for_update().filter(pk=document.pk, application=locked).first()
        )
        if found is None:
            raise _document_not_found()
        _record(
            locked,
            actor=user,
            action="document_removed",
            from_status=locked.status,
            to_status=locked.status,
            reason=f"{found.kind}: {found.display_name} ({found.sha256})",
        )
        found.delete()  # its file goes on commit (signal_handlers)


def document_list_for(*, user: User, application_id: int) -> QuerySet[SupportingDocument]:
    """The documents of one application the user may read; 404 when the application is not theirs."""
    application = readable_application(user=user, application_id=application_id)
    return SupportingDocument.objects.filter(application=application).select_related("uploaded_by")


def document_get_for(*, user: User, application_id: int, document_id: int) -> SupportingDocument:
    """One readable document of one readable application, or a 404 ``ApplicationError``."""
    document = document_list_for(user=user, application_id=application_id).filter(pk=document_id).first()
    if document is None:
        raise _document_not_found()
    return document


def readable_application(*, user: User, application_id: int) -> Application:
    """The application, when the user may read it and its documents; else the 404 of a stranger."""
    visible = selectors.application_list_for(user=user).prefetch_related(None)  # no goods lines needed
    application = visible.filter(pk=application_id).first()
    if application is None or not may_read_documents(user, application):
        raise _application_not_found()
    return application


def may_read_documents(user: object, application: Application) -> bool:
    """Its exporter's users, and officers of its issuing body (the exporter's country, issue 17)."""
    if roles.is_exporter(user):
        return getattr(user, "organization_id", None) == application.exporter_id
    return roles.is_officer_of_issuing_body(user, str(application.exporter.country))


def document_open(document: SupportingDocument) -> Any:
    """The stored file, opened for reading (file system or S3)."""
    return document.file.storage.open(str(document.file.name), "rb")


def document_download(document: SupportingDocument, *, inline: bool = False) -> FileResponse:
    """The stored file streamed under its checked type and safe name, kept by no cache, never sniffed.

    Every door serves documents through this (API, portal, admin): a download by default, ``inline``
    for the portal's frame.
    """
    response = FileResponse(
        document_open(document),
        content_type=document.content_type,
        as_attachment=not inline,
        filename=document.display_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- helpers ---------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise upload_refused(
            _("Choose the kind of document: %(kinds)s.") % {"kinds": ", ".join(Kind.values)},
            "invalid_choice",
            field="kind",
        )
    return kind


def _editable_for(user: User, application: Application) -> Application:
    locked = _lock(application)
    require_own_exporter(user, locked)
    require_editable(locked)
    return locked


def _count_check(application: Application) -> None:
    limit = settings.ATTACHMENT_MAX_PER_APPLICATION
    if application.documents.count() >= limit:
        raise upload_refused(
            _("An application holds at most %(max)d documents.") % {"max": limit}, "too_many_documents"
        )


def _store(document: SupportingDocument, *, application: Application, checked: CheckedFile) -> None:
    document.application = application
    document.display_name = checked.display_name
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    document.file.save(checked.display_name, ContentFile(checked.data), save=True)


def _application_not_found() -> ApplicationError:
    return ApplicationError(
        "not_found", str(_("The application does not exist.")), status_code=status.HTTP_404_NOT_FOUND
    )


def _document_not_found() -> ApplicationError:
    return ApplicationError(
        "not_found", str(_("The document does not exist.")), status_code=status.HTTP_404_NOT_FOUND
    )
