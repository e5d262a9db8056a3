from django.urls import path

from signing.transparency import views

app_name = "transparency"

urlpatterns = [
    path("api/v1/log/checkpoint", views.CheckpointView.as_view(), name="checkpoint"),
    path("api/v1/log/inclusion", views.InclusionView.as_view(), name="inclusion"),
    path("api/v1/log/consistency", views.ConsistencyView.as_view(), name="consistency"),
]
