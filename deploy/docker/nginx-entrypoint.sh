#!/bin/sh
# Entrypoint of the nginx image: renders the config with this container's
# settings (nginx-render.sh), makes a self-signed certificate when none is
# mounted at TLS_CERT/TLS_KEY, and runs nginx in the foreground as the
# image's unprivileged user.
set -eu
die() { echo "nginx-entrypoint: $*" >&2; exit 1; }

export NGINX_DIR="${NGINX_DIR:-/var/lib/crud-nginx}" CONF_DIR="${CONF_DIR:-/var/lib/crud-nginx/conf}"
export RUN_DIR="${RUN_DIR:-/run/crud/nginx}"
export TLS_CERT="${TLS_CERT:-/etc/crud/tls/tls.crt}" TLS_KEY="${TLS_KEY:-/etc/crud/tls/tls.key}"
if [ ! -s "$TLS_CERT" ] || [ ! -s "$TLS_KEY" ]; then
  own=$NGINX_DIR/tls
  if [ ! -s "$own/tls.key" ]; then
    echo "nginx-entrypoint: no certificate at $TLS_CERT; making a self-signed one for localhost" >&2
    (umask 077 && mkdir -p "$own" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -days 825 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
      -keyout "$own/tls.key" -out "$own/tls.crt" 2>/dev/null)
  fi
  export TLS_CERT="$own/tls.crt" TLS_KEY="$own/tls.key"
fi

[ -w "$RUN_DIR" ] || die "$RUN_DIR (the volume shared with the workers) is not writable by uid $(id -u)"
nginx-render
# A socket left by a killed nginx would make the listen fail.
rm -f "$RUN_DIR/nginx-internal.sock"
exec nginx -p "$NGINX_DIR" -c "$CONF_DIR/nginx.conf" -e stderr -g 'daemon off;'
