"""Static files (the admin's, Swagger UI's and ReDoc's) come from the service itself, as in the image."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

DOCS_ASSETS = (
    "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    "/static/api_docs/docs.css",
    "/static/admin/css/base.css",
)


@pytest.mark.parametrize("path", DOCS_ASSETS)
def test_collected_static_files_are_served_with_debug_off(path, tmp_path, settings):
    """As the image runs them: collectstatic at build time, DEBUG=false, no other web server."""
    assert settings.DEBUG is False
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = Client().get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert "max-age" in response["Cache-Control"]
