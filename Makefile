# Orpheus: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test quick lint typecheck labtest install install-test node browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: re-install only when the inputs change, so a second `make run` reuses everything.
$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.run-deps node_modules/.installed
install-test: $(VENV)/.test-deps node_modules/.installed browser
node: node_modules/.installed

# Debian's chromium for the browser tests (Playwright drives it by executablePath).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/orpheus run

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

# Front-end unit tests: node's test runner on labextension_py's pure logic modules.
# (jlpm comes with jupyterlab in the venv; node_modules is there after the install built the extension.)
labtest: install-test
	cd labextension_py && PATH="$(abspath $(BIN)):$$PATH" jlpm install && PATH="$(abspath $(BIN)):$$PATH" jlpm test

test: install-test lint typecheck labtest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick subset while working: no real hub, browser or renderer.
quick: install-test labtest
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# ydata-profiling (the analysis benchmark's baseline) pins older pandas/numpy, so it gets
# its own venv rather than the project's.
BENCH_VENV ?= .bench-venv
$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet ydata-profiling
	touch $@

# `make bench` runs every benchmark; `make bench BENCH=terminal` one of them.
bench: install-test $(BENCH_VENV)/.installed
	ORPHEUS_YDATA_PYTHON=$(abspath $(BENCH_VENV))/bin/python $(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) $(BENCH_VENV) node_modules labextension_py/node_modules labextension_py/lib labextension_py/orpheus_lab/labextension
