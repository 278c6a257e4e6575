#!/usr/bin/env bash
# PostgreSQL is configured for durability: the stack's postgresql.conf lines
# say fsync, synchronous_commit and full_page_writes on unless PG_FAST=1 (the
# test fixture's throwaway data), and neither the product nor its deployment
# files turn any of them off (e.g. SET synchronous_commit for user writes).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail=0

durable=$(env -u PG_FAST STACK_DIR="$scratch" "$repo/scripts/stack" postgres-settings)
for setting in "fsync = on" "synchronous_commit = on" "full_page_writes = on"; do
  grep -qxF "$setting" <<<"$durable" || { echo "the stack's postgresql.conf lacks '$setting'"; fail=1; }
done
if grep -E '^(fsync|synchronous_commit|full_page_writes) = off' <<<"$durable"; then
  echo "the stack's postgresql.conf turns durability off without PG_FAST"
  fail=1
fi

# Anything that names these settings in the product or its deployment is a
# place that could turn them off: there must be none.
if grep -rniE 'fsync|synchronous_commit|full_page_writes' \
  "$repo/common" "$repo/handlers" "$repo/tools" "$repo/deploy" "$repo/docker-compose.yml" \
  "$repo/render.yaml"; then
  echo "the product or its deployment names a durability setting (above)"
  fail=1
fi

[ "$fail" = 0 ] && echo "durability: fsync, synchronous_commit and full_page_writes are on"
exit "$fail"
