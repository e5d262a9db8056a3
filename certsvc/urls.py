import os

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("signing.urls")),
    path("", include("signing.transparency.urls")),
    path("", include("certificates.urls")),
]

if os.environ.get("CERTSVC_BENCH_ROUTES", "").lower() == "true":
    # Reference endpoints of the load benchmark (bench/verify_load.py); never routed otherwise.
    urlpatterns.append(path("bench/", include("bench.reference_urls")))

handler404 = "certsvc.problems.not_found_view"
