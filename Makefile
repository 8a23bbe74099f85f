# Dongguan tech-achievement transfer portal — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help setup run test test-fast lint format check bench migrate demo clean

help:
	@echo "make run    — install everything, load reference and demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test   — run the whole test suite (browser tests where chromium is installed)"
	@echo "make test-fast — the suite without browser, fault-injection and service tests (your own loop)"
	@echo "make check  — make lint, then make test-fast"
	@echo "make lint   — ruff check and format, import contracts, mypy, makemigrations --check"
	@echo "make bench  — benchmarks on PostgreSQL (DATABASE_URL)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Without REDIS_URL, tasks run inline (eager) and beat runs the periodic jobs itself, and the
# server and beat share the file cache (emptied at each start: the demo data may have changed);
# with it, a real worker and beat run beside the server. All stop with the server (Ctrl-C).
run: demo
	@echo ""
	@echo "东莞科技成果转化平台: http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	@set -e; pids=""; \
	if [ -z "$$REDIS_URL" ]; then rm -rf "$${CACHE_DIR:-.cache/django}"; fi; \
	trap 'kill $$pids 2>/dev/null || true' EXIT INT TERM; \
	if [ -n "$$REDIS_URL" ]; then \
	  $(BIN)/celery -A config worker --loglevel=WARNING & pids="$$pids $$!"; \
	fi; \
	$(BIN)/celery -A config beat --loglevel=WARNING --pidfile= & pids="$$pids $$!"; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ]; then \
	  echo "Browser tests: chromium found, they run."; \
	else \
	  echo "Browser tests: NO CHROMIUM — they are SKIPPED (apt-get install chromium)."; \
	fi
	@echo "Database: $${DATABASE_URL:-SQLite (default)}; Redis: $${REDIS_URL:-none (eager Celery)}"
	$(BIN)/pytest $(PYTEST_ARGS)

# For the inner loop: no browser, no killed workers or restarted databases, first failure stops.
test-fast: setup
	$(BIN)/pytest $(PYTEST_ARGS) -x -m "not browser and not services" --ignore=tests/faults --ignore=tests/browser

check: lint test-fast

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(PY) manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles artifacts db.sqlite3 .cache
