#!/bin/sh
# temporalio/server (unlike the deprecated auto-setup image) creates no namespace by itself.
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  echo "waiting for Temporal at $TEMPORAL_ADDRESS…"; sleep 2
done
if temporal operator namespace describe -n "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NS exists"
else
  temporal operator namespace create -n "$NS" --retention "${TEMPORAL_NAMESPACE_RETENTION:-720h}" --address "$TEMPORAL_ADDRESS"
  echo "namespace $NS created"
fi
