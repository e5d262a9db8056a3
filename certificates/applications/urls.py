from django.urls import include, path
from rest_framework.routers import SimpleRouter

from certificates.applications.api.views import ApplicationViewSet
from certificates.applications.upload_views import (
    DocumentContentView,
    DocumentDetailView,
    DocumentListView,
    GoodsImportView,
    GoodsTemplateView,
)

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")

documents = [
    path("applications/items-template", GoodsTemplateView.as_view(), name="application-items-template"),
    path("applications/<int:id>/documents/", DocumentListView.as_view(), name="application-documents"),
    path(
        "applications/<int:id>/documents/<int:doc_id>",
        DocumentDetailView.as_view(),
        name="application-document",
    ),
    path(
        "applications/<int:id>/documents/<int:doc_id>/content",
        DocumentContentView.as_view(),
        name="application-document-content",
    ),
    path("applications/<int:id>/items/import", GoodsImportView.as_view(), name="application-items-import"),
]

urlpatterns = [path("api/v1/", include(documents)), path("api/v1/", include(router.urls))]
