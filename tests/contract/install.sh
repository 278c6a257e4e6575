#!/usr/bin/env bash
# Installs the npm tooling of tests/contract (package-lock.json, `npm ci`)
# when it is missing or the lock file changed since the last install. The
# lint test and the stack fixture may ask at the same time: one installs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v node >/dev/null || { echo "node not found (scripts/stack deps installs it)"; exit 1; }
exec 9<"$here/package-lock.json"
flock 9
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.package-lock.json.installed" 2>/dev/null; then
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  cp "$here/package-lock.json" "$here/node_modules/.package-lock.json.installed"
fi
