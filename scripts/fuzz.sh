#!/usr/bin/env bash
# Runs each fuzz target briefly (ILM_FUZZTIME each, default 8s): long enough to catch a
# regression in the escaping and decoding they guard, short enough for every CI run. Go
# fuzzes one target per invocation. A failing input is written under the package's
# testdata/fuzz; commit it with the fix as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${ILM_FUZZTIME:-8s}
targets=(
	./connectors/workday:FuzzDecode
	./connectors/workday:FuzzDecodeRoundTrip
	./connectors/scim:FuzzFilterValue
	./connectors/activedirectory:FuzzRDNValue
	./connectors/activedirectory:FuzzEq
	./mappers:FuzzParse
	./mappers:FuzzMapStock
)
for t in "${targets[@]}"; do
	pkg=${t%%:*} name=${t#*:}
	echo "fuzz $name ($pkg, $fuzztime)"
	go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg"
done
