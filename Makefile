# TTHC Platform — the two commands: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
DOSSIERS ?= 20000
HOST ?= 127.0.0.1:8000
PYTEST_WORKERS ?= 2

.PHONY: install run serve test lint types types-baseline schema worker beat bench-seed clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

## Fresh machine → demo at http://$(HOST): venv, install, migrate, seed, serve (+ worker and beat with REDIS_URL).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --dossiers $(DOSSIERS)
	BIN=$(BIN) HOST=$(HOST) ./scripts/serve.sh

## Serve without re-seeding.
serve: install
	BIN=$(BIN) HOST=$(HOST) ./scripts/serve.sh

## The whole test suite (SQLite by default; PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set):
## lint and types first, then Django's checks, the schema and pytest.
test: install lint types
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /tmp/tthc-schema.yml
	@# The committed schema is the embedded default's (integer bounds depend on the database backend).
	@if [ -z "$$DATABASE_URL" ]; then diff -q docs/openapi.yml /tmp/tthc-schema.yml \
		|| (echo "docs/openapi.yml is stale: run 'make schema'" && exit 1); fi
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Lint and layout: ruff's rules, and the files as `ruff format` writes them.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Types: mypy with django-stubs / djangorestframework-stubs (what it checks: [tool.mypy] in pyproject.toml).
types: install
	$(BIN)/mypy

## What the mypy baseline still hides, per module; fails when an entry hides nothing (delete it).
types-baseline: install
	$(BIN)/python scripts/mypy_baseline.py

## Regenerate the committed OpenAPI schema.
schema: install
	env -u DATABASE_URL $(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yml

worker: install
	$(BIN)/celery -A config worker -l info --concurrency 2

beat: install
	$(BIN)/celery -A config beat -l info

bench-seed: install
	$(BIN)/python bench/seed.py --dossiers $(DOSSIERS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
