from django.urls import re_path

from certificates.customs.api.views import CertificateDeclarationsView
from certificates.issuance.numbering import NUMBER_PATTERN

urlpatterns = [
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/declarations/$",
        CertificateDeclarationsView.as_view(),
        name="certificate-declarations",
    ),
]
