"""Demo data for a local run (CONTRACT §6 v1.1): the Uzbek and the Belarusian issuing bodies, an
exporter of each country, a Belarusian consignee, customs of both countries, users ``officer``
(Uzbek body), ``officer_by`` (Belarusian body), ``exporter``, ``exporter_by``, ``customs``
(Uzbekistan), ``customs_by`` (Belarus) and ``admin``, and an active key for each body and the registry.

Safe to run again: everything is looked up before it is created. The password comes from
``DEMO_PASSWORD``; without it one is generated once, kept in ``VAR_DIR/demo_password`` and printed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from certificates.accounts.bodies import issuing_body_key_ensure
from certificates.accounts.models import Organization, User
from signing.services import signing_key_ensure_active

Kind = Organization.Kind
Role = User.Role

ORGANIZATIONS = {
    "issuer": dict(kind=Kind.ISSUER, name="UzBel Certification Centre", country="UZ", tax_id="302456781",
                   address="12 Navoi Street, Tashkent 100011, Uzbekistan", number_prefix="UZ"),
    "issuer_by": dict(kind=Kind.ISSUER, name="Belarusian Chamber of Commerce and Industry", country="BY",
                      tax_id="100582305", address="14 Starovilensky Trakt, Minsk 220029, Belarus",
                      number_prefix="BY"),
    "exporter": dict(kind=Kind.EXPORTER, name="Tashkent Textile Export LLC", country="UZ", tax_id="305123456",
                     address="45 Amir Temur Avenue, Tashkent 100084, Uzbekistan"),
    "consignee": dict(kind=Kind.CONSIGNEE, name="Minsk Trading JSC", country="BY", tax_id="100582333",
                      address="10 Nezavisimosti Avenue, Minsk 220030, Belarus"),
    "exporter_by": dict(kind=Kind.EXPORTER, name="Minsk Tractor Works OJSC", country="BY", tax_id="100582318",
                        address="29 Dolgobrodskaya Street, Minsk 220070, Belarus"),
    "customs_uz": dict(kind=Kind.CUSTOMS, name="State Customs Committee of Uzbekistan", country="UZ",
                       tax_id="", address="7 Abdulla Kodiriy Street, Tashkent, Uzbekistan"),
    "customs_by": dict(kind=Kind.CUSTOMS, name="State Customs Committee of the Republic of Belarus",
                       country="BY", tax_id="", address="45/1 Mogilevskaya Street, Minsk, Belarus"),
}  # fmt: skip
USERS = {
    "exporter": ("exporter", Role.EXPORTER),
    "officer": ("issuer", Role.OFFICER),
    "officer_by": ("issuer_by", Role.OFFICER),
    "exporter_by": ("exporter_by", Role.EXPORTER),
    "customs": ("customs_uz", Role.CUSTOMS),
    "customs_by": ("customs_by", Role.CUSTOMS),  # CONTRACT §6 (v1.1): the demo certificate's destination
}
PASSWORD_FILE = "demo_password"  # noqa: S105 - a file name, not a password


class Command(BaseCommand):
    help = "Create demo bodies, organizations, users and an active key for each body and the registry."

    def handle(self, *args: Any, **options: Any) -> None:
        password, generated = self._password()
        bodies = self._people(password)
        keys = [signing_key_ensure_active(), *map(issuing_body_key_ensure, bodies)]  # signing owns keys
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: users {', '.join(USERS)}, admin."))
        for key in keys:
            self.stdout.write(f"Active signing key of {key.scope_label}: {key.kid}")
        if generated:
            self.stdout.write(f"Demo password (generated, kept in {self._password_path()}): {password}")

    @transaction.atomic
    def _people(self, password: str) -> list[Organization]:
        """The organizations and users; the issuing bodies."""
        organizations = {label: self._organization(**fields) for label, fields in ORGANIZATIONS.items()}
        for username, (organization, role) in USERS.items():
            self._user(username, password, organization=organizations[organization], role=role)
        self._user("admin", password, organization=None, role="", is_staff=True, is_superuser=True)
        return [organizations["issuer"], organizations["issuer_by"]]

    def _password(self) -> tuple[str, bool]:
        """``(password, newly generated)``: from ``DEMO_PASSWORD``, else the kept file, else a new one."""
        from_env = os.environ.get("DEMO_PASSWORD", "")
        if from_env:
            return from_env, False
        path = self._password_path()
        if path.exists():
            return path.read_text(encoding="utf-8").strip(), False
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n", encoding="utf-8")
        path.chmod(0o600)
        return password, True

    def _password_path(self) -> Path:
        return Path(settings.VAR_DIR) / PASSWORD_FILE

    def _organization(self, *, kind: str, name: str, country: str, **fields: str) -> Organization:
        organization, _ = Organization.objects.update_or_create(
            kind=kind, name=name, country=country, defaults=fields
        )
        return organization

    def _user(self, username: str, password: str, **fields: Any) -> User:
        defaults = {**fields, "email": f"{username}@demo.certsvc.local", "is_active": True}
        user, _ = User.objects.update_or_create(username=username, defaults=defaults)
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
