"""Deployment: production settings pass ``check --deploy``, security headers, login lockout."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.applications.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
HOST = "certsvc.example.org"


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        host, port = params["HOST"] or "127.0.0.1", params["PORT"] or 5432
        return f"postgres://{params['USER']}@{host}:{port}/{params['NAME']}"
    return f"sqlite:///{tmp_path / 'deploy.sqlite3'}"


def _production_env(tmp_path: Path) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests' process (tests/browser/conftest.py).
    test_only = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if not key.startswith(test_only)}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        SIGNING_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        DATABASE_URL=_database_url(tmp_path),
        CACHE_URL=os.environ.get("CACHE_URL", "locmemcache://deploy"),
        VAR_DIR=str(tmp_path / "var"),
        PUBLIC_BASE_URL=f"https://{HOST}",
        CERTSVC_TESTING="false",
    )
    return env


def _manage(tmp_path: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_production_env(tmp_path), **extra_env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_passes_with_production_settings(db, tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="{host}")
secure = client.get("/api/schema/", secure=True)
plain = client.get("/api/schema/")
print(json.dumps({"secure": dict(secure.headers), "secure_status": secure.status_code,
                  "plain_status": plain.status_code, "plain_location": plain.headers.get("Location")}))
""".replace("{host}", HOST)


def test_production_responses_carry_hsts_on_secure_requests_and_redirect_plain_http(db, tmp_path):
    result = _manage(tmp_path, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["secure_status"] == 200
    hsts = answer["secure"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert answer["secure"]["X-Content-Type-Options"] == "nosniff"
    assert answer["plain_status"] == 301
    assert answer["plain_location"].startswith("https://")


def test_api_responses_carry_nosniff_and_referrer_policy(world, client):
    response = client.get("/api/v1/keys/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY


def test_the_public_page_carries_csp_nosniff_and_referrer_policy(world, client):
    response = client.get(f"/v/{world.certificate.number}")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[-1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def admin_user(db):
    return UserFactory(role="", is_staff=True, is_superuser=True, username="ops-admin")


def _admin_login(client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": "ops-admin", "password": password})


def test_admin_login_is_locked_after_five_failures_even_for_the_right_password(admin_user, client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = _admin_login(client, f"wrong-{attempt}")
        assert response.status_code == 200, f"failure {attempt} shows the form again"
    fifth = _admin_login(client, "wrong-5")
    assert fifth.status_code == 429, "the fifth failure reaches the limit"
    sixth = _admin_login(client, "wrong-6")
    assert sixth.status_code == 429
    right = _admin_login(client, DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_works_below_the_limit(admin_user, client):
    for attempt in range(4):
        _admin_login(client, f"wrong-{attempt}")
    response = _admin_login(client, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_api_token_login_still_works(world, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": world.exporter_a.username, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["token"]


def test_api_token_failures_count_towards_the_same_lockout(world, client):
    body = {"username": world.exporter_a.username}
    for attempt in range(5):
        response = client.post(
            "/api/v1/auth/token/", {**body, "password": f"wrong-{attempt}"}, content_type="application/json"
        )
        assert response.status_code == 400
    response = client.post(
        "/api/v1/auth/token/", {**body, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert response.status_code in (400, 429)
    assert "token" not in response.json()


def test_bench_routes_make_check_deploy_and_the_server_refuse_to_start_in_production(db, tmp_path):
    refused = _manage(tmp_path, "check", "--deploy", CERTSVC_BENCH_ROUTES="true")
    assert refused.returncode != 0
    assert "CERTSVC_BENCH_ROUTES is for development only" in refused.stderr
    server = subprocess.run(
        [sys.executable, "-c", "import certsvc.wsgi"],
        cwd=ROOT,
        env={**_production_env(tmp_path), "CERTSVC_BENCH_ROUTES": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "CERTSVC_BENCH_ROUTES is for development only" in server.stderr


def test_the_benchmark_settings_route_the_reference_endpoints_without_the_flag(db, tmp_path):
    probe = "from django.urls import resolve; print(resolve('/bench/static').url_name)"
    result = _manage(tmp_path, "shell", "-c", probe, DJANGO_SETTINGS_MODULE="bench.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "bench-static"


def _self_only(csp: str) -> dict[str, str]:
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    for directive in ("script-src", "style-src"):
        assert directives[directive] == "'self'", csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    return directives


def test_the_admin_login_page_carries_a_self_only_csp(db, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    _self_only(response["Content-Security-Policy"])


def test_the_api_docs_carry_a_self_only_csp_and_load_their_init_script_from_the_service(db, client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    _self_only(page["Content-Security-Policy"])
    assert b"<script>" not in page.content  # the init script is a separate same-origin request
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_the_public_page_keeps_its_own_stricter_policy(world, client):
    response = client.get(f"/v/{world.certificate.number}")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
