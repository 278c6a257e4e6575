#!/usr/bin/env bash
# Lints docs/openapi.yaml with Redocly CLI (the recommended rules, warnings as
# errors; redocly.yaml says what is changed and why). The npm tooling is
# pinned in package-lock.json and installed on first use.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/install.sh"
cd "$here"
# No telemetry and no update check: no network calls beyond npm's.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  node_modules/.bin/redocly lint --config redocly.yaml --format=stylish
