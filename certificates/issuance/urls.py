from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from certificates.issuance.api import CertificateViewSet
from certificates.issuance.numbering import NUMBER_PATTERN

router = SimpleRouter()
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/document$",
        CertificateViewSet.as_view({"get": "document"}),
        name="certificate-document",
    ),
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/pdf$",
        CertificateViewSet.as_view({"get": "pdf"}),
        name="certificate-pdf",
    ),
    path("api/v1/", include(router.urls)),
]
