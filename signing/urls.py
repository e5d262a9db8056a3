from django.urls import path

from signing.views import JWKSView, SigningKeyListView

urlpatterns = [
    path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"),
    path("api/v1/keys/", SigningKeyListView.as_view(), name="signing-keys"),
]
