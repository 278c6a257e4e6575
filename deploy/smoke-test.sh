#!/usr/bin/env bash
# After a deployment (compose, Render, Kubernetes, the native stack): waits
# until BASE_URL/readyz answers 200, then registers a throwaway user, logs in,
# reads it back through /api/me and /api/users/{id}, and deletes it again.
# Exits non-zero with the failing step and response on any surprise.
#   deploy/smoke-test.sh BASE_URL [WAIT_SECONDS]   (default 180)
#   SMOKE_CURL_OPTS=--insecure for a self-signed certificate
set -euo pipefail
base=${1:?usage: smoke-test.sh BASE_URL [WAIT_SECONDS]}
wait_s=${2:-180}
base=${base%/}
read -r -a curl_opts <<<"${SMOKE_CURL_OPTS:-}"
body=$(mktemp)
trap 'rm -f "$body"' EXIT

fail() { echo "smoke-test: $*" >&2; [ -s "$body" ] && { echo "response:" >&2; cat "$body" >&2; echo >&2; }; exit 1; }
# call METHOD PATH WANT_STATUS [JSON] [HEADER]: the body lands in $body.
call() {
  local method=$1 path=$2 want=$3 json=${4:-} header=${5:-X-Smoke-Test: 1} status
  local args=(-sS -o "$body" -w '%{http_code}' -X "$method" -H "$header" "${curl_opts[@]}")
  [ -n "$json" ] && args+=(-H 'Content-Type: application/json' --data "$json")
  status=$(curl "${args[@]}" "$base$path") || fail "$method $path: no answer"
  [ "$status" = "$want" ] || fail "$method $path: HTTP $status, want $want"
}
# The string or number member NAME of the JSON in $body (flat objects only).
member() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$body"; }

deadline=$((SECONDS + wait_s))
until curl -fsS -o "$body" "${curl_opts[@]}" "$base/readyz" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "GET /readyz did not answer 200 within $wait_s s"
  sleep 2
done
echo "ready: $(cat "$body")"

user="smoke_$(date +%s)_$RANDOM"
password="smoke test $(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
credentials="{\"username\":\"$user\",\"password\":\"$password\"}"
call POST /api/register 201 "$credentials"
id=$(member user_id)
[ -n "$id" ] || fail "register: no user_id"
call POST /api/login 200 "$credentials"
token=$(member access_token)
[ -n "$token" ] || fail "login: no access_token"
auth="Authorization: Bearer $token"
call GET /api/me 200 "" "$auth"
[ "$(member username)" = "$user" ] || fail "/api/me is not $user"
call GET "/api/users/$id" 200 "" "$auth"
[ "$(member user_id)" = "$id" ] || fail "/api/users/$id shows another user"
call DELETE "/api/users/$id" 204 "" "$auth"
call GET /api/me 401 "" "$auth"
echo "smoke test passed: registered, logged in, read and deleted $user (id $id) at $base"
