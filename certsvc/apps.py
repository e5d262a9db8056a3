"""Third-party apps under translated names: the admin index lists apps by ``verbose_name``."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # axes ships no type hints
    verbose_name = _("Sign-in attempts")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        # Knox's model declares no verbose names. Set on ``_meta`` rather than its ``Meta`` (which
        # migrations read from ``original_attrs``), so knox's migrations see no change.
        from knox.models import AuthToken

        AuthToken._meta.verbose_name = _("API token")
        AuthToken._meta.verbose_name_plural = _("API tokens")
