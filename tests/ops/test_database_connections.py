"""PostgreSQL connections persist across requests by default and survive being killed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connection

from certificates.verification.fast_path import _row_read
from signing.services import signing_key_ensure_active
from tests.ops.web_process import post_json, web_process
from tests.services import subprocess_env

SHOW = "from django.conf import settings as s; d = s.DATABASES['default']; " \
       "print(json.dumps([d['CONN_MAX_AGE'], d.get('CONN_HEALTH_CHECKS', False), " \
       "d['OPTIONS'].get('prepare_threshold')]))"  # fmt: skip
OTHER_BACKENDS = """
    SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


def _connection_settings(database_url: str, **environment: str) -> list:
    code = f"import json, django; django.setup(); {SHOW}"
    env = subprocess_env(DATABASE_URL=database_url, **environment)
    env.pop("DB_CONN_MAX_AGE", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_connections_persist_with_health_checks_and_sqlite_keeps_one_per_request(tmp_path):
    assert _connection_settings("postgres://u@127.0.0.1:5432/x") == [600, True, 5]
    assert _connection_settings(f"sqlite:///{tmp_path / 'db.sqlite3'}") == [0, False, None]
    without = _connection_settings("postgres://u@127.0.0.1:5432/x", DB_PREPARED_STATEMENTS="false")
    assert without == [600, True, None]  # behind a pooler that cannot keep prepared statements


def _other_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(OTHER_BACKENDS)
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.postgres
def test_a_web_process_keeps_its_connection_and_replaces_it_after_a_database_restart(postgres):
    signing_key_ensure_active()  # verify answers carry a signed receipt
    with web_process(THROTTLE_VERIFY_ANON="1000/s") as base:
        verify = f"{base}/api/v1/verify/"
        assert post_json(verify, {"number": "UZBY-2026-EX-000001"}) == 200
        kept = _other_backends()
        assert post_json(verify, {"number": "UZBY-2026-EX-000002"}) == 200
        assert _other_backends() == kept != []  # the same backend served both requests
        with connection.cursor() as cursor:  # what a database restart does to it
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(%s)", [kept]
            )
        assert post_json(verify, {"number": "UZBY-2026-EX-000003"}) == 200
        assert set(_other_backends()).isdisjoint(kept)


@pytest.mark.postgres
def test_the_verify_read_is_prepared_once_per_connection_and_plain_when_prepared_statements_are_off(
    postgres, monkeypatch
):
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    signing_key_ensure_active()
    numbers = ["UZBY-2026-EX-000001", "UZBY-2026-EX-000002"]
    for number in numbers:
        _row_read(number)
    [statement] = prepared()
    assert "FROM certificates_certificate c" in statement
    connection.close()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    for number in numbers:
        _row_read(number)
    assert prepared() == []
    connection.close()  # the next test connects with the settings as they were
