from django.urls import path

from certificates.public.app import FILES, VerifierFileView
from certificates.public.problem_pages import ProblemPageView
from certificates.public.views import PublicCertificateView, VerifierScanView, VerifierShellView

urlpatterns = [
    *(path(f"v/{name}", VerifierFileView.as_view(name=name), name=f"verifier-{name}") for name in FILES),
    path("v/app", VerifierShellView.as_view(), name="verifier-shell"),
    path("v/scan", VerifierScanView.as_view(), name="verifier-scan"),
    path("v/<str:number>", PublicCertificateView.as_view(), name="certificate-public"),
    path("problems/<str:code>", ProblemPageView.as_view(), name="problem-page"),
]
