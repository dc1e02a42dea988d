# carbonbudget: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/carbonbudget/carbonbudget/internal/cli.Version=$(VERSION)
BIN := bin/carbonbudget
# Debian/Ubuntu packages the build and the main job need; the tests also
# need the command-line tools they check our files with and Chromium.
APT_RUN := golang-go gcc make pkg-config git libgdal-dev libnetcdf-dev libxgboost-dev
APT_TEST := $(APT_RUN) gdal-bin netcdf-bin python3-xgboost python3-numpy chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test build run test soak bench bench-demo regions population screenshots clean

# apt installs the packages in $(1) that are missing (golang-go only when
# there is no go at all).
define apt
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if command -v go >/dev/null 2>&1; then missing=$$(echo $$missing | tr ' ' '\n' | grep -v '^golang-go$$'); fi; \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

# setup installs what the main job needs: the system packages (skipping
# those already present) and the Go modules of the binary.
setup:
	$(call apt,$(APT_RUN))
	$(GO) mod download

# setup-test adds what only the tests need, among them the DuckDB and
# browser-driver modules (about 600 MB) of internal/duckqa and
# internal/browsertest, which make run never downloads.
setup-test: setup
	$(call apt,$(APT_TEST))
	cd internal/duckqa && $(GO) mod download
	cd internal/browsertest && $(GO) mod download

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/carbonbudget

# run is the main job on the embedded default (the twin world).
run: setup build
	./$(BIN) demo

# test runs every package's tests, then the DuckDB checks of our output
# files and the dashboard test in headless Chromium, which live in modules
# of their own (internal/duckqa, internal/browsertest) to keep DuckDB and the
# browser driver out of the binary.
test: setup-test
	$(GO) test ./...
	cd internal/duckqa && $(GO) test ./...
	cd internal/browsertest && $(GO) test ./...

# soak is the long abuse suite (issue 18), not run by CI: the query-parser
# fuzzer for 5 minutes, 1,000 distinct 900 KB URLs against the real server
# (peak RSS under 400 MB), and 30 minutes of serving, reloading and
# republishing at once with flat memory. Loopback traffic only.
SOAK ?= 30m
soak:
	$(GO) test ./internal/server -run '^$$' -fuzz FuzzQuery -fuzztime 5m
	CARBONBUDGET_SOAK=$(SOAK) $(GO) test ./cmd/carbonbudget -run 'TestServeUnderHugeDistinctURLs|TestSoak' -timeout 90m -v

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The README's main job from nothing, timed (issue 11: under 5 minutes).
bench-demo:
	bench/demo.sh

# regions regenerates data/regions (committed; see its README) from
# Natural Earth: npm world-atlas 2.0.2 and world-countries 5.1.0, installed
# into a temporary directory, or into REGIONS_NPM when it is set (reused
# when the right versions are already there). Same inputs, same bytes.
REGIONS_NPM ?=
regions:
	@set -e; dir="$(REGIONS_NPM)"; \
	if [ -z "$$dir" ]; then dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; fi; \
	version() { node -p "require('$$dir/node_modules/$$1/package.json').version" 2>/dev/null || true; }; \
	if [ "$$(version world-atlas)" != 2.0.2 ] || [ "$$(version world-countries)" != 5.1.0 ]; then \
		echo "installing world-atlas@2.0.2 world-countries@5.1.0 into $$dir"; \
		npm install --prefix "$$dir" --no-audit --no-fund --no-save --silent world-atlas@2.0.2 world-countries@5.1.0; \
	fi; \
	$(GO) run ./cmd/regionsgen --atlas "$$dir/node_modules/world-atlas/countries-50m.json" \
		--countries "$$dir/node_modules/world-countries/countries.json" --out data/regions

# population regenerates data/countries/countries.csv (committed; see its
# README): population from npm country-json 2.3.0 (World Bank 2018),
# installed into a temporary directory or POPULATION_NPM, and land area from
# the committed Natural Earth cover.
POPULATION_NPM ?=
population:
	@set -e; dir="$(POPULATION_NPM)"; \
	if [ -z "$$dir" ]; then dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; fi; \
	if [ "$$(node -p "require('$$dir/node_modules/country-json/package.json').version" 2>/dev/null)" != 2.3.0 ]; then \
		echo "installing country-json@2.3.0 into $$dir"; \
		npm install --prefix "$$dir" --no-audit --no-fund --no-save --silent country-json@2.3.0; \
	fi; \
	$(GO) run ./cmd/populationgen --country-json "$$dir/node_modules/country-json" --out data/countries/countries.csv

# screenshots regenerates the README's pictures under docs/img: the
# annual budget figure of a demo run's latest report and the dashboard over
# that run in headless Chromium (internal/browsertest, TestScreenshots).
# The demo run (about 4 minutes) is made in SCREENSHOT_RUN unless one is
# there already.
SCREENSHOT_RUN ?= /tmp/carbonbudget-screenshots
screenshots: build
	@set -e; mkdir -p "$(SCREENSHOT_RUN)" docs/img; \
	if [ ! -f "$(SCREENSHOT_RUN)/out/budget_monthly.csv" ]; then \
		(cd "$(SCREENSHOT_RUN)" && "$(CURDIR)/$(BIN)" demo --out out); \
	fi; \
	latest=$$(ls "$(SCREENSHOT_RUN)/out/months" | tail -1); \
	cp "$(SCREENSHOT_RUN)/out/months/$$latest/annual_budget.png" docs/img/annual_budget.png; \
	cp "$(SCREENSHOT_RUN)/out/months/$$latest/map_land.png" docs/img/map_land.png; \
	cd internal/browsertest && CARBONBUDGET_SCREENSHOT_OUT="$(SCREENSHOT_RUN)/out" CARBONBUDGET_SCREENSHOT_DIR="$(CURDIR)/docs/img" \
		$(GO) test -count=1 -run TestScreenshots -v . | grep screenshot

clean:
	rm -rf bin
