# shellcheck shell=bash
# Sourced by the test fixtures: free_port prints a TCP port on 127.0.0.1 that
# nobody listens on.
free_port() {
  local port
  for _ in $(seq 50); do
    # Below Linux's ephemeral range (32768+), where outgoing connections take ports.
    port=$((20000 + RANDOM % 12000))
    # A refused connection means nobody listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2
  exit 1
}
