from django.urls import include, path
from rest_framework.routers import SimpleRouter

from certificates.applications.api.views import ApplicationViewSet

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = [path("api/v1/", include(router.urls))]
