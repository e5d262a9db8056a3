"""Django's admin loads ``certificates.admin``: each room registers its own model admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certificates.accounts import admin as accounts_admin
from certificates.applications import admin as applications_admin
from certificates.customs import admin as customs_admin
from certificates.issuance import admin as issuance_admin
from certificates.verification import admin as verification_admin

__all__ = ["accounts_admin", "applications_admin", "customs_admin", "issuance_admin", "verification_admin"]

admin.site.site_header = _("certsvc — certification of goods UZ–BY")
admin.site.site_title = _("certsvc")
admin.site.index_title = _("Certification of goods between Uzbekistan and Belarus")
