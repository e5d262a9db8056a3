from django.urls import path, re_path

from certificates.customs.api.views import (
    CertificateDeclarationsView,
    DeclarationAnnulView,
    DeclarationListView,
)
from certificates.customs.inquiries.api.views import (
    CertificateInquiriesView,
    InquiryAnswerView,
    InquiryListView,
)
from certificates.issuance.numbering import NUMBER_PATTERN

urlpatterns = [
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/declarations/$",
        CertificateDeclarationsView.as_view(),
        name="certificate-declarations",
    ),
    path("api/v1/declarations/", DeclarationListView.as_view(), name="declaration-list"),
    path(
        "api/v1/declarations/<int:declaration_id>/annul/",
        DeclarationAnnulView.as_view(),
        name="declaration-annul",
    ),
    re_path(
        rf"^api/v1/certificates/(?P<number>{NUMBER_PATTERN})/inquiries/$",
        CertificateInquiriesView.as_view(),
        name="certificate-inquiries",
    ),
    path("api/v1/inquiries/", InquiryListView.as_view(), name="inquiry-list"),
    path("api/v1/inquiries/<int:inquiry_id>/answer/", InquiryAnswerView.as_view(), name="inquiry-answer"),
]
