"""The service's routes and the benchmark's reference endpoints (``bench/reference_urls.py``)."""

from django.urls import include, path

from certsvc.urls import handler404
from certsvc.urls import urlpatterns as service_urlpatterns

urlpatterns = [path("bench/", include("bench.reference_urls")), *service_urlpatterns]

__all__ = ["handler404", "urlpatterns"]
