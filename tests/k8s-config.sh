#!/usr/bin/env bash
# Checks deploy/k8s offline (no cluster here): `kubectl kustomize` renders it,
# the generated endpoints/ match handlers/pools.conf, every endpoint has its
# Deployment, Service, HPA, PDB and an nginx route to its Service, probes,
# resources, images, securityContext and NetworkPolicies are as required,
# no secret value is inline, and nginx's Kubernetes rendering passes nginx -t.
#   tests/k8s-config.sh [BUILD_DIR]   (BUILD_DIR/tools/crudctl makes errors.conf)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
k8s=$repo/deploy/k8s
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

command -v kubectl >/dev/null || { echo "kubectl not found (scripts/stack's PACKAGES)"; exit 1; }
kubectl kustomize "$k8s" >"$work/rendered.yaml"

mkdir "$work/endpoints"
"$k8s/endpoints/generate.sh" "$work/endpoints"
diff -r -x generate.sh "$work/endpoints" "$k8s/endpoints" ||
  { echo "deploy/k8s/endpoints is out of date: run deploy/k8s/endpoints/generate.sh"; fail=1; }

# nginx's config as the nginx pod renders it (nginx.env, the pod's namespace).
namespace=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["namespace"])' \
  "$k8s/kustomization.yaml")
cluster_domain=$(sed -n 's/^CLUSTER_DOMAIN=//p' "$k8s/nginx.env")
if command -v nginx >/dev/null && [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] &&
  [ -x "$build/tools/crudctl" ]; then
  mkdir -p "$work/run" "$work/log" "$work/nginx"
  "$build/tools/crudctl" nginx-errors >"$work/errors.conf"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=localhost -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
  (
    set -a
    # shellcheck disable=SC1091 # the ConfigMap's source
    . "$k8s/nginx.env"
    set +a
    TEMPLATES=$repo/nginx ERRORS_CONF=$work/errors.conf \
      UPSTREAMS_CONF=$repo/deploy/docker/nginx-upstreams.conf CONF_DIR=$work/nginx/conf \
      NGINX_DIR=$work/nginx RUN_DIR=$work/run LOG_DIR=$work/log EVENTS_REDIS_PASSWORD=0123abcd \
      TLS_CERT=$work/tls.crt TLS_KEY=$work/tls.key \
      UPSTREAM_DOMAIN="$namespace.svc.$cluster_domain" "$repo/deploy/docker/nginx-render.sh"
  )
  nginx -q -t -p "$work/nginx" -c "$work/nginx/conf/nginx.conf" -e "$work/log/nginx-error.log" ||
    { cat "$work/log/nginx-error.log"; fail=1; }
  cat "$work/nginx/conf"/*.conf >"$work/nginx-all.conf"
else
  echo "skipped: nginx's Kubernetes rendering (needs nginx, libnginx-mod-nchan and $build/tools/crudctl)"
  : >"$work/nginx-all.conf"
fi

python3 "$repo/tests/k8s_manifests.py" "$repo" "$work/rendered.yaml" "$work/nginx-all.conf" \
  "$namespace.svc.$cluster_domain" || fail=1
exit $fail
