#!/bin/sh
# The namespace ILM works in, made once: $NAMESPACE with $RETENTION of closed workflows'
# history. The server may still be starting: ask again for a minute.
set -eu
for _ in $(seq 1 30); do
	temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break
	sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1; then
	echo "create-namespace.sh: namespace $NAMESPACE exists"
	exit 0
fi
temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --retention "$RETENTION"
