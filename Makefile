# Ethics Consult — `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
LINT_PATHS := app tests migrations $(wildcard bench)

.PHONY: run test lint format bench audit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/consult migrate
	$(BIN)/consult content import --if-empty
	$(BIN)/consult serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy app
	$(BIN)/bandit -q -c pyproject.toml -r app

# Known-vulnerability check of the installed packages; needs the advisory service, so it
# reports rather than blocks when the network is out of reach.
audit: $(STAMP)
	-timeout 180 $(BIN)/pip-audit --skip-editable --progress-spinner off

test: lint
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# The benchmark (see bench/README.md): about 12 minutes; BENCH_ARGS="--sizes 1000,10000,100000"
# for the full chart (about 18), "--postgres" to add PostgreSQL.
bench: $(STAMP)
	$(BIN)/python -c 'import matplotlib' 2>/dev/null || \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]' || \
	  echo "matplotlib unavailable: the chart is drawn with Pillow"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

format: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
