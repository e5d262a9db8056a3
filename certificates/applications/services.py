"""The application workflow: one guarded function per transition.

Every function locks the application row, checks the current status against
``APPLICATION_TRANSITIONS`` and the actor's role, changes it, and writes an
``ApplicationEvent`` in the same transaction. A disallowed move raises
``ApplicationError`` (HTTP 409 unless the code says otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.relations import SlugRelatedField

from certificates.accounts.models import User
from certificates.applications.guards import (
    ApplicationError,
    exporting_organization_id,
    reason_given,
    require_body_officer,
    require_editable,
    require_own_exporter,
)
from certificates.applications.models import (
    APPLICATION_TRANSITIONS,
    GOODS_ITEM_COLUMNS,
    Application,
    ApplicationEvent,
    GoodsItem,
)
from certificates.applications.signals import application_approved
from certificates.applications.versions import version_mark_returned, version_record
from certificates.audit import DELETED, Stream, audit_record
from certificates.notifications.services import event_emit

Status = Application.Status
APPLICATION_STREAM = Stream(ApplicationEvent, "application", owner_column="application_ref")

# Fields an exporter may set on an application; everything else is the workflow's.
APPLICATION_FIELDS = frozenset(
    {
        "type",
        "consignee_name",
        "consignee_country",
        "consignee_address",
        "consignee_tax_id",
        "country_of_export",
        "country_of_destination",
        "transport_mode",
        "transport_details",
        "invoice_number",
        "invoice_date",
        "print_language",
        "replaces",
    }
)
# The line number is the item's position, never the caller's to set.
ITEM_FIELDS = frozenset(GOODS_ITEM_COLUMNS) - {"line"}
MAX_ITEMS = 500


def application_create(
    *, actor: User, fields: Mapping[str, Any], items: Sequence[Mapping[str, Any]]
) -> Application:
    """Create a draft for the actor's organization with goods items numbered 1..n in the given order."""
    organization_id = exporting_organization_id(actor)
    with transaction.atomic():
        application = Application(exporter_id=organization_id, created_by=actor, **_only(fields, actor=actor))
        application.save()
        _replace_items(application, items)
        _record(application, actor=actor, action="created", from_status="", to_status=Status.DRAFT)
    return application


def application_update(
    *,
    application: Application,
    actor: User,
    fields: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]] | None = None,
) -> Application:
    """Change a draft or returned application; ``items``, when given, replace the whole list."""
    with transaction.atomic():
        locked = _lock(application)
        require_own_exporter(actor, locked)
        require_editable(locked)
        for name, value in _only(fields, actor=actor).items():
            setattr(locked, name, value)
        locked.save()
        if items is not None:
            _replace_items(locked, items)
        _record(locked, actor=actor, action="updated", from_status=locked.status, to_status=locked.status)
    return locked


def application_delete(*, application: Application, actor: User) -> None:
    """Delete a draft or returned application with its items; its history stays, ending in ``deleted``."""
    with transaction.atomic():
        locked = _lock(application)
        require_own_exporter(actor, locked)
        require_editable(locked)
        _record(locked, actor=actor, action=DELETED, from_status=locked.status, to_status="")
        locked.delete()


def application_submit(*, application: Application, actor: User) -> Application:
    """Send a draft (or a corrected returned application) to the officers' queue."""
    with transaction.atomic():
        locked = _lock(application)
        require_own_exporter(actor, locked)
        if not locked.items.exists():
            raise ApplicationError("no_items", str(_("An application needs at least one goods item.")))
        locked.submitted_at = timezone.now()
        _move(locked, to=Status.SUBMITTED, actor=actor, action="submitted")
        version_record(locked)  # what this submission said, for the diff after a return
        return locked


def application_resubmit(
    *,
    application: Application,
    actor: User,
    fields: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]] | None = None,
) -> Application:
    """Save the exporter's corrections and send the application to the queue again: both, or neither."""
    with transaction.atomic():
        updated = application_update(application=application, actor=actor, fields=fields, items=items)
        return application_submit(application=updated, actor=actor)


def application_withdraw(*, application: Application, actor: User) -> Application:
    """The exporter takes the application back before a decision."""
    with transaction.atomic():
        locked = _lock(application)
        require_own_exporter(actor, locked)
        return _move(locked, to=Status.WITHDRAWN, actor=actor, action="withdrawn")


def application_approve(*, application: Application, actor: User) -> Application:
    """Approve and announce it: issuance opens its order in this transaction, so both commit or neither."""
    with transaction.atomic():
        locked = _lock(application)
        require_body_officer(actor, locked)
        _move(locked, to=Status.APPROVED, actor=actor, action="approved")
        application_approved.send(sender=Application, application=locked)
    return locked


def application_reject(*, application: Application, actor: User, reason: str) -> Application:
    """Refuse the application for good; the reason is shown to the exporter."""
    with transaction.atomic():
        locked = _lock(application)
        require_body_officer(actor, locked)
        return _move(locked, to=Status.REJECTED, actor=actor, action="rejected", reason=reason_given(reason))


def application_return(*, application: Application, actor: User, reason: str) -> Application:
    """Send the application back to the exporter for corrections, saying what to correct."""
    with transaction.atomic():
        locked = _lock(application)
        require_body_officer(actor, locked)
        cleaned = reason_given(reason)
        _move(locked, to=Status.RETURNED, actor=actor, action="returned", reason=cleaned)
        version_mark_returned(locked, reason=cleaned)
        return locked


def application_mark_issued(*, application: Application, actor: User | None = None) -> Application:
    """Approved → issued, called by the signing pipeline inside its own transaction (nests as a savepoint)."""
    with transaction.atomic():
        locked = _lock(application)
        return _move(locked, to=Status.ISSUED, actor=actor, action="issued")


