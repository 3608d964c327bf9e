# Skipwise: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PACKAGE_STAMP := $(VENV)/.installed-package
# Debian packages: what the bundled Qt needs to open a window, and what the suite drives
# (ffmpeg makes test audio, a private D-Bus and playerctl for MPRIS, Xvfb for the screenshot).
QT_PACKAGES := $(shell grep -v '^\#' packaging/qt-runtime-packages.txt)
# `make package`: strip and readelf, the validators of the desktop file and metainfo, and the system
# libraries the .deb depends on beyond Qt's (the build checks that each one it links is declared).
PACKAGE_BUILD_PACKAGES := binutils desktop-file-utils appstream \
	$(shell sed -e '/^\#/d' -e 's/.*| *//' packaging/deb-depends.txt)
TEST_PACKAGES := ffmpeg util-linux dbus-daemon playerctl xvfb xauth strace $(PACKAGE_BUILD_PACKAGES)
# `make run` keeps the demo's database and settings inside the checkout.
RUN_HOME := $(CURDIR)/.home

.PHONY: run test lint bench screenshot clean system-deps run-deps package package-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench,package,fleet-server,fleet-sim]'
	touch $@ $(STAMP) $(PACKAGE_STAMP)

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[package]'
	touch $@

## run: set everything up and open the player on the bundled demo library
## (without a display it says so and shows the learner in the terminal instead)
run: $(STAMP) run-deps
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		SKIPWISE_HOME=$(RUN_HOME) $(BIN)/skipwise --demo; \
	else \
		echo "No display here: the player window needs a desktop session. The learner, in the terminal:"; \
		$(BIN)/skipwise demo; \
	fi

## test: set everything up and run the whole suite headless
test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	FLWR_TELEMETRY_ENABLED=0 FLWR_DISABLE_UPDATE_CHECK=1 RAY_USAGE_STATS_ENABLED=0 \
		QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## screenshot: the real window on a virtual screen, mid-playback, weight panel open
screenshot: $(TEST_STAMP) system-deps
	xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
		$(BIN)/python tools/screenshot.py docs/screenshot.png

## package: the .deb and the portable .tar.gz in dist/ (PyInstaller; nothing is redone when up to date)
package: $(PACKAGE_STAMP) package-deps
	$(BIN)/python packaging/build.py

package-deps:
	@bash packaging/ensure-system-deps.sh $(QT_PACKAGES) $(PACKAGE_BUILD_PACKAGES)

system-deps:
	@bash packaging/ensure-system-deps.sh $(QT_PACKAGES) $(TEST_PACKAGES)

run-deps:
	@bash packaging/ensure-system-deps.sh $(QT_PACKAGES)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/skipwise bench learner

clean:
	rm -rf $(VENV) build *.egg-info engine/learner/_kernel*.so
