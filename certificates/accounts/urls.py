from django.urls import path

from certificates.accounts import api

urlpatterns = [
    path("api/v1/auth/token/", api.TokenObtainView.as_view(), name="auth-token"),
    path("api/v1/auth/logout/", api.LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/logoutall/", api.LogoutAllView.as_view(), name="auth-logoutall"),
]
