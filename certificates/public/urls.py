from django.urls import path

from certificates.public.problem_pages import ProblemPageView
from certificates.public.views import PublicCertificateView

urlpatterns = [
    path("v/<str:number>", PublicCertificateView.as_view(), name="certificate-public"),
    path("problems/<str:code>", ProblemPageView.as_view(), name="problem-page"),
]
