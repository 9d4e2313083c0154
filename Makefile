# Welcoming — every target is idempotent and quick when nothing changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install setup demo test lint typecheck chromium test-sqlite test-postgres bench loadtest clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

setup: install
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo

# The task worker (match runs) runs beside the web server and stops with it.
demo: setup
	@$(PY) manage.py demo_banner --url http://$(HOST):$(PORT)
	@echo "Match runs go to a task worker (manage.py db_worker), started beside the server and stopped with it."
	@$(PY) manage.py db_worker --no-reload --interval 1 -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: install
	@$(VENV)/bin/mypy

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || { echo "installing Chromium from Debian's packages..."; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# axe-core for the accessibility checks of the browser tests, from the npm registry.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@npm ci --no-audit --no-fund --silent
	@touch $@

test-sqlite: install chromium $(AXE)
	@echo "== pytest on SQLite"
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: install chromium $(AXE)
	@echo "== pytest on PostgreSQL"
	@url=$$(scripts/postgres.sh start) && \
	  trap 'scripts/postgres.sh stop' EXIT && \
	  DATABASE_URL=$$url $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck test-sqlite test-postgres

# Benchmarks run on their own database, so the demo stays as it is.
BENCH_DB := DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3
bench: install
	@mkdir -p var && rm -f var/bench.sqlite3*
	@$(BENCH_DB) $(PY) manage.py migrate --noinput -v 0
	@$(BENCH_DB) $(PY) manage.py bench_directory
	@$(BENCH_DB) $(PY) manage.py load_demo -v 0
	@$(BENCH_DB) $(PY) manage.py bench_triage --services 50000
	@$(PY) manage.py bench_matching --households 10000 --units 10000
	@$(PY) manage.py bench_placement --people 35147 --communities 357

# The load run also has a database of its own, fresh each time; never part of `make test`.
LOADTEST_DB := WELCOMING_ENV=development DATABASE_URL=sqlite:///$(CURDIR)/var/loadtest.sqlite3
LOADTEST_ARGS ?=
loadtest: install
	@mkdir -p var && rm -f var/loadtest.sqlite3*
	@$(LOADTEST_DB) $(PY) manage.py migrate --noinput -v 0
	@$(LOADTEST_DB) $(PY) manage.py load_demo -v 0
	@$(LOADTEST_DB) $(PY) scripts/loadtest/run.py $(LOADTEST_ARGS)

clean:
	@scripts/postgres.sh stop || true
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
