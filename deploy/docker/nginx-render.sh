#!/bin/sh
# Renders the repo's nginx templates for a container, as scripts/stack's
# render_nginx does for the native stack, with the container's differences:
# listen on every interface, the events Redis by host name, endpoints over TCP FastCGI
# (nginx-upstreams.conf), the internal server also on TCP INTERNAL_PORT for
# workers in other containers. Settings come from the environment; the
# defaults are the nginx image's paths. tests/deploy-config.sh and
# tests/k8s-config.sh render with it too.
set -eu
die() { echo "nginx-render: $*" >&2; exit 1; }

TEMPLATES=${TEMPLATES:-/etc/crud-nginx/nginx}      # the repo's nginx/
ERRORS_CONF=${ERRORS_CONF:-/etc/crud-nginx/errors.conf}  # `crudctl nginx-errors`
UPSTREAMS_CONF=${UPSTREAMS_CONF:-/etc/crud-nginx/upstreams.conf}
CONF_DIR=${CONF_DIR:-/var/lib/crud-nginx/conf}
NGINX_DIR=${NGINX_DIR:-/var/lib/crud-nginx}
API_DOCS=${API_DOCS:-/etc/crud-nginx/api-docs}  # openapi.yaml, the Redoc page and bundle
RUN_DIR=${RUN_DIR:-/run/crud/nginx}              # internal socket, shared with the workers
LOG_DIR=${LOG_DIR:-/var/log/crud-nginx}          # links to the container's stdout/stderr
HTML_DIR=${HTML_DIR:-$TEMPLATES/html}            # the web UI (the repo's nginx/html)
HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
FORCE_HTTPS=${FORCE_HTTPS:-1}
RATE_AUTH=${RATE_AUTH:-10r/m}
BURST_AUTH=${BURST_AUTH:-10}
RATE_API=${RATE_API:-50r/s}
BURST_API=${BURST_API:-100}
EVENTS_REDIS_HOST=${EVENTS_REDIS_HOST:-events-redis}
EVENTS_REDIS_PORT=${EVENTS_REDIS_PORT:-6379}
RESOLVER=${RESOLVER:-127.0.0.11}  # "system": the first nameserver of /etc/resolv.conf
INTERNAL_PORT=${INTERNAL_PORT:-8081}  # nchan publisher and stub_status over TCP
# Kubernetes: endpoint NAME is the Service NAME-with-dashes.UPSTREAM_DOMAIN
# (no underscores in Service names; nginx's resolver has no search domains).
UPSTREAM_DOMAIN=${UPSTREAM_DOMAIN:-}
# Addresses of a proxy in front (an Ingress controller), comma-separated
# CIDRs: the client address is then taken from its X-Forwarded-For, so rate
# limits and /metrics' private-network rule see the real client.
REAL_IP_FROM=${REAL_IP_FROM:-}
# The events Redis as one URL (redis://[:PASSWORD@]HOST:PORT, as managed Key
# Value services hand it out) instead of EVENTS_REDIS_HOST/PORT/PASSWORD.
EVENTS_REDIS_URL=${EVENTS_REDIS_URL:-}
if [ -z "$EVENTS_REDIS_URL" ]; then
  : "${EVENTS_REDIS_PASSWORD:?EVENTS_REDIS_PASSWORD (or EVENTS_REDIS_URL) is required (nchan keeps live events in Redis)}"
fi
EVENTS_REDIS_PASSWORD=${EVENTS_REDIS_PASSWORD:-}
: "${TLS_CERT:?TLS_CERT is required}" "${TLS_KEY:?TLS_KEY is required}"

