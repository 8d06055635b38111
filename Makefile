# The two commands first: `make run` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck pytest install install-dev clean bench bench-engine bench-realtime bench-lists bench-ack bench-scale loadtest messages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP) ## create .venv with what the server needs
install-dev: $(DEV_STAMP) ## create .venv with the test and lint tools too

run: $(RUNTIME_STAMP) ## serve the demo on http://127.0.0.1:8000 (embedded services unless URLs are set)
	AUCTION_RULES=$${AUCTION_RULES:-sandbox} $(BIN)/auction serve --demo

lint: $(DEV_STAMP) ## ruff (lint and format check), and the compose file against the compose specification
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml deploy/scale/docker-compose.yml

typecheck: $(DEV_STAMP) ## mypy --strict
	$(BIN)/mypy

pytest: $(DEV_STAMP) ## the whole pytest suite (fails when no test ran)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest ## everything CI runs: ruff, mypy and every test

bench-engine: $(DEV_STAMP) ## bids/s through BiddingEngine vs redis-benchmark on the same script
	$(BIN)/python -m load_tests.bench_engine

bench-realtime: $(DEV_STAMP) ## the gateway: hot lot, 10 000-watcher fan-out, memory, bare baseline, 2 workers
	$(BIN)/python -m load_tests.bench_realtime

bench-lists: $(DEV_STAMP) ## the lists at the national scale: 6.5 M dishonest, 4 M subjects; check, search, copy, import
	$(BIN)/python -m load_tests.bench_lists $(BENCH_LISTS_ARGS)

bench-ack: $(DEV_STAMP) ## the cost of acknowledging only replicated bids, on a local 3+3 Redis Cluster
	$(BIN)/python -m load_tests.bench_ack

bench-scale: $(DEV_STAMP) ## the national evening: 1 000 lots, a closing rush of 300, a hot lot; cluster and one server
	$(BIN)/python -m load_tests.bench_scale $(BENCH_SCALE_ARGS)

bench: bench-engine bench-realtime ## every benchmark (results in load_tests/results/)

loadtest: $(DEV_STAMP) ## locust: browsing, auction evening, closing rush (reports in load_tests/results/)
	$(BIN)/python -m load_tests.run_loadtest $(LOADTEST_ARGS)

messages: $(DEV_STAMP) ## re-extract the pages' message ids into the catalogs (then translate web/locale/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel extract -F babel.cfg -o web/locale/messages.pot --no-location --sort-output --project=judicial-auction .
	$(BIN)/pybabel update -i web/locale/messages.pot -d web/locale -D messages --width=110 --ignore-obsolete
	rm web/locale/messages.pot

clean: ## remove the virtualenv and the embedded services' data
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache
