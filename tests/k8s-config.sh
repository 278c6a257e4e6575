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
# nginx as the image renders it with the ConfigMap's settings (nginx.env).
mapfile -t nginx_settings < <(grep -E '^[A-Z_]+=' "$k8s/nginx.env")
rendered=0
"$repo/tests/container-nginx.sh" "$work" "$build" "${nginx_settings[@]}" \
  EVENTS_REDIS_PASSWORD=0123abcd UPSTREAM_DOMAIN="$namespace.svc.$cluster_domain" || rendered=$?
if [ "$rendered" = 0 ]; then
  cat "$work/nginx/conf"/*.conf >"$work/nginx-all.conf"
else
  [ "$rendered" = 77 ] || fail=1
  : >"$work/nginx-all.conf"
fi

python3 "$repo/tests/k8s_manifests.py" "$repo" "$work/rendered.yaml" "$work/nginx-all.conf" \
  "$namespace.svc.$cluster_domain" || fail=1
exit $fail
