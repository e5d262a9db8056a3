"""Django's admin loads ``certificates.admin``: each room registers its own model admins."""

from certificates.accounts import admin as accounts_admin
from certificates.applications import admin as applications_admin
from certificates.issuance import admin as issuance_admin
from certificates.verification import admin as verification_admin

__all__ = ["accounts_admin", "applications_admin", "issuance_admin", "verification_admin"]
