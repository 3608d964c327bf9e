# Skipwise: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Debian packages the suite needs; installed by `make test` when missing.
SYSTEM_PACKAGES := ffmpeg util-linux

.PHONY: run test lint bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(STAMP)

## run: set everything up and start the main job on the bundled demo library
run: $(STAMP)
	$(BIN)/skipwise demo

## test: set everything up and run the whole suite headless
test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## system-deps: Debian packages the suite needs (only when missing)
system-deps:
	@bash packaging/ensure-system-deps.sh $(SYSTEM_PACKAGES)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(TEST_STAMP)
	$(BIN)/skipwise bench learner

clean:
	rm -rf $(VENV) build *.egg-info engine/learner/_kernel*.so
