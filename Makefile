# The commands people type. Everything installs into .venv from PyPI; no Docker needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := -e contracts -e libs/backbone -e libs/care-register -e services/placements -e services/health -e services/education \
            -e services/leaving-care -e services/indicators -e .

.PHONY: install run test unit integration bench contracts-check clean

$(BIN)/.installed: constraints.txt pyproject.toml */pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt $(PACKAGES) pytest pytest-asyncio
	touch $@

install: $(BIN)/.installed

## run: start PostgreSQL, a Kafka-protocol broker and the five services, load demo data (Ctrl-C stops it all)
run: install
	$(BIN)/python -m devstack.run

## test: unit and integration tests (starts its own PostgreSQL and broker), plus the schema compatibility gate
test: install contracts-check
	$(BIN)/python -m pytest -q

unit: install
	$(BIN)/python -m pytest -q -m "not integration"

contracts-check: install
	$(BIN)/python contracts/check_compatibility.py

## bench: write throughput/latency at placements and KPI freshness (prints figures; see docs/benchmarks.md)
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .devstack
