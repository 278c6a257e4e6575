#!/usr/bin/env bash
# Installs the browser tests' npm packages (package-lock.json, exactly) into
# tests/browser/node_modules. npm ci starts from scratch every time, so it
# runs only when the lock file differs from the one last installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
stamp=node_modules/.installed-package-lock.json
cmp -s package-lock.json "$stamp" && exit 0
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
