# The two Quick start commands (see README.md). Everything installs into a local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test test-fast install serve clean golden bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are cheap to repeat: pip skips what is already there.
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

## Build the bundled sample catalog into _site/.
site: install
	$(BIN)/credcat build --content content --out _site
	@echo "Site written to $(CURDIR)/_site/"
	@echo "Preview it with: $(BIN)/credcat serve   (then open http://localhost:8000/)"

## Run the whole test suite, browser tests included (installs Chromium with apt if it can).
test: install
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest

## Everything except the browser tests.
test-fast: install
	$(BIN)/python -m pytest -m "not browser"

serve: install
	$(BIN)/credcat serve

## Refresh golden files after an intended change; review the diff like code.
golden: install
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: install
	$(BIN)/python bench/run.py --n 2000

clean:
	rm -rf _site .pytest_cache
