from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

# The split view serves Swagger UI's start-up script as a file of its own (?script), so that the
# page runs under a Content-Security-Policy allowing scripts and styles from 'self' only.
docs = SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs/swagger_ui.html")
redoc = SpectacularRedocView.as_view(url_name="schema", template_name="api_docs/redoc.html")

# The certificates' routes come first, verify by number first among them (``certificates/urls.py``):
# it is the route border posts call most, and Django tries the patterns in order. No route of the
# others matches a path of theirs, so the order changes no answer.
urlpatterns = [
    path("", include("certificates.urls")),
    path("admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs, name="docs"),
    path("api/redoc/", redoc, name="redoc"),
    path("", include("signing.urls")),
    path("", include("signing.transparency.urls")),
]

if settings.BENCH_ROUTES:
    # The load benchmark's reference endpoints, in development only (settings refuse them otherwise).
    urlpatterns.append(path("bench/", include("bench.reference_urls")))

handler404 = "certsvc.problems.not_found_view"
