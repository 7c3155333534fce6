# pycage: `make run` runs an example through the whole pipeline; `make test` runs every test.
GO      ?= go
BIN     := bin/pycage
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build image image-datascience run test test-runsc unit fuzz vet bench clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/pycage

# The image is built offline from Debian packages with mmdebstrap; it is skipped when the
# image already carries the current recipe.
image: build
	@command -v mmdebstrap >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing mmdebstrap (Debian package)"; \
	    (apt-get install -y -qq mmdebstrap || (apt-get update -qq && apt-get install -y -qq mmdebstrap)) >/dev/null; \
	  else echo "pycage needs mmdebstrap to build its image: sudo apt-get install mmdebstrap" >&2; exit 1; fi; }
	./$(BIN) image build

# The data-science flavor (numpy, pandas, matplotlib) for the figure tests.
image-datascience: image
	./$(BIN) image build --flavor datascience

run: image
	./$(BIN) run --input '{"values": [3, 1, 4, 1, 5, 9, 2, 6]}' examples/stats.py

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./redact/... ./sandbox/policy/... ./tools/...

# Fuzz targets for a bounded time each.
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzRedact -fuzztime=20s ./redact/
	$(GO) test -run='^$$' -fuzz=FuzzCheck -fuzztime=10s ./sandbox/policy/

# Everything: vet, unit and Docker integration tests (they fail, never skip, without an
# engine or the image), then the fuzz targets.
test: image image-datascience vet
	$(GO) test -race -count=1 -timeout 14m ./...
	$(MAKE) --no-print-directory fuzz

# The container tests again under gVisor: needs runsc registered with the engine as "runsc"
# (`sudo .ci/runsc register` does it; README, "gVisor"). Fails, never skips, without it.
test-runsc: image image-datascience
	@docker info --format '{{range $$k, $$v := .Runtimes}}{{$$k}} {{end}}' | tr ' ' '\n' | grep -qx runsc || { \
	  echo "the Docker engine has no runtime runsc: run 'sudo .ci/runsc register' first" >&2; exit 1; }
	PYCAGE_RUNTIME=runsc $(GO) test -race -count=1 -timeout 14m ./cmd/pycage/ ./sandbox/...

# One table from one run: pycage warm and cold through the MCP server against the
# one-container-per-call reference and the engine floor; then the redactor and the policy.
# With runsc registered with the engine, its warm, cold and reference rows are added.
bench: image
	$(GO) run ./cmd/pycage-bench -bin ./$(BIN) -n 40 \
	  $$(docker info --format '{{range $$k, $$v := .Runtimes}}{{$$k}} {{end}}' | tr ' ' '\n' | grep -qx runsc && echo -also-runtime runsc)
	$(GO) test -run='^$$' -bench=. -benchmem ./redact/ ./sandbox/policy/

clean:
	rm -rf bin
