"""``certsvc-witness`` ships with the package, keeps its state atomically and needs no Django."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from signing.witness.state import state_load, state_save
from tests.services import BASE_DIR


def test_the_package_declares_the_witness_command():
    project = tomllib.loads((Path(BASE_DIR) / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["certsvc-witness"] == "signing.witness:main"


def test_the_witness_imports_no_django():
    code = "import sys, signing.witness; print(any(m.startswith('django') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_keygen_writes_a_private_key_file_once_and_prints_the_public_x(tmp_path):
    key_file = tmp_path / "witness.key"
    command = [sys.executable, "-m", "signing.witness", "keygen", "--key-file", str(key_file)]
    made = subprocess.run(command, capture_output=True, text=True, check=True)
    assert len(made.stdout.strip()) == 43
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (again.returncode, "exists already" in again.stderr) == (1, True)


def test_the_state_is_replaced_whole_and_leaves_no_temporary_file(tmp_path):
    path = str(tmp_path / "state.json")
    state_save(path, {"checkpoint": {"tree_size": 1}})
    state_save(path, {"checkpoint": {"tree_size": 2}})
    assert state_load(path) == {"checkpoint": {"tree_size": 2}}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    assert json.loads((tmp_path / "state.json").read_text())["checkpoint"]["tree_size"] == 2
