# The commands people type. Python packages install into .venv from PyPI; Apache Kafka's jars come from
# Maven Central on first use (devstack/kafka/pom.xml, needs a JDK 17+ and Maven). No Docker needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := -e contracts -e libs/backbone -e libs/care-register -e services/placements -e services/health -e services/education \
            -e services/leaving-care -e services/indicators -e .

.PHONY: install tools run reset test lint unit integration e2e fuzz mutation bench bench-writes bench-replay bench-consume bench-kpis contracts-check up down logs clean

$(BIN)/.installed: Makefile constraints.txt pyproject.toml */pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt $(PACKAGES) pytest pytest-asyncio hypothesis pypdf schemathesis py-spy ruff cosmic-ray
	touch $@

install: $(BIN)/.installed

## tools: what the deployment checks and the report tests run (promtool, docker-compose, chromium) and what
## the PDF report needs (Pango), from Debian's packages when missing
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
DEBIAN_TOOLS := prometheus docker-compose chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core wrk
tools:
	@command -v promtool >/dev/null && command -v docker-compose >/dev/null && command -v chromium >/dev/null \
	  && command -v wrk >/dev/null \
	  && ldconfig -p | grep -q libpangoft2 || { \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $(DEBIAN_TOOLS) >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $(DEBIAN_TOOLS); }; }

## run: start PostgreSQL, Apache Kafka and the five services, load demo data once (Ctrl-C stops it all).
## Their data lives in .devstack/data and is still there at the next make run.
run: install
	$(BIN)/python -m devstack.run

## reset: wipe the data make run keeps (PostgreSQL, Kafka, logs); the next make run starts empty
reset:
	rm -rf .devstack/data .devstack/logs .devstack/pids

## test: unit and integration tests (starts its own PostgreSQL and broker), plus the schema compatibility gate
## and pyflakes' checks (ruff: undefined names, unused imports)
test: install tools contracts-check lint
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check --select F --exclude .venv,.devstack --quiet .

## The four parts of make test (together, every test once):
## unit: no server needed (seconds); integration: against the real PostgreSQL and Kafka the tests start, but
## not the running services; e2e: the five services running as processes (tests/e2e), except the fuzzing;
## fuzz: schemathesis over every operation of every service (tests/e2e/test_fuzz.py, marker runs_last)
unit: install
	$(BIN)/python -m pytest -q -m "not integration"

integration: install
	$(BIN)/python -m pytest -q -m "integration and not runs_last" --ignore=tests/e2e

e2e: install tools
	$(BIN)/python -m pytest -q -m "not runs_last" tests/e2e

fuzz: install
	$(BIN)/python -m pytest -q -m runs_last

contracts-check: install
	$(BIN)/python contracts/check_compatibility.py

## mutation: mutation testing of the KPI definitions (cosmic-ray; devstack/mutation.py): each threshold and
## window edge of a KPI's SQL moved by one, against that KPI's tests. Slow (a test run per mutant), so not
## part of make test; e.g. make mutation MUTATION_ARGS="--minutes 15 --only visits_on_time pa_allocated".
## Results: .devstack/mutation-report.md; the last recorded run: docs/mutation.md
mutation: install
	$(BIN)/python -m devstack.mutation $(MUTATION_ARGS)

## bench: write throughput/latency at placements and KPI freshness (prints figures; see docs/benchmarks.md)
bench: install
	$(BIN)/python -m bench.run

## bench-writes: single writes at placements under wrk (16 connections) beside a no-database FastAPI and a
## bare-asyncpg reference, bulk records/s, the consumers' catch-up (prints figures; see docs/benchmarks.md)
bench-writes: install tools
	$(BIN)/python -m bench.writes

## bench-replay: publish 1,000,000 synthetic events and time the indicators replay (events/s)
bench-replay: install
	$(BIN)/python -m bench.replay

## bench-consume: the live consumer's catch-up (events/s) beside the replay's rate on the same history, and a
## single record published behind a 20,000-event burst
bench-consume: install
	$(BIN)/python -m bench.consume

## bench-kpis: a synthetic council of 100,000 children; every KPI today and 5 years back, GET /kpis, drill-down, history
bench-kpis: install
	$(BIN)/python -m bench.kpis

## up / down / logs: the docker-compose stack the ops team runs (needs a Docker engine; see docs/operations.md)
COMPOSE ?= docker compose
up:
	$(COMPOSE) up --build --detach

down:
	$(COMPOSE) down

logs:
	$(COMPOSE) logs --follow --tail=200

clean:
	rm -rf $(VENV) .devstack
