#!/usr/bin/env bash
# Checks the container files offline (no Docker engine here): docker-compose
# resolves docker-compose.yml with .env.example, every endpoint of
# handlers/pools.conf has its compose service, the nginx image's rendering of
# nginx/*.conf passes `nginx -t`, and hadolint lints the Dockerfile if present.
#   tests/deploy-config.sh [BUILD_DIR]   (BUILD_DIR/tools/crudctl makes errors.conf)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

command -v docker-compose >/dev/null ||
  { echo "docker-compose not found: apt-get install docker-compose"; exit 1; }
# A clean environment: a variable set in the caller's shell must not hide
# one that .env.example lacks.
compose() {
  env -i PATH="$PATH" HOME="$work" docker-compose -f "$repo/docker-compose.yml" \
    --project-directory "$repo" --env-file "$repo/.env.example" "$@"
}
compose config -q
compose config >"$work/compose.yml"

# Every endpoint runs as its own service with the image's pool, as many
# replicas as pools.conf has pools, and nginx's address as the only client.
python3 - "$repo/handlers/pools.conf" "$work/compose.yml" <<'PY' || fail=1
import sys, yaml
pools = {}
for line in open(sys.argv[1]):
    fields = line.split()
    if fields and not fields[0].startswith("#"):
        pools[fields[0]] = int(fields[1])
services = yaml.safe_load(open(sys.argv[2]))["services"]
nginx_ip = services["nginx"]["networks"]["backend"]["ipv4_address"]
problems = []
for endpoint, count in pools.items():
    s = services.get(endpoint)
    if s is None:
        problems.append(f"{endpoint}: no service in docker-compose.yml")
        continue
    env = s.get("environment", {})
    checks = {
        "ENDPOINT": env.get("ENDPOINT") == endpoint,
        "image": s.get("image", "").startswith("crud-service:"),
        f"replicas {count}": s.get("deploy", {}).get("replicas") == count,
        "FCGI_WEB_SERVER_ADDRS": env.get("FCGI_WEB_SERVER_ADDRS") == nginx_ip,
        "pid: service:pidns": s.get("pid") == "service:pidns",
        "after migrate": s.get("depends_on", {}).get("migrate", {}).get("condition")
        == "service_completed_successfully",
        "nginx waits for it": endpoint in services["nginx"].get("depends_on", {}),
    }
    problems += [f"{endpoint}: wrong or missing {what}" for what, ok in checks.items() if not ok]
for name, s in services.items():
    endpoint = s.get("environment", {}).get("ENDPOINT") if isinstance(s.get("environment"), dict) else None
    if endpoint and endpoint not in pools:
        problems.append(f"{name}: ENDPOINT {endpoint} is not in handlers/pools.conf")
print("\n".join(problems) or f"compose: {len(pools)} endpoint services match handlers/pools.conf")
sys.exit(1 if problems else 0)
PY

# nginx's config as the image renders it, with the image's /api/docs files
# laid out as the Dockerfile does.
mkdir -p "$work/api-docs"
cp "$repo/docs/openapi.yaml" "$repo/nginx/api-docs/index.html" "$work/api-docs/"
rendered=0
"$repo/tests/container-nginx.sh" "$work" "$build" EVENTS_REDIS_PASSWORD=0123abcd \
  API_DOCS="$work/api-docs" || rendered=$?
if [ "$rendered" = 0 ]; then
  # Every endpoint of pools.conf is routed to, and nothing else.
  # shellcheck disable=SC2016 # nginx's variable
  routed=$(grep -ohE 'fastcgi_pass +[a-z_]+:\$crud_fcgi_port' "$work/nginx/conf"/*.conf |
    sed -E 's/fastcgi_pass +//; s/:.*//' | sort -u)
  pooled=$(awk '!/^#/ && NF { print $1 }' "$repo/handlers/pools.conf" | sort -u)
  if [ "$routed" != "$pooled" ]; then
    echo "nginx routes to: $(echo "$routed" | tr '\n' ' '); pools.conf has: $(echo "$pooled" | tr '\n' ' ')"
    fail=1
  fi
  cmp -s "$repo/docs/openapi.yaml" "$work/nginx/api-docs/openapi.yaml" ||
    { echo "nginx-render did not put the OpenAPI document where /api/openapi.yaml reads it"; fail=1; }
elif [ "$rendered" != 77 ]; then
  fail=1
fi

if command -v hadolint >/dev/null; then
  hadolint "$repo/deploy/docker/Dockerfile" || fail=1
else
  echo "skipped: hadolint (not packaged in Debian 12)"
fi
exit $fail
