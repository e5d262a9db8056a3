"""The documented backup procedure works: pg_dump -Fc, pg_restore into a fresh database, verify it.

Runs the real PostgreSQL client tools against the machine's server, and the verification
commands as separate processes on the restored database, as an operator would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.db import connection

from signing.transparency.services import checkpoint_latest
from tests.issuance.helpers import issue
from tests.services import BASE_DIR, subprocess_env

pytestmark = pytest.mark.postgres


def pg_arguments() -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def pg_env() -> dict[str, str]:
    password = connection.settings_dict["PASSWORD"]
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}


def pg(*command: str) -> subprocess.CompletedProcess:
    tool, *rest = command
    result = subprocess.run([tool, *pg_arguments(), *rest], env=pg_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def manage(command: str, database: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"
    return subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=BASE_DIR,
        env=subprocess_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def scratch_database():
    name = f"certsvc_restore_{uuid.uuid4().hex[:12]}"
    pg("createdb", name)
    yield name
    pg("dropdb", "--if-exists", name)


@pytest.fixture
def backup(postgres, signing_key, officer, make_submitted, tmp_path) -> Path:
    for _ in range(3):
        issue(make_submitted(), officer)
    checkpoint_latest()
    dump = tmp_path / "certsvc.dump"
    pg("pg_dump", "--format=custom", f"--file={dump}", connection.settings_dict["NAME"])
    return dump


def test_a_restored_backup_passes_verification(backup, scratch_database):
    pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={scratch_database}", str(backup))

    verified = manage("verify_log", scratch_database)
    assert verified.returncode == 0, verified.stderr
    assert "3 leaves" in verified.stdout
    assert "1 checkpoints" in verified.stdout
    if "verify_audit" in get_commands():
        audited = manage("verify_audit", scratch_database)
        assert audited.returncode == 0, audited.stderr


def test_a_corrupted_leaf_in_a_restored_backup_is_detected(backup, scratch_database):
    pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={scratch_database}", str(backup))
    pg(
        "psql",
        f"--dbname={scratch_database}",
        "--set=ON_ERROR_STOP=1",
        "--command=UPDATE transparency_logleaf SET entry = entry || '\\x00'::bytea WHERE index = 1",
    )

    corrupted = manage("verify_log", scratch_database)
    assert corrupted.returncode != 0
    assert "leaf 1" in corrupted.stderr, corrupted.stderr
