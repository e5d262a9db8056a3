"""The one error type of the notifications room, reported by the API as problem+json."""

from __future__ import annotations

from certsvc.problems import ProblemError


class NotificationError(ProblemError):
    pass


class WebhookURLRefused(NotificationError):
    """The URL failed the SSRF check; the API reports it as an error of the ``url`` field."""

    field = "url"
