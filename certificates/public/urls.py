from django.urls import path

from certificates.public.views import PublicCertificateView

urlpatterns = [path("v/<str:number>", PublicCertificateView.as_view(), name="certificate-public")]
