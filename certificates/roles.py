"""Who may do what: the one set of role predicates that permissions, admin, selectors and services ask.

Each takes whatever ``request.user`` holds (a user or ``AnonymousUser``) and answers False for
anonymous and inactive callers, so a door never needs its own ``is_authenticated`` check.
"""

from __future__ import annotations

from typing import Any

from certificates.accounts.models import User

Role = User.Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _has_role(user: Any, role: str) -> bool:
    return _signed_in(user) and getattr(user, "role", "") == role


def is_exporter(user: Any) -> bool:
    """An exporter's user: acts for its organization, which it must have."""
    return _has_role(user, Role.EXPORTER) and user.organization_id is not None


def is_officer(user: Any) -> bool:
    return _has_role(user, Role.OFFICER)


def is_customs(user: Any) -> bool:
    return _has_role(user, Role.CUSTOMS)


def is_administrator(user: Any) -> bool:
    """Staff run everything through the admin."""
    return _signed_in(user) and bool(user.is_staff)


def may_decide(user: Any) -> bool:
    """Approve, reject, return, revoke, replace, retry: certification officers only.

    Administrators run the admin, but a decision is an officer's: a superuser without the officer
    role cannot make one (give the user the role instead).
    """
    return is_officer(user)


def may_read_applications(user: Any) -> bool:
    """Exporters (their own) and officers (the review queue); not customs."""
    return is_exporter(user) or is_officer(user)


def may_read_certificates(user: Any) -> bool:
    return is_exporter(user) or is_officer(user) or is_customs(user) or is_administrator(user)


def sees_full_document(user: Any) -> bool:
    """Customs, officers and staff get the whole signed document; everyone else a summary."""
    return is_customs(user) or is_officer(user) or is_administrator(user)


def may_list_verifications(user: Any) -> bool:
    return is_customs(user) or is_administrator(user)


def manages_webhooks(user: Any) -> bool:
    """Exporter and customs users manage their own organization's webhook endpoints."""
    return (
        _has_role(user, Role.EXPORTER) or _has_role(user, Role.CUSTOMS)
    ) and user.organization_id is not None
