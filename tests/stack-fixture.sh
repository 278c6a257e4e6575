#!/usr/bin/env bash
# CTest fixture for the integration tests: `up BUILD_DIR` starts a private
# stack (PostgreSQL, Redis, pools, nginx) in a fresh temp folder on a free
# port and writes BUILD_DIR/test-stack.env for the tests; `down BUILD_DIR`
# stops it, keeps its logs in BUILD_DIR/test-logs, and fails if a sanitizer
# reported anything.
set -euo pipefail
action=$1
build=$(cd "$2" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$build/test-stack.env

# shellcheck source=tests/free-port.sh
. "$repo/tests/free-port.sh"

stop_stack() {
  [ -f "$state" ] || return 0
  local dir
  dir=$(sed -n 's/^STACK_DIR=//p' "$state")
  STACK_DIR=$dir "$repo/scripts/stack" down || true
  rm -rf "$build/test-logs"
  cp -r "$dir/log" "$build/test-logs" 2>/dev/null || true
  rm -rf "$dir"
  rm -f "$state"
}

case "$action" in
  up)
    stop_stack  # a stack left over from an interrupted run
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crud-test.XXXXXX")
    chmod 755 "$dir"
    port=$(free_port)
    https_port=$(free_port)
    events_redis_port=$(free_port)
    export STACK_DIR=$dir HTTP_PORT=$port HTTPS_PORT=$https_port EVENTS_REDIS_PORT=$events_redis_port BUILD_DIR=$build SKIP_BUILD=1 PG_FAST=1
    # Cheapest argon2id cost: tests exercise hashing, not its strength.
    export PASSWORD_OPSLIMIT=1 PASSWORD_MEMLIMIT=8192
    # The suite logs in thousands of times from one address.
    export RATE_AUTH=100000r/s BURST_AUTH=100000 RATE_API=100000r/s BURST_API=100000
    export ASAN_OPTIONS="log_path=$dir/log/sanitizer:detect_leaks=1"
    export UBSAN_OPTIONS="log_path=$dir/log/sanitizer:print_stacktrace=1"
    echo "STACK_DIR=$dir" >"$state"  # lets `down` clean up even a failed start
    "$repo/scripts/stack" up >"$dir/stack-up.log" 2>&1 || { cat "$dir/stack-up.log"; exit 1; }
    {
      echo "BASE_URL=http://127.0.0.1:$port"
      echo "HTTPS_URL=https://127.0.0.1:$https_port"
      echo "HANDLER_DIR=$build/handlers"
      echo "REPO_DIR=$repo"
      echo "CRUDCTL=$build/tools/crudctl"
      "$repo/scripts/stack" env  # after `up`: the database password exists now
    } >>"$state"
    echo "test stack up at http://127.0.0.1:$port ($dir)"
    ;;
  down)
    dir=$(sed -n 's/^STACK_DIR=//p' "$state" 2>/dev/null || true)
    stop_stack
    reports=$(ls "$build"/test-logs/sanitizer.* 2>/dev/null || true)
    if [ -n "$reports" ]; then
      echo "sanitizer reports from the stack ($dir):"
      cat $reports
      exit 1
    fi
    ;;
  *) echo "usage: $0 up|down BUILD_DIR" >&2; exit 64 ;;
esac
