from django.urls import path

from certificates.verification.api import StatusBundleView, VerificationListView, VerifyView

urlpatterns = [
    path("api/v1/verify/", VerifyView.as_view(), name="verify"),
    path("api/v1/verifications/", VerificationListView.as_view(), name="verification-list"),
    path("api/v1/status/bundle", StatusBundleView.as_view(), name="status-bundle"),
]
