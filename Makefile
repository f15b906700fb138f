# ILM — make targets. `make demo` and `make test` are the README's two commands.
GO ?= go
BIN := bin

.PHONY: build demo test test-unit test-integration test-faults test-scale fuzz record-histories lint bench clean

build:
	$(GO) build -o $(BIN)/ilm ./starter
	$(GO) build -o $(BIN)/ilm-worker ./workers

# Local dev server (SQLite, Web UI on :8233), worker on the SQLite store, schedules, one poll
# of the bundled sample report.
demo: build
	scripts/demo.sh

# Unit and integration tests against real PostgreSQL and Temporal dev servers.
test:
	scripts/test.sh all

test-unit:
	scripts/test.sh unit

test-integration:
	scripts/test.sh integration

# The fault suite (integration/faults_test.go): FAULT_PEOPLE new hires into AD, Okta and a
# SCIM app, then their activations, through two worker kills, a Temporal server restart, the
# DC down for a minute, Okta answering 429 for two minutes and SMTP down. It stops and starts
# the Samba DC: run it alone. FAULT_PEOPLE=500 is the issue's size.
FAULT_PEOPLE ?= 60
test-faults:
	ILM_FAULT_PEOPLE=$(FAULT_PEOPLE) scripts/test.sh faults

# The scale-out suite (integration/scale_test.go): SCALE_PEOPLE new hires into AD and the
# Okta stand-in through two ilm-worker processes on a PostgreSQL store and one Temporal dev
# server of its own; one worker is SIGKILLed a quarter of the way. It prints what each worker did.
SCALE_PEOPLE ?= 1000
test-scale:
	ILM_SCALE_PEOPLE=$(SCALE_PEOPLE) scripts/test.sh scale

# Each fuzz target for ILM_FUZZTIME (default 8s); test-unit and test run it too.
fuzz:
	scripts/fuzz.sh

# Records one history of each workflow type from the integration tests into
# workflows/testdata/histories, for the replay test; delete a file to record it again.
record-histories:
	ILM_RECORD_HISTORIES=$(CURDIR)/workflows/testdata/histories scripts/test.sh integration

lint:
	test -z "$$(gofmt -l .)" || (gofmt -l . && false)
	$(GO) vet ./...
	$(GO) vet -tags integration ./integration/...
	$(GO) vet -tags integration,faults ./integration/...
	$(GO) vet -tags integration,scale ./integration/...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...
	$(GO) run go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0 ./workflows/...

# 100k-person report planned against 100k stored profiles (ratio to a bare JSON decode, peak
# RSS); 10k Okta System Log events through App Sync on a dev server (ratio to raw paging); the
# AD pipeline: 1000 new hires and their activations into Samba (ratios to no-op workflows and
# raw LDAPS), and one new hire's time to an enabled account.
bench:
	scripts/bench.sh

clean:
	rm -rf $(BIN) .demo
