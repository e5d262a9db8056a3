"""The workflow's guards: who may act on an application, in which state, with what reason.

Each raises an ``ApplicationError`` (problem+json with a ``code``); another organization's
application, or one of another issuing body, does not exist for the caller (404).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from certificates import roles
from certificates.accounts.models import User
from certificates.applications.models import Application
from certsvc.problems import ProblemError


class ApplicationError(ProblemError):
    """A workflow rule was broken; ``code`` names which one."""

    default_title = _("The application cannot be changed this way")


def reason_given(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ApplicationError(
            "reason_required",
            str(_("A reason is required.")),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    return cleaned


def require_exporter(actor: User) -> None:
    exporting_organization_id(actor)


def exporting_organization_id(actor: User) -> int:
    """The organization an exporter acts for (``roles.is_exporter`` promises it has one)."""
    if not roles.is_exporter(actor) or actor.organization_id is None:
        raise ApplicationError(
            "not_exporter",
            str(_("Only exporters can do this.")),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return actor.organization_id


def require_own_exporter(actor: User, application: Application) -> None:
    require_exporter(actor)
    if actor.organization_id != application.exporter_id:
        # Another organization's application does not exist as far as this caller knows.
        raise ApplicationError(
            "not_found", str(_("The application does not exist.")), status_code=status.HTTP_404_NOT_FOUND
        )


def require_officer(actor: User) -> None:
    if not roles.may_decide(actor):
        raise ApplicationError(
            "not_officer",
            str(_("Only certification officers can do this.")),
            status_code=status.HTTP_403_FORBIDDEN,
        )


def require_body_officer(actor: User, application: Application) -> None:
    """Only officers of the body of the exporter's country decide; for others it does not exist."""
    require_officer(actor)
    if not roles.is_officer_of_issuing_body(actor, str(application.exporter.country)):
        raise ApplicationError(
            "not_found", str(_("The application does not exist.")), status_code=status.HTTP_404_NOT_FOUND
        )


def require_editable(application: Application) -> None:
    if not application.is_editable:
        raise ApplicationError(
            "not_editable",
            str(_("Only draft or returned applications can be changed or deleted.")),
        )
