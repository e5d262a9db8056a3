"""Settings of the web portal (``/portal/``): its app, its middleware and where logins start."""

from __future__ import annotations

PORTAL_APPS = ["django_htmx", "certificates.portal"]
PORTAL_MIDDLEWARE = [
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: a signed-in user's saved language wins over the browser's.
    "certificates.portal.middleware.UserLanguageMiddleware",
]
LOGIN_URL = "portal:login"
