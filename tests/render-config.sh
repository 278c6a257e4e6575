#!/usr/bin/env bash
# Checks render.yaml offline: it validates against the Blueprint schema in
# tests/render-blueprint.schema.json (written from Render's documented
# fields), every endpoint of handlers/pools.conf is a private service with the
# same settings as the others, every reference (fromService, fromDatabase,
# fromGroup) names something the Blueprint defines, and no secret is inline;
# then nginx's config, rendered with the settings crud-nginx gets on Render
# (references filled in as Render would), passes `nginx -t` and sends every
# endpoint to its private service.
#   tests/render-config.sh [BUILD_DIR]   (BUILD_DIR/tools/crudctl makes errors.conf)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian's Python with python3-yaml and python3-jsonschema (scripts/stack deps).
/usr/bin/python3 - "$repo" "$work/nginx.env" <<'PY'
import json, sys, yaml, jsonschema

repo = sys.argv[1]
blueprint = yaml.safe_load(open(f"{repo}/render.yaml"))
schema = json.load(open(f"{repo}/tests/render-blueprint.schema.json"))
problems = [f"schema: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in jsonschema.Draft7Validator(schema).iter_errors(blueprint)]
if problems:
    sys.exit("\n".join(problems))

services = {s["name"]: s for s in blueprint.get("services", [])}
databases = {d["name"] for d in blueprint.get("databases", [])}
groups = {g["name"]: g for g in blueprint.get("envVarGroups", [])}

def env_of(service):
    """The service's variables by key, with its groups' variables merged in."""
    env = {}
    for var in service.get("envVars", []):
        if "fromGroup" in var:
            env.update({v["key"]: v for v in groups[var["fromGroup"]].get("envVars", [])})
        else:
            env[var["key"]] = var
    return env

# Every reference resolves, to a resource of the stated type.
for name, s in services.items():
    for var in s.get("envVars", []):
        where = f"{name}: {var.get('key', var.get('fromGroup'))}"
        if "fromGroup" in var and var["fromGroup"] not in groups:
            problems.append(f"{where}: no envVarGroup {var['fromGroup']}")
        if "fromDatabase" in var and var["fromDatabase"]["name"] not in databases:
            problems.append(f"{where}: no database {var['fromDatabase']['name']}")
        ref = var.get("fromService")
        if ref:
            target = services.get(ref["name"])
            if target is None or target["type"] != ref["type"]:
                problems.append(f"{where}: no {ref['type']} service {ref['name']}")
            elif "envVarKey" in ref and ref["envVarKey"] not in env_of(target):
                problems.append(f"{where}: {ref['name']} has no variable {ref['envVarKey']}")
if problems:
    sys.exit("\n".join(problems))

# Secrets are never written into the file.
for name, s in list(services.items()) + list(groups.items()):
    for key, var in env_of(s).items():
        secret = any(word in key for word in ("PASSWORD", "SECRET", "KEYS", "KEY"))
        if secret and "value" in var:
            problems.append(f"{name}: {key} has an inline value; use sync: false or a reference")

# Every endpoint of pools.conf: a private service running its pool, set up
# like all the others, with what the image's entrypoint requires.
endpoints = [line.split()[0] for line in open(f"{repo}/handlers/pools.conf")
             if line.split() and not line.startswith("#")]
required = {"ENDPOINT", "PORT", "DATABASE_URL", "REDIS_URL", "JWT_KEYS", "SESSION_SECRET",
            "TOTP_ENCRYPTION_KEY", "FCGI_WEB_SERVER_ADDRS", "EVENTS_PUBLISH_SOCKET"}
secrets = {"JWT_KEYS", "SESSION_SECRET", "TOTP_ENCRYPTION_KEY"}  # typed in on one, read by all
def shape(s):
    """What must be equal between endpoint services: all but name, ENDPOINT and secrets."""
    env = {k: v for k, v in env_of(s).items() if k != "ENDPOINT" and k not in secrets}
    rest = {k: v for k, v in s.items() if k not in ("name", "envVars", "preDeployCommand")}
    return json.dumps([rest, env], sort_keys=True)
shapes = {}
for endpoint in endpoints:
    name = "crud-" + endpoint.replace("_", "-")
    s = services.get(name)
    if s is None or s["type"] != "pserv":
        problems.append(f"{endpoint}: no private service {name}")
        continue
    env = env_of(s)
    if env.get("ENDPOINT", {}).get("value") != endpoint:
        problems.append(f"{name}: ENDPOINT is not {endpoint}")
    if missing := required - env.keys():
        problems.append(f"{name}: missing {', '.join(sorted(missing))}")
    if not s["image"]["url"].split("/")[-1].startswith("crud-service:"):
        problems.append(f"{name}: not the crud-service image")
    shapes.setdefault(shape(s), []).append(name)
if len(shapes) > 1:
    problems.append("endpoint services differ beyond their name and ENDPOINT: "
                    + " | ".join(", ".join(names) for names in shapes.values()))
extra = {n for n, s in services.items() if s["type"] == "pserv"} - {
    "crud-" + e.replace("_", "-") for e in endpoints}
if extra:
    problems.append(f"private services that are no endpoint: {', '.join(sorted(extra))}")
migrations = [n for n, s in services.items() if s.get("preDeployCommand") == "crudctl migrate"]
if len(migrations) != 1:
    problems.append(f"want exactly one service that migrates before deploying, got {migrations}")

# The edge: one public nginx with the health check, the events Redis.
web = [s for s in services.values() if s["type"] == "web"]
if len(web) != 1 or not web[0]["image"]["url"].split("/")[-1].startswith("crud-nginx:"):
    problems.append("want exactly one web service, running the crud-nginx image")
elif web[0].get("healthCheckPath") != "/healthz":
    problems.append("crud-nginx: healthCheckPath is not /healthz")
if len(databases) != 1:
    problems.append("want one PostgreSQL database")

print("\n".join(problems) or
      f"render.yaml: {len(endpoints)} endpoint services, nginx, {len(databases)} database, "
      f"{sum(s['type'] == 'keyvalue' for s in services.values())} Key Value instances")
if problems:
    sys.exit(1)

# crud-nginx's environment as Render would fill it in: a host name with a
# suffix for each service, a connection string for each Key Value.
def resolve(var):
    ref = var.get("fromService")
    if ref is None:
        return str(var["value"])
    if ref["type"] == "keyvalue":
        return "redis://red-" + ref["name"].replace("-", "") + ":6379"
    return ref["name"] + "-x1y2"
with open(sys.argv[2], "w") as out:
    for key, var in env_of(web[0]).items():
        out.write(f"{key}={resolve(var)}\n")
PY

mapfile -t render_env <"$work/nginx.env"
rendered=0
"$repo/tests/container-nginx.sh" "$work" "$build" "${render_env[@]}" || rendered=$?
[ "$rendered" = 77 ] && exit 0
[ "$rendered" = 0 ] || exit 1
# Every endpoint goes to its own private service, and nothing else is left.
# shellcheck disable=SC2016 # nginx's variable
routed=$(grep -ohE 'fastcgi_pass +[a-z0-9.-]+:\$crud_fcgi_port' "$work/nginx/conf"/*.conf |
  sed -E 's/fastcgi_pass +//; s/:.*//' | sort -u)
want=$(awk '!/^#/ && NF { gsub("_", "-", $1); print "crud-" $1 "-x1y2" }' "$repo/handlers/pools.conf" | sort -u)
if [ "$routed" != "$want" ]; then
  echo "nginx on Render routes to: $(echo "$routed" | tr '\n' ' '); want: $(echo "$want" | tr '\n' ' ')"
  exit 1
fi
grep -q 'nchan_redis_server "redis://red-crudeventsredis:6379";' "$work/nginx/conf/nginx.conf" ||
  { echo "nginx on Render does not use the events Key Value"; exit 1; }
echo "nginx as Render runs it: nginx -t passes, $(echo "$routed" | wc -l) endpoints routed to their private services"
