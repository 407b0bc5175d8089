# The two commands of the README: `make run` and `make test`. Also `make bench`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PORT ?= 5000
HOST ?= 127.0.0.1
# Tests: a PostgreSQL server (a throwaway database is created per run) and a Redis db.
TEST_PG_SERVER ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
TEST_REDIS ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# `make test` measures line coverage on the SQLite run and fails below the figure in
# pyproject.toml ([tool.coverage.report] fail_under); test-sqlite alone measures nothing.
COVERAGE ?=

STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres lint bench bench-clean clean translations \
	cluster-test

$(STAMP): pyproject.toml
	@scripts/system-deps.sh base
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

translations: install
	@$(FLASK) translate compile >/dev/null

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed --scale demo --if-empty
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

lint: install
	$(BIN)/ruff check portal tests bench gunicorn.conf.py
	$(BIN)/mypy portal bench gunicorn.conf.py

test-sqlite: install translations
	TEST_REDIS_URL=$(TEST_REDIS) $(BIN)/pytest $(COVERAGE) $(PYTEST_ARGS)

# The parity tests (tests/parity) build the national seed in a SQLite database of their own
# whatever the run's database, so the PostgreSQL run leaves them to the SQLite run rather
# than repeat the identical check (about five minutes).
test-postgres: install translations
	TEST_DATABASE_URL=$(TEST_PG_SERVER) TEST_REDIS_URL=$(TEST_REDIS) $(BIN)/pytest \
		--ignore=tests/parity $(PYTEST_ARGS)

test: install
	@scripts/system-deps.sh test
	$(MAKE) lint
	@echo "== the suite on SQLite, with the coverage gate =="
	$(MAKE) test-sqlite COVERAGE="--cov --cov-report=term"
	@echo "== the suite on PostgreSQL =="
	$(MAKE) test-postgres

# The two-machine rehearsal and the crash tests alone (they also run in `make test`): two
# gunicorn instances, one job consumer, PostgreSQL, Redis and moto's S3 server on 127.0.0.1.
cluster-test: install translations
	TEST_DATABASE_URL=$(TEST_PG_SERVER) TEST_REDIS_URL=$(TEST_REDIS) $(BIN)/pytest tests/cluster $(PYTEST_ARGS)

# The national databases are built once (bench/cache/, PostgreSQL `akim_bench`) and reused
# until the seed code changes; `make bench-clean` forgets them. See docs/performance.md.
bench: install translations
	@scripts/system-deps.sh bench
	$(BIN)/python -m bench.run

bench-clean: install
	$(BIN)/python -m bench.seeds

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
