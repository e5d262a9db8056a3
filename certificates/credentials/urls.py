from django.urls import path, re_path

from certificates.credentials.api import (
    BodyDIDView,
    CertificateCredentialView,
    RegistryDIDView,
    StatusListView,
)
from certificates.issuance.numbering import NUMBER_PATTERN

urlpatterns = [
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/credential$",
        CertificateCredentialView.as_view(),
        name="certificate-credential",
    ),
    path(".well-known/did.json", RegistryDIDView.as_view(), name="registry-did"),
    re_path(r"^issuers/(?P<country>[^/]+)/did\.json$", BodyDIDView.as_view(), name="issuer-did"),
    path("api/v1/status/revocation-list", StatusListView.as_view(), name="status-list"),
]
