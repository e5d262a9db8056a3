PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint messages clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## Web server and Celery worker on the embedded default (or on DATABASE_URL / CELERY_BROKER_URL).
run: $(VENV)/.runtime
	$(PY) manage.py serve

## The whole test suite (PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL point at them).
test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Static checks: ruff (lint + format), bandit (no medium or high findings), the architecture
## contracts (import-linter) and the types (mypy, strict for signing/).
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r certsvc certificates signing --severity-level medium
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

messages: $(VENV)/.runtime
	cd certsvc && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
