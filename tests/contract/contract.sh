#!/usr/bin/env bash
# Runs the contract test (contract.test.mjs) against the stack described by
# TEST_STACK_ENV (the CTest fixture `stack` writes it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/install.sh"
command -v oathtool >/dev/null || { echo "oathtool not found (scripts/stack deps installs it)"; exit 1; }
exec node --test --test-reporter=spec "$here/contract.test.mjs"
