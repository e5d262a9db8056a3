"""Who may do what: the one set of role predicates that permissions, admin, selectors and services ask.

Each takes whatever ``request.user`` holds (a user, ``AnonymousUser`` or nothing) and answers
False for anonymous and inactive callers, so a door never needs its own ``is_authenticated`` check.
"""

from __future__ import annotations

from typing import TypeGuard

from certificates.accounts.models import Organization, User

Role = User.Role


def _signed_in(user: object) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def _has_role(user: object, role: str) -> TypeGuard[User]:
    return _signed_in(user) and user.role == role


def _in_organization(user: object) -> TypeGuard[User]:
    return _signed_in(user) and user.organization_id is not None


def is_exporter(user: object) -> bool:
    """An exporter's user: acts for its organization, which it must have."""
    return _in_organization(user) and user.role == Role.EXPORTER


def is_officer(user: object) -> bool:
    return _has_role(user, Role.OFFICER)


def is_customs(user: object) -> bool:
    return _has_role(user, Role.CUSTOMS)


def is_administrator(user: object) -> bool:
    """Staff run everything through the admin."""
    return _signed_in(user) and user.is_staff


def may_decide(user: object) -> bool:
    """Approve, reject, return, revoke, replace, retry: certification officers only.

    Administrators run the admin, but a decision is an officer's: a superuser without the officer
    role cannot make one (give the user the role instead).
    """
    return is_officer(user)


def may_read_applications(user: object) -> bool:
    """Exporters (their own) and officers (the review queue); not customs."""
    return is_exporter(user) or is_officer(user)


def may_read_certificates(user: object) -> bool:
    return is_exporter(user) or is_officer(user) or is_customs(user) or is_administrator(user)


def sees_full_document(user: object) -> bool:
    """Customs, officers and staff get the whole signed document; everyone else a summary."""
    return is_customs(user) or is_officer(user) or is_administrator(user)


def sees_access_code(user: object, *, exporter_id: int | None) -> bool:
    """A certificate's access code (CONTRACT §9): its exporter and officers, who hand out the paper.

    Never customs (they see the whole document anyway), other exporters or anonymous callers.
    """
    if is_officer(user):
        return True
    return _in_organization(user) and user.role == Role.EXPORTER and user.organization_id == exporter_id


def sees_access_codes_in_admin(user: object) -> bool:
    """Officers and administrators who are neither customs nor exporters."""
    if is_officer(user):
        return True
    return is_administrator(user) and not is_customs(user) and not is_exporter(user)


def may_list_verifications(user: object) -> bool:
    return is_customs(user) or is_administrator(user)


def manages_webhooks(user: object) -> bool:
    """Exporter and customs users manage their own organization's webhook endpoints."""
    return _in_organization(user) and user.role in (Role.EXPORTER, Role.CUSTOMS)


def issuing_body_country(user: object) -> str | None:
    """The country of the issuing body an officer belongs to; ``None`` for everyone else.

    An officer's organization must be an issuer: an officer of no body decides nothing.
    """
    if not _has_role(user, Role.OFFICER) or user.organization is None:
        return None
    if user.organization.kind != Organization.Kind.ISSUER:
        return None
    return str(user.organization.country)


def is_officer_of_issuing_body(user: object, country: str) -> bool:
    """An officer of the issuing body of ``country`` (CONTRACT §6 v1.1).

    Each country's exporters apply to that country's body: only its officers see their applications
    in the queue, decide them, revoke or replace their certificates and answer inquiries about them.
    """
    body = issuing_body_country(user)
    return body is not None and body == str(country).upper()


def may_decide_for(user: object, country: str) -> bool:
    """A decision on an application or certificate of ``country``'s body: only that body's officers."""
    return may_decide(user) and is_officer_of_issuing_body(user, country)
