#!/usr/bin/env bash
# CTest fixture for the API tests against Apache with plain CGI: `up BUILD_DIR`
# installs the site with scripts/install-cgi into a fresh temp folder, starts
# Apache (/usr/sbin/apache2 with its own minimal httpd.conf, never the
# system's) on a free port and writes BUILD_DIR/apache-stack.env for the
# tests; `down BUILD_DIR` stops it and keeps its logs in
# BUILD_DIR/apache-logs. As root, Apache's children and so the handlers run
# as CGI_USER (default www-data).
set -euo pipefail
action=$1
build=$(cd "$2" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$build/apache-stack.env
cgi_user=${CGI_USER:-www-data}
modules=/usr/lib/apache2/modules

# shellcheck source=tests/free-port.sh
. "$repo/tests/free-port.sh"

is_root() { [ "$(id -u)" -eq 0 ]; }
as_cgi_user() { if is_root; then runuser -u "$cgi_user" -- "$@"; else "$@"; fi; }

stop_apache() {
  [ -f "$state" ] || return 0
  local dir pid
  dir=$(sed -n 's/^STACK_DIR=//p' "$state")
  pid=$(cat "$dir/apache/httpd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$build/apache-logs"
  cp -r "$dir/apache/log" "$build/apache-logs" 2>/dev/null || true
  rm -rf "$dir"
  rm -f "$state"
}

# The smallest Apache that serves the site: prefork + mod_cgi, the modules
# the .htaccess files use, .ht* files never served.
write_httpd_conf() {
  local dir=$1 port=$2 user_lines=""
  is_root && user_lines="User $cgi_user
Group $(id -gn "$cgi_user")"
  cat >"$dir/apache/httpd.conf" <<EOF
ServerRoot "$dir/apache"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/apache/httpd.pid"
DefaultRuntimeDir "$dir/apache/run"
ErrorLog "$dir/apache/log/error.log"
LogLevel warn
$user_lines
LoadModule mpm_prefork_module $modules/mod_mpm_prefork.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule cgi_module $modules/mod_cgi.so
LoadModule rewrite_module $modules/mod_rewrite.so
LoadModule env_module $modules/mod_env.so
LoadModule headers_module $modules/mod_headers.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
# Enough processes for cgi_write_burst_test's 50 clients at once, started
# up front: prefork adds at most 32 a second, and the clients would wait.
StartServers 60
MinSpareServers 60
MaxSpareServers 80
MaxRequestWorkers 80
ServerLimit 80
TypesConfig /etc/mime.types
LogFormat "%h \"%r\" %>s %b %D" timing
CustomLog "$dir/apache/log/access.log" timing
DocumentRoot "$dir/site/public_html"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "$dir/site/public_html">
    AllowOverride All
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>
EOF
}

case "$action" in
  up)
    stop_apache  # one left over from an interrupted run
    [ -x /usr/sbin/apache2 ] || { echo "apache2 is not installed (scripts/stack deps)" >&2; exit 1; }
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crud-apache.XXXXXX")
    chmod 755 "$dir"
    echo "STACK_DIR=$dir" >"$state"  # lets `down` clean up even a failed start
    mkdir -p "$dir/apache/log" "$dir/apache/run"
    cgi_group=""
    is_root && cgi_group=$(id -gn "$cgi_user")
    CGI_GROUP=$cgi_group "$repo/scripts/install-cgi" "$dir/site" "$build" >"$dir/install.log"
    config=$dir/site/etc/crud.env
    # The install's own SQLite file holds the data; the cheapest argon2id cost.
    printf '%s\n' PASSWORD_OPSLIMIT=1 PASSWORD_MEMLIMIT=8192 >>"$config"
    # crudctl as the handlers run it: as the CGI user, with their settings.
    cat >"$dir/crudctl" <<EOF
#!/bin/sh
export CONFIG_FILE="$config"
$(is_root && echo "exec runuser -u $cgi_user -- \"$dir/site/bin/crudctl\" \"\$@\"" || echo "exec \"$dir/site/bin/crudctl\" \"\$@\"")
EOF
    chmod 755 "$dir/crudctl"
    "$dir/crudctl" migrate >>"$dir/install.log"
    port=$(free_port)
    write_httpd_conf "$dir" "$port"
    /usr/sbin/apache2 -f "$dir/apache/httpd.conf" -k start
    for _ in $(seq 100); do
      curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
      sleep 0.1
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || {
      cat "$dir/apache/log/error.log"; exit 1; }
    {
      echo "BASE_URL=http://127.0.0.1:$port"
      echo "HANDLER_DIR=$dir/site/public_html/cgi-bin"
      echo "REPO_DIR=$repo"
      echo "CRUDCTL=$dir/crudctl"
      grep -E '^(DATABASE_URL|JWT_KEYS|SESSION_SECRET|TOTP_ENCRYPTION_KEY)=' "$config"
    } >>"$state"
    echo "apache CGI stack up at http://127.0.0.1:$port ($dir)"
    ;;
  down) stop_apache ;;
  *) echo "usage: $0 up|down BUILD_DIR" >&2; exit 64 ;;
esac
