from django.urls import path

from certificates.notifications import views

urlpatterns = [
    path("api/v1/webhooks/", views.WebhookEndpointListView.as_view(), name="webhook-list"),
    path(
        "api/v1/webhooks/<int:endpoint_id>/", views.WebhookEndpointDetailView.as_view(), name="webhook-detail"
    ),
    path(
        "api/v1/webhooks/<int:endpoint_id>/rotate-secret/",
        views.WebhookSecretRotateView.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "api/v1/webhooks/<int:endpoint_id>/deliveries/",
        views.WebhookDeliveryListView.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "api/v1/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/",
        views.WebhookDeliveryRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
    path(
        "api/v1/me/notification-preferences/",
        views.NotificationPreferenceView.as_view(),
        name="notification-preferences",
    ),
]
