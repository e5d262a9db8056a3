from django.urls import include, path
from rest_framework.routers import SimpleRouter

from certificates.api import auth
from certificates.api.views import ApplicationViewSet

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("api/v1/auth/token/", auth.TokenObtainView.as_view(), name="auth-token"),
    path("api/v1/auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/logoutall/", auth.LogoutAllView.as_view(), name="auth-logoutall"),
    path("api/v1/", include(router.urls)),
]