def application_replacement_create(
    *,
    replaces: Any,
    actor: User,
    fields: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]] | None,
) -> Application:
    """An officer's corrected copy of the application behind the certificate ``replaces``, approved at once.

    ``fields`` and ``items`` (when given) take the place of the copied ones; the caller holds the
    certificate's lock. The approval is announced like any other, so its issuance is queued with it.
    """
    original = replaces.application
    require_body_officer(actor, original)
    with transaction.atomic():
        replacement = Application.objects.create(
            exporter_id=original.exporter_id,
            created_by=actor,
            status=Status.APPROVED,
            replaces=replaces,
            **{**_copied_fields(original), **_known(fields)},
        )
        _replace_items(replacement, _copied_items(original) if items is None else items)
        _record_replacement(replacement, actor=actor, number=replaces.number)
        application_approved.send(sender=Application, application=replacement)
    return replacement


# --- helpers ---------------------------------------------------------------------


def _copied_fields(original: Application) -> dict[str, Any]:
    return {name: getattr(original, name) for name in APPLICATION_FIELDS - {"replaces"}}


def _copied_items(original: Application) -> list[dict[str, Any]]:
    return [{name: getattr(item, name) for name in ITEM_FIELDS} for item in original.items.order_by("line")]


def _record_replacement(replacement: Application, *, actor: User, number: str) -> None:
    """A replacement skips the queue: its history says it was created and approved by the officer."""
    reason = str(_("Replaces %(number)s") % {"number": number})
    _record(
        replacement, actor=actor, action="created", from_status="", to_status=Status.SUBMITTED, reason=reason
    )
    _record(
        replacement,
        actor=actor,
        action="approved",
        from_status=Status.SUBMITTED,
        to_status=Status.APPROVED,
        reason=reason,
    )


def _lock(application: Application) -> Application:
    """Re-read the row under ``SELECT … FOR UPDATE``: guards see the committed status, not a stale copy."""
    try:
        return Application.objects.select_for_update().get(pk=application.pk)
    except Application.DoesNotExist as exc:
        raise ApplicationError(
            "not_found", str(_("The application does not exist.")), status_code=status.HTTP_404_NOT_FOUND
        ) from exc


def _move(
    application: Application, *, to: str, actor: User | None, action: str, reason: str = ""
) -> Application:
    current = application.status
    if to not in APPLICATION_TRANSITIONS[current]:
        raise ApplicationError(
            "invalid_transition",
            str(
                _("The application is %(current)s; it cannot become %(target)s.")
                % {"current": Status(current).label, "target": Status(to).label}
            ),
        )
    application.status = to
    application.save()
    _record(application, actor=actor, action=action, from_status=current, to_status=to, reason=reason)
    _notify(application, to=to, reason=reason)
    return application


# Who hears of which decision: the issuer's officers of a submission, the exporter of the rest.
_EVENT_OF_STATUS: dict[str, str] = {
    Status.SUBMITTED: "application.submitted",
    Status.RETURNED: "application.returned",
    Status.REJECTED: "application.rejected",
    Status.APPROVED: "application.approved",
}


def _notify(application: Application, *, to: str, reason: str) -> None:
    event_type = _EVENT_OF_STATUS.get(to)
    if event_type is None:
        return
    data = {
        "application_id": application.pk,
        "reference": application.invoice_number,
        "exporter": application.exporter.name,
        **({"reason": reason} if reason else {}),
    }
    if to == Status.SUBMITTED:
        event_emit(type=event_type, data=data, roles=[User.Role.OFFICER], subscribers_of_kind="issuer")
    else:
        event_emit(
            type=event_type, data=data, organizations=[application.exporter], roles=[User.Role.EXPORTER]
        )


def _record(
    application: Application,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    reason: str = "",
) -> ApplicationEvent:
    return audit_record(
        stream=APPLICATION_STREAM,
        owner=application,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _replace_items(application: Application, items: Sequence[Mapping[str, Any]]) -> None:
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ApplicationError(
            "item_count",
            str(_("An application has between 1 and %(max)d goods items.") % {"max": MAX_ITEMS}),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    application.items.all().delete()
    GoodsItem.objects.bulk_create(
        GoodsItem(application=application, line=position, **{k: item[k] for k in ITEM_FIELDS if k in item})
        for position, item in enumerate(items, start=1)
    )


def _known(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - APPLICATION_FIELDS
    if unknown:
        raise ValueError(f"not application fields: {sorted(unknown)}")
    return dict(fields)


def _only(fields: Mapping[str, Any], *, actor: User) -> dict[str, Any]:
    """The exporter's fields, with ``replaces`` resolved to a certificate the exporter may replace."""
    cleaned = _known(fields)
    if cleaned.get("replaces") is not None:
        cleaned["replaces"] = _replaceable(cleaned["replaces"], actor=actor)
    return cleaned


def _replaceable(value: Any, *, actor: User) -> Any:
    """The certificate ``value`` names (a number or the certificate): the actor's organization's, issued."""
    number = getattr(value, "number", value)
    own = _issued_certificates().filter(application__exporter_id=actor.organization_id)
    certificate = own.filter(number=number).first()
    if certificate is None:
        message = SlugRelatedField.default_error_messages["does_not_exist"]
        raise ValidationError(
            {"replaces": [message.format(slug_name="number", value=number)]}, code="does_not_exist"
        )
    return certificate


def _issued_certificates() -> Any:
    # Issuance sits above this room: its model is reached through the relation, never imported.
    model: Any = Application._meta.get_field("replaces").related_model
    return model._default_manager.filter(status=model.Status.ISSUED)
