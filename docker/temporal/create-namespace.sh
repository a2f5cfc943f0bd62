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
# Every workflow carries its tenant in the TenantId search attribute (README, Security): starts fail without it.
temporal operator search-attribute create --name TenantId --type Keyword -n "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  && echo "search attribute TenantId created" || echo "search attribute TenantId exists"
