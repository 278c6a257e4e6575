#!/bin/sh
# Entrypoint of the service image. With no arguments it runs the pool of one
# endpoint (ENDPOINT): spawn-fcgi listens on TCP PORT (9000) and multiwatch
# keeps WORKERS workers (default: handlers/pools.conf's figure) alive; with
# arguments it runs them instead (`crudctl migrate`, `crudctl make-admin U`).
set -eu
die() { echo "crud-entrypoint: $*" >&2; exit 64; }

# .env.example's placeholders must never reach a running service.
for name in DATABASE_URL REDIS_PASSWORD JWT_KEYS SESSION_SECRET TOTP_ENCRYPTION_KEY; do
  case "$(printenv "$name" || true)" in *change-me*) die "$name still holds the placeholder of .env.example" ;; esac
done

[ $# -gt 0 ] && exec "$@"

: "${ENDPOINT:?set ENDPOINT to an endpoint of /etc/crud/pools.conf}"
[ -x "/opt/crud/bin/$ENDPOINT" ] || die "no endpoint named '$ENDPOINT'"
WORKERS=${WORKERS:-$(awk -v e="$ENDPOINT" '$1 == e { print $3 }' /etc/crud/pools.conf)}
[ -n "$WORKERS" ] || die "'$ENDPOINT' is not in /etc/crud/pools.conf; set WORKERS"
PORT=${PORT:-9000}
# libfcgi closes connections from any other address (exact IPv4 addresses,
# no networks). Anyone who can connect can crash a worker (Debian's
# libfcgi has only part of the CVE-2025-23016 fix), so there is no default.
# Where nginx's addresses are not fixed (Kubernetes pods), the explicit value
# any-restricted-by-networkpolicy lets every address in: only for a pod whose
# NetworkPolicy admits nginx alone (deploy/k8s).
case "${FCGI_WEB_SERVER_ADDRS:-}" in
  "")
    die "FCGI_WEB_SERVER_ADDRS is required: the address(es) of nginx, comma-separated (or any-restricted-by-networkpolicy)" ;;
  any-restricted-by-networkpolicy)
    echo "crud-entrypoint: FastCGI port $PORT open to any address; a NetworkPolicy must admit only nginx" >&2
    unset FCGI_WEB_SERVER_ADDRS ;;
  *)
    # The container's health check (probe.sh) connects from the loopback.
    case ",$FCGI_WEB_SERVER_ADDRS," in
      *,127.0.0.1,*) ;;
      *) FCGI_WEB_SERVER_ADDRS=$FCGI_WEB_SERVER_ADDRS,127.0.0.1 ;;
    esac
    export FCGI_WEB_SERVER_ADDRS ;;
esac

# GnuTLS comes in with libpq (through libldap) and is never used; without
# this its load-time setup costs every worker ~0.9 MiB of memory.
export GNUTLS_NO_IMPLICIT_INIT=1

# -n: spawn-fcgi binds and becomes multiwatch (so docker's SIGTERM reaches
# it and the workers' stderr reaches the container log); -s TERM: workers
# finish the request in flight, then exit.
exec spawn-fcgi -n -a 0.0.0.0 -p "$PORT" -- \
  /usr/bin/multiwatch -f "$WORKERS" -s TERM -- "/opt/crud/bin/$ENDPOINT"
