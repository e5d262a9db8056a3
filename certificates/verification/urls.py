from django.urls import path

from certificates.verification.api import StatusBundleView, VerificationListView, VerifyView
from certificates.verification.number_view import number_answered_first

urlpatterns = [
    path("api/v1/verify/", number_answered_first(VerifyView.as_view()), name="verify"),
    path("api/v1/verifications/", VerificationListView.as_view(), name="verification-list"),
    path("api/v1/status/bundle", StatusBundleView.as_view(), name="status-bundle"),
]
