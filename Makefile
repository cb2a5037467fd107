# The two commands: `make run` (set up, then serve on http://127.0.0.1:8000) and `make test`
# (`make test-fast` while working: everything but the slow lanes).
HOST ?= 127.0.0.1
PORT ?= 8000
PY := .venv/bin/python
PYTEST := $(PY) -m pytest
# The slow lanes (markers in pytest.ini, set in tests/conftest.py): the browser tests (Chromium), the
# worker's (the worker process, gunicorn or a standby in subprocesses) and the database faults.
SLOW_LANES := browser or worker or faults

.PHONY: run test test-fast bench setup db-stop

run: setup
	@echo
	@echo "PEKA is starting on http://$(HOST):$(PORT)/"
	@echo "  map and pages       http://$(HOST):$(PORT)/"
	@echo "  API documentation   http://$(HOST):$(PORT)/api/docs/"
	@echo "  public complaints   http://$(HOST):$(PORT)/api/v1/complaints/"
	@echo "  admin               http://$(HOST):$(PORT)/admin/"
	@echo "  notifications       a worker beside the server (lines marked [worker]); mails print here"
	@echo "Stop with Ctrl-C (the database keeps running; 'make db-stop' stops it)."
	HOST=$(HOST) PORT=$(PORT) bin/serve

# The import contracts (.importlinter), then every test: all but the browser tests on both cores
# (pytest-xdist; each worker has a test database of its own), in an order pytest-randomly shuffles
# (the seed is printed at the top; `--randomly-seed=N` repeats an order), then the browser tests one
# at a time, in their order (-n 1: on worker gw0's test database, made by the first run).
test: setup
	.venv/bin/lint-imports
	$(PYTEST) -n 2 -m "not browser"
	$(PYTEST) -n 1 -p no:randomly -m browser

# Everything but the slow lanes, on both cores, shuffled.
test-fast: setup
	$(PYTEST) -n 2 -m "not ($(SLOW_LANES))"

# Benchmarks on their own database (peka_bench): BENCH_N complaints (default 1,000,000; BENCH_N=50000 for a
# quick run), then the figures (docs/benchmarks.md says what each means).
# intake_load and home_page serve it through a live gunicorn; intake_load's complaints stay in peka_bench.
bench: setup
	$(PY) -m bench.generate
	$(PY) -m bench.hotspots
	$(PY) -m bench.queries
	$(PY) -m bench.routing
	$(PY) -m bench.tiles
	$(PY) -m bench.intake_load
	$(PY) -m bench.intake_notifications
	$(PY) -m bench.intake_profile
	$(PY) -m bench.home_page
	$(PY) -m bench.partitions
	$(PY) -m bench.notifications
	$(PY) -m bench.alerts

setup:
	bin/setup

db-stop:
	bin/db stop