# They go into a URL and a sed replacement: letters, digits and ._~- only.
case "$EVENTS_REDIS_PASSWORD" in *[!A-Za-z0-9._~-]*) die "EVENTS_REDIS_PASSWORD may hold only A-Z a-z 0-9 . _ ~ - (e.g. openssl rand -hex 24)" ;; esac
case "$EVENTS_REDIS_URL" in '' | redis://*) ;; *) die "EVENTS_REDIS_URL must start with redis://" ;; esac
case "${EVENTS_REDIS_URL#redis://}" in *[!A-Za-z0-9._~:@-]*) die "EVENTS_REDIS_URL may hold only A-Z a-z 0-9 . _ ~ - : @ after redis://" ;; esac
case "$FORCE_HTTPS" in 0 | 1) ;; *) die "FORCE_HTTPS must be 0 or 1" ;; esac
case "$INTERNAL_PORT" in '' | *[!0-9]*) die "INTERNAL_PORT must be a port number" ;; esac
case "$UPSTREAM_DOMAIN" in *[!a-z0-9.-]*) die "UPSTREAM_DOMAIN may hold only a-z 0-9 . -" ;; esac
case "$REAL_IP_FROM" in *[!0-9a-fA-F.:/,]*) die "REAL_IP_FROM must be comma-separated CIDRs" ;; esac
if [ "$RESOLVER" = system ]; then
  RESOLVER=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
  [ -n "$RESOLVER" ] || die "RESOLVER=system but /etc/resolv.conf names no nameserver"
  case "$RESOLVER" in *:*) RESOLVER="[$RESOLVER]" ;; esac
fi

# A placeholder this script does not know means the templates moved on.
known="USER_DIRECTIVE RUN_DIR LOG_DIR NGINX_DIR CONF_DIR HTTP_PORT HTTPS_PORT FORCE_HTTPS
RATE_AUTH BURST_AUTH RATE_API BURST_API EVENTS_REDIS_PORT EVENTS_REDIS_PASSWORD TLS_CERT TLS_KEY
HTML_DIR"
for name in $(sed 's/^[[:space:]]*#.*//; s/[[:space:]]#.*//' "$TEMPLATES"/*.conf |
  grep -o '@[A-Z][A-Z_]*@' | tr -d @ | sort -u); do
  echo "$known" | tr ' ' '\n' | grep -qx "$name" || die "unknown placeholder @$name@ in $TEMPLATES"
done

umask 077  # the rendered files hold the events Redis password
mkdir -p "$CONF_DIR" "$NGINX_DIR/tmp"
for f in "$TEMPLATES"/*.conf; do
  # shellcheck disable=SC2016 # $crud_fcgi_port is nginx's variable
  sed -e 's|listen 127\.0\.0\.1:|listen |' \
    -e "s|127\\.0\\.0\\.1:@EVENTS_REDIS_PORT@|$EVENTS_REDIS_HOST:@EVENTS_REDIS_PORT@|" \
    -e 's|^\([[:space:]]*fastcgi_pass[[:space:]][[:space:]]*\)\([a-z_][a-z_]*\);|\1\2:$crud_fcgi_port;|' \
    -e "s|@USER_DIRECTIVE@||g" -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LOG_DIR@|$LOG_DIR|g" \
    -e "s|@NGINX_DIR@|$NGINX_DIR|g" -e "s|@CONF_DIR@|$CONF_DIR|g" \
    -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
    -e "s|@FORCE_HTTPS@|$FORCE_HTTPS|g" -e "s|@RATE_AUTH@|$RATE_AUTH|g" \
    -e "s|@BURST_AUTH@|$BURST_AUTH|g" -e "s|@RATE_API@|$RATE_API|g" -e "s|@BURST_API@|$BURST_API|g" \
    -e "s|@EVENTS_REDIS_PORT@|$EVENTS_REDIS_PORT|g" \
    -e "s|@EVENTS_REDIS_PASSWORD@|$EVENTS_REDIS_PASSWORD|g" \
    -e "s|@TLS_CERT@|$TLS_CERT|g" -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@HTML_DIR@|$HTML_DIR|g" \
    "$f" >"$CONF_DIR/${f##*/}"
