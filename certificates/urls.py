"""The app's routes: each room's, in one place."""

from django.urls import include, path

# Verify by number first: the route border posts call most (``certsvc/urls.py``).
urlpatterns = [
    path("", include("certificates.verification.urls")),
    path("", include("certificates.accounts.urls")),
    path("", include("certificates.applications.urls")),
    path("", include("certificates.issuance.urls")),
    path("", include("certificates.credentials.urls")),
    path("", include("certificates.notifications.urls")),
    path("", include("certificates.customs.urls")),
    path("", include("certificates.public.urls")),
    path("", include("certificates.portal.urls")),
]
