# Orpheus: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test quick lint typecheck labtest install install-test node browser system-run system-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: re-install only when the inputs change, so a second `make run` reuses everything.
$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all,test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.run-deps node_modules/.installed system-run
install-test: $(VENV)/.test-deps node_modules/.installed system-test
node: node_modules/.installed

# System parts from Debian's packages, installed only when missing (as root; elsewhere
# the command that needs them says what to install). `make run` needs bubblewrap (each
# user's server runs in its own sandbox); the tests also need chromium (browser tests,
# driven by Playwright through executablePath), docker.io, postgresql and debootstrap
# (the production profile's tests).
RUN_PKGS := bwrap:bubblewrap setpriv:util-linux
TEST_PKGS := $(RUN_PKGS) chromium:chromium dockerd:docker.io nft:nftables debootstrap:debootstrap \
	/usr/lib/postgresql/15/bin/postgres:postgresql
define apt_missing
	@missing=""; for pair in $(1); do cmd=$${pair%%:*}; pkg=$${pair#*:}; \
	  command -v $$cmd >/dev/null 2>&1 || [ -x "$$cmd" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages:$$missing (install them as root)"; exit 1; fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
endef
system-run:
	$(call apt_missing,$(RUN_PKGS))
system-test:
	$(call apt_missing,$(TEST_PKGS))
browser: system-test

run: install
	$(BIN)/orpheus run

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

# Front-end unit tests (node's test runner on labextension_py's pure logic modules), then
# Prettier and ESLint (typescript-eslint): a formatting or lint error fails `make test`.
# (jlpm comes with jupyterlab in the venv; node_modules is there after the install built the extension.)
labtest: install-test
	cd labextension_py && export PATH="$(abspath $(BIN)):$$PATH" && jlpm install && jlpm test && jlpm lint:check

# The whole suite in two pytest runs: the fast cases in two pytest-xdist workers (one per
# core), then the slow end-to-end cases one at a time (each starts its own hub, browser or
# container, and they measure nothing in parallel). Either run collecting nothing fails.
test: install-test lint typecheck labtest
	$(BIN)/python -m pytest -m "not slow" -n 2 $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

# The quick subset while working: no real hub, browser or renderer.
quick: install-test labtest
	$(BIN)/python -m pytest -m "not slow" -n 2 $(PYTEST_ARGS)

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

# The production profile's single-user image (docs/deploy.md): debootstrap -> docker import ->
# deploy/image/Dockerfile, no registry. Tagged by a hash of its inputs, so an unchanged tree
# skips the build. Talks to the dockerd in DOCKER_HOST (default: the system's).
.PHONY: image
image: install
	bash deploy/image/build.sh

# The documentation (docs/, MkDocs): regenerate the configuration and REST API references
# from the code, then build the site into dist/docs/ (`mkdocs serve` to browse while editing).
.PHONY: docs
docs: $(VENV)/.test-deps
	$(BIN)/python -m orpheus_hub.docs --write
	$(BIN)/mkdocs build --strict --site-dir dist/docs
