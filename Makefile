# Respite: `make run` starts the platform on the local stack, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export UV_PYTHON_DOWNLOADS := never

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup browser node web test-web api-definition openapi record-of-processing runbook run test test-unit test-integration test-infra test-e2e test-faults test-at fuzz faults harness lint format typecheck bench bench-full synth clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock scripts/bootstrap
	@scripts/bootstrap

setup: $(VENV)/.synced  ## install uv (if missing) and the locked environment

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:  ## Debian's chromium for the browser tests (installed only when missing; never a downloaded build)
	@command -v chromium >/dev/null 2>&1 || { echo "browser: installing Debian's chromium" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# The web front end (web/): npm ci from the committed lock, then the build (the typed client generated
# from docs/openapi.json, tsc, vite) into web/dist, each only when what it is made from changed.
WEB_SOURCES := $(shell find web/src web/public -type f -not -name schema.d.ts 2>/dev/null) \
  web/index.html web/vite.config.ts web/tsconfig.json docs/openapi.json

node:  ## Debian's Node.js and npm for the web front end (installed only when missing)
	@command -v npm >/dev/null 2>&1 || { echo "node: installing Debian's nodejs and npm" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }

web/node_modules/.installed: web/package.json web/package-lock.json | node
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build

web: web/dist/index.html  ## build the web front end into web/dist (served at / by `make run`)

run: setup web  ## run the whole platform on this machine (PORT=8000; CLOCK_START=2027-01-04T09:00 CLOCK_SPEED=1); Ctrl-C stops it
	$(if $(CLOCK_START),RESPITE_CLOCK_START='$(CLOCK_START)') $(if $(CLOCK_SPEED),RESPITE_CLOCK_SPEED='$(CLOCK_SPEED)') \
	  $(BIN)/python -m respite_infra.local --port $(PORT)

test: setup browser web lint  ## lint, type-check and run every test suite
	cd web && npm test --silent
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-web: web  ## the web front end's own tests (vitest: paths, texts, formats)
	cd web && npm test --silent

test-unit: setup  ## pure logic, no AWS
	$(BIN)/pytest -q tests/unit $(PYTEST_ARGS)

test-integration: setup  ## against a moto server
	$(BIN)/pytest -q tests/integration $(PYTEST_ARGS)

test-infra: setup  ## CDK synthesis and assertions
	$(BIN)/pytest -q tests/infra $(PYTEST_ARGS)

test-e2e: setup browser web  ## the local stack over HTTP and in a headless browser
	$(BIN)/pytest -q tests/e2e $(PYTEST_ARGS)

test-faults: setup  ## the fault suites, bounded profile (as in make test)
	$(BIN)/pytest -q tests/faults $(PYTEST_ARGS)

test-at: setup browser web  ## every test with the clock moved to DATE (UTC), e.g. make test-at DATE="2027-01-04 10:00"
	@test -n "$(DATE)" || { echo 'usage: make test-at DATE="YYYY-MM-DD hh:mm" [PYTEST_ARGS=...]' >&2; exit 2; }
	scripts/at-date "$(DATE)" $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

fuzz: setup  ## schemathesis on the local stack, full: 100 examples per operation, coverage phase, conformance
	RESPITE_FUZZ_PROFILE=full RESPITE_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),100) RESPITE_FUZZ_CONFORMANCE=1 \
	  $(BIN)/pytest -q tests/e2e/test_fuzz.py --timeout=1800 $(PYTEST_ARGS)

faults: setup  ## the fault suites, full: more seeds and orderings, throttling bursts up to the retry limit
	RESPITE_FAULTS_PROFILE=full $(BIN)/pytest -q tests/faults --timeout=1800 $(PYTEST_ARGS)

harness: fuzz faults  ## fuzz and faults, both in full

runbook: setup  ## regenerate docs/runbook.md from the alarm kinds (a test fails when it is stale)
	$(BIN)/python -m respite_infra.runbook

api-definition: setup  ## regenerate the local gateway's API definition from a synthesized dev stage (a test fails when it is stale)
	cd infra && ../$(BIN)/python app.py -c frontend_origins=https://app.respite.test,https://admin.respite.test
	$(BIN)/python -m respite_infra.api_definition --template infra/cdk.out/respite-dev.template.json

openapi: setup  ## regenerate docs/openapi.json from the APIs' declarations
	$(BIN)/python -m respite_infra.openapi

record-of-processing: setup  ## regenerate docs/record-of-processing.md (GDPR art. 30) from the catalogue
	$(BIN)/python -m respite_infra.record_of_processing

lint: setup  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	for app in services/*/app.py infra/app.py; do $(BIN)/mypy $$app || exit 1; done

format: setup  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup  ## the benchmark table (quick profile): every figure beside its same-run reference
	$(BIN)/python bench/table.py

bench-full: setup  ## the benchmark table at the issues' sizes (claim intake: 1,000 dossiers x 14 claims)
	$(BIN)/python bench/table.py --full

synth: setup  ## synthesise the CDK app into infra/cdk.out (STAGE=dev|prod)
	cd infra && ../$(BIN)/python app.py $(if $(STAGE),--stage $(STAGE),)

clean:  ## remove generated files (keeps .venv)
	rm -rf infra/cdk.out build .pytest_cache .mypy_cache .ruff_cache test-artifacts web/dist
