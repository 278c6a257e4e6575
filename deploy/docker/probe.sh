#!/bin/bash
# Health checks of the images, with nothing but bash (no curl in the images):
#   probe.sh fastcgi [PORT]     a worker of the local pool answers an
#       FCGI_GET_VALUES record; libfcgi answers it itself, so the handler,
#       its logs and its metrics never see the check
#   probe.sh http [PORT] [PATH] nginx answers PATH (default /healthz) with 200
set -euo pipefail
mode=${1:-fastcgi}
case "$mode" in
  fastcgi)
    exec 3<>"/dev/tcp/127.0.0.1/${2:-${PORT:-9000}}"
    # Header (version 1, type 9, request 0, 17 bytes of content, 7 of padding),
    # then the name-value pair FCGI_MPXS_CONNS="" and the padding.
    printf '\x01\x09\x00\x00\x00\x11\x07\x00\x0f\x00FCGI_MPXS_CONNS\x00\x00\x00\x00\x00\x00\x00' >&3
    # The reply starts with version 1, type 10 (FCGI_GET_VALUES_RESULT).
    reply=$(timeout 2 head -c 2 <&3 | od -An -tx1 | tr -d ' \n')
    [ "$reply" = 010a ]
    ;;
  http)
    exec 3<>"/dev/tcp/127.0.0.1/${2:-${HTTP_PORT:-8080}}"
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${3:-/healthz}" >&3
    timeout 2 head -n 1 <&3 | grep -q '^HTTP/1\.[01] 200 '
    ;;
  *)
    echo "usage: probe.sh fastcgi [PORT] | http [PORT] [PATH]" >&2
    exit 64
    ;;
esac
