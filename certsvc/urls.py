from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("signing.urls")),
    path("", include("signing.transparency.urls")),
    path("", include("certificates.urls")),
]

if settings.BENCH_ROUTES:
    # The load benchmark's reference endpoints, in development only (settings refuse them otherwise).
    urlpatterns.append(path("bench/", include("bench.reference_urls")))

handler404 = "certsvc.problems.not_found_view"
