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

# A test CA (ca.pem) and a certificate for 127.0.0.1 it signed (server.pem,
# server.key) in folder $1; the CA is readable by the workers' user.
make_oidc_certificate() {
  local out=$1
  mkdir -p "$out"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=crud-test-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign -keyout "$out/ca.key" -out "$out/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$out/server.key" -out "$out/server.csr" 2>/dev/null
  openssl x509 -req -in "$out/server.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
    -days 2 -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
    -out "$out/server.pem" 2>/dev/null
  chmod 755 "$out"
  chmod 644 "$out/ca.pem"
}

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
    # Sign-in with a local OpenID Connect provider, which the sign-in tests
    # start (tests/browser/oidc.test.js) on this port with this certificate,
    # from a test CA the service trusts; down meanwhile, nothing else minds.
    # A short flow lifetime lets the test see a sign-in expire; a sign-in
    # through the provider's pages takes a few seconds.
    oidc_port=$(free_port)
    make_oidc_certificate "$dir/oidc"
    export OIDC_PROVIDERS=local OIDC_LOCAL_ISSUER=https://127.0.0.1:$oidc_port \
      OIDC_LOCAL_CLIENT_ID=crud-test OIDC_LOCAL_CLIENT_SECRET=$(openssl rand -hex 16) \
      OIDC_LOCAL_LABEL="Test provider" OIDC_REDIRECT_BASE_URL=http://127.0.0.1:$port \
      OIDC_CA_FILE=$dir/oidc/ca.pem OIDC_TIMEOUT_S=3 OIDC_FLOW_TTL_S=20
    echo "STACK_DIR=$dir" >"$state"  # lets `down` clean up even a failed start
    "$repo/scripts/stack" up >"$dir/stack-up.log" 2>&1 || { cat "$dir/stack-up.log"; exit 1; }
    {
      echo "BASE_URL=http://127.0.0.1:$port"
      echo "HTTPS_URL=https://127.0.0.1:$https_port"
      echo "HANDLER_DIR=$build/handlers"
      echo "REPO_DIR=$repo"
      echo "CRUDCTL=$build/tools/crudctl"
      echo "OIDC_PORT=$oidc_port"
      echo "OIDC_ISSUER=$OIDC_LOCAL_ISSUER"
      echo "OIDC_CLIENT_ID=$OIDC_LOCAL_CLIENT_ID"
      echo "OIDC_CLIENT_SECRET=$OIDC_LOCAL_CLIENT_SECRET"
      echo "OIDC_REDIRECT_URI=$OIDC_REDIRECT_BASE_URL/api/oauth/local/callback"
      echo "OIDC_CERT=$dir/oidc/server.pem"
      echo "OIDC_KEY=$dir/oidc/server.key"
      echo "OIDC_FLOW_TTL_S=$OIDC_FLOW_TTL_S"
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
