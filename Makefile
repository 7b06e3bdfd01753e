# slimcheck — build, test and measure. See README.md.
GO       ?= go
PKGS     ?= ./...
BIN      ?= bin/slimcheck
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
FUZZTIME ?= 10s

.PHONY: all build test test-short lint fmt bench fuzz demo clean

all: lint test build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/slimcheck

# The test command the README and CI run: the product's tests, then dive's
# own code as the parity oracle — its metrics (internal/diveparity) and its
# CI verdicts (gate/diveci, which builds dive's CLI) — in nested modules, so
# dive's dependencies never enter the product's go.mod.
test:
	$(GO) test -count=1 -timeout 15m $(PKGS)
	cd internal/diveparity && GOFLAGS=-mod=mod $(GO) test -count=1 -timeout 10m ./...
	cd gate/diveci && GOFLAGS=-mod=mod $(GO) test -count=1 -timeout 10m ./...

test-short:
	$(GO) test -short $(PKGS)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	cd internal/diveparity && GOFLAGS=-mod=mod $(GO) vet ./...
	cd gate/diveci && GOFLAGS=-mod=mod $(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Wall time and peak RSS of slimcheck vs dive vs the raw decompression floor
# on generated images (see internal/bench/README.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./analyze/...
	bash scripts/bench.sh

# Runs every fuzz target for FUZZTIME each.
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

demo:
	$(GO) run ./cmd/slimcheck demo

clean:
	rm -rf bin bench-out
