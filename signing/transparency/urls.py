from django.urls import path

from signing.transparency import views, witness_views

app_name = "transparency"

urlpatterns = [
    path("api/v1/log/checkpoint", views.CheckpointView.as_view(), name="checkpoint"),
    path("api/v1/log/inclusion", views.InclusionView.as_view(), name="inclusion"),
    path("api/v1/log/consistency", views.ConsistencyView.as_view(), name="consistency"),
    path("api/v1/log/witnesses", witness_views.WitnessesView.as_view(), name="witnesses"),
    path("api/v1/log/cosignatures/", witness_views.CosignatureView.as_view(), name="cosignatures"),
    path("api/v1/log/entries", witness_views.EntriesView.as_view(), name="entries"),
]
