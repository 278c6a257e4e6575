#!/usr/bin/env bash
# Renders nginx's config as the nginx image does (deploy/docker/nginx-render.sh)
# into WORK/nginx/conf, with the image's settings pointed at the repository
# and a throwaway certificate, plus the NAME=VALUE settings given (later ones
# win), and runs `nginx -t` on it. Used by the offline checks of the
# deployment forms (deploy-config.sh, k8s-config.sh, render-config.sh).
#   tests/container-nginx.sh WORK BUILD_DIR [NAME=VALUE...]
# Exits 77 (skipped) without nginx, libnginx-mod-nchan or BUILD_DIR/tools/crudctl.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$1 build=$2
shift 2
if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ] ||
  [ ! -x "$build/tools/crudctl" ]; then
  echo "skipped: nginx -t of the container config (needs nginx, libnginx-mod-nchan and $build/tools/crudctl)"
  exit 77
fi
mkdir -p "$work/run" "$work/log" "$work/nginx"
"$build/tools/crudctl" nginx-errors >"$work/errors.conf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=localhost -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
env -i PATH="$PATH" TEMPLATES="$repo/nginx" ERRORS_CONF="$work/errors.conf" \
  UPSTREAMS_CONF="$repo/deploy/docker/nginx-upstreams.conf" CONF_DIR="$work/nginx/conf" \
  NGINX_DIR="$work/nginx" RUN_DIR="$work/run" LOG_DIR="$work/log" \
  TLS_CERT="$work/tls.crt" TLS_KEY="$work/tls.key" "$@" "$repo/deploy/docker/nginx-render.sh"
nginx -q -t -p "$work/nginx" -c "$work/nginx/conf/nginx.conf" -e "$work/log/nginx-error.log" ||
  { cat "$work/log/nginx-error.log"; exit 1; }
