#!/usr/bin/env bash
# Every environment variable the service reads is documented in
# docs/configuration.md, and every variable documented there is read.
# Read: Config's env_or/env_int/getenv calls in common/, handlers/, tools/,
# and the ${NAME:-default} style reads of scripts/stack, the scanners
# (scripts/scan-*), the fuzz runner (tests/fuzz/run) and the container
# scripts (deploy/docker/*.sh). Documented: the backticked names in the
# first column of configuration.md's tables; NAME_<WHAT> stands for a family
# of variables (read as `env | grep '^NAME_'`).
set -euo pipefail
repo=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
doc=$repo/docs/configuration.md
cd "$repo"

read_by_code() {
  # clang-format may break a call after its "(": read the sources as one line.
  cat common/src/*.cpp handlers/*.cpp tools/*.cpp | tr '\n' ' ' |
    grep -oE '\b(env_or|env_int|env_internal_address|getenv)\( *"[A-Z][A-Z0-9_]*"' | sed 's/.*"\(.*\)"$/\1/'
  grep -ohE '\$\{[A-Z][A-Z0-9_]*:[-?=]' scripts/stack scripts/scan-* tests/fuzz/run deploy/docker/*.sh |
    sed 's/^\${//; s/:.$//'
  grep -ohE "grep '\^[A-Z][A-Z0-9_]*_'" scripts/stack deploy/docker/*.sh | sed "s/^grep '^//; s/'\$/*/"
}

documented() {
  # First cell of each table row; its backticked names; NAME_<WHAT> -> NAME_*.
  # shellcheck disable=SC2016 # the backticks are markdown's
  grep '^|' "$doc" | cut -d'|' -f2 | grep -oE '`[A-Z][A-Z0-9_]*(<[A-Z_]+>)?`' |
    tr -d '`' | sed 's/<[A-Z_]*>$/*/'
}

read_list=$(read_by_code | sort -u)
doc_list=$(documented | sort -u)
[ "$(echo "$read_list" | wc -l)" -gt 20 ] || { echo "found too few variables in the code: $read_list" >&2; exit 1; }

status=0
undocumented=$(comm -23 <(echo "$read_list") <(echo "$doc_list"))
unread=$(comm -13 <(echo "$read_list") <(echo "$doc_list"))
if [ -n "$undocumented" ]; then
  echo "read by the code but not documented in docs/configuration.md: $(echo "$undocumented" | tr '\n' ' ')" >&2
  status=1
fi
if [ -n "$unread" ]; then
  echo "documented in docs/configuration.md but read by nothing: $(echo "$unread" | tr '\n' ' ')" >&2
  status=1
fi
[ "$status" = 0 ] && echo "$(echo "$read_list" | wc -l) variables, each read and documented"
exit "$status"