done
cp "$ERRORS_CONF" "$CONF_DIR/errors.conf"
# The OpenAPI document and the Redoc page (the image's copies), where
# api-docs.conf serves them from.
if [ -d "$API_DOCS" ]; then
  mkdir -p "$NGINX_DIR/api-docs"
  cp "$API_DOCS"/* "$NGINX_DIR/api-docs/"
fi
: >"$CONF_DIR/extra-routes.conf"  # the native stack's NGINX_EXTRA_ROUTES: none here
sed "s|@RESOLVER@|$RESOLVER|g" "$UPSTREAMS_CONF" >"$CONF_DIR/upstreams.conf"
if [ -n "$REAL_IP_FROM" ]; then
  {
    echo "# REAL_IP_FROM: the proxy in front reports the client in X-Forwarded-For."
    echo "$REAL_IP_FROM" | tr ',' '\n' | sed '/^$/d; s/.*/set_real_ip_from &;/'
    echo "real_ip_header X-Forwarded-For;"
    echo "real_ip_recursive on;"
  } >>"$CONF_DIR/upstreams.conf"
fi

# The internal server also on TCP, for workers in other containers: only
# private addresses (and the unix socket) may use it.
sed -i "s|^\([[:space:]]*\)listen unix:\($RUN_DIR/nginx-internal.sock\);|&\\
\1listen $INTERNAL_PORT;\\
\1allow unix:; allow 127.0.0.0/8; allow 10.0.0.0/8; allow 172.16.0.0/12; allow 192.168.0.0/16; allow fc00::/7; allow ::1;\\
\1deny all;|" "$CONF_DIR/nginx.conf"

if [ -n "$EVENTS_REDIS_URL" ]; then
  sed -i "s|^\([[:space:]]*nchan_redis_server[[:space:]]\).*|\1\"$EVENTS_REDIS_URL\";|" "$CONF_DIR/nginx.conf"
fi

# UPSTREAM_HOST_<ENDPOINT>=HOST: that endpoint's pools are at HOST (Render
# hands out a host name per private service), on port 9000.
for setting in $(env | grep '^UPSTREAM_HOST_' || true); do
  endpoint=$(echo "${setting%%=*}" | sed 's/^UPSTREAM_HOST_//' | tr 'A-Z' 'a-z')
  host=${setting#*=}
  case "$host" in '' | *[!a-z0-9.-]*) die "${setting%%=*} must be a host name (a-z 0-9 . -)" ;; esac
  grep -q "fastcgi_pass $endpoint:" "$CONF_DIR/routes.conf" || die "${setting%%=*}: no endpoint $endpoint"
  sed -i "s|^\([[:space:]]*fastcgi_pass[[:space:]][[:space:]]*\)$endpoint:|\1$host:|" "$CONF_DIR"/*.conf
done

if [ -n "$UPSTREAM_DOMAIN" ]; then
  # fastcgi_pass read_user:$port -> fastcgi_pass read-user.DOMAIN:$port
  sed -i -e ':dash' -e 's/^\([[:space:]]*fastcgi_pass[[:space:]][[:space:]]*[a-z-]*\)_/\1-/' -e 't dash' \
    -e "s/^\\([[:space:]]*fastcgi_pass[[:space:]][[:space:]]*[a-z-]*\\):/\\1.$UPSTREAM_DOMAIN:/" \
    "$CONF_DIR"/*.conf
fi

# What the container differences rely on, checked on the result.
! grep -n 'listen 127\.0\.0\.1' "$CONF_DIR"/*.conf || die "a listen stayed on 127.0.0.1"
! grep -nE '^[[:space:]]*fastcgi_pass[[:space:]]+[^$;]+;' "$CONF_DIR"/*.conf ||
  die "a fastcgi_pass was not turned into NAME:\$crud_fcgi_port"
grep -qE "nchan_redis_server \"(redis://:$EVENTS_REDIS_PASSWORD@$EVENTS_REDIS_HOST:$EVENTS_REDIS_PORT|$EVENTS_REDIS_URL)\";" \
  "$CONF_DIR/nginx.conf" || die "the nchan Redis server was not found in nginx.conf"
grep -q "^[[:space:]]*listen $INTERNAL_PORT;" "$CONF_DIR/nginx.conf" || die "the internal server's TCP listen was not added"
