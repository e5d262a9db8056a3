from django.urls import path

from certificates.api.verify import StatusBundleView, VerificationListView, VerifyView
from certificates.public import PublicCertificateView

urlpatterns = [
    path("api/v1/verify/", VerifyView.as_view(), name="verify"),
    path("api/v1/verifications/", VerificationListView.as_view(), name="verification-list"),
    path("api/v1/status/bundle", StatusBundleView.as_view(), name="status-bundle"),
    path("v/<str:number>", PublicCertificateView.as_view(), name="certificate-public"),
]
