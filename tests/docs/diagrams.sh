#!/usr/bin/env bash
# The committed SVGs in docs/diagrams are what their .dot sources render to
# now (scripts/render-diagrams; `make diagrams` updates them), and the
# component diagram has a node for every endpoint of handlers/pools.conf.
set -euo pipefail
repo=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
dir=$repo/docs/diagrams
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

"$repo/scripts/render-diagrams" "$tmp"
for svg in "$tmp"/*.svg; do
  name=${svg##*/}
  if [ ! -f "$dir/$name" ]; then
    echo "docs/diagrams/$name is missing: run make diagrams and commit it" >&2
    status=1
  elif ! cmp -s "$svg" "$dir/$name"; then
    echo "docs/diagrams/$name is not what ${name%.svg}.dot renders to: run make diagrams and commit it" >&2
    diff "$dir/$name" "$svg" | head -n 10 >&2 || true
    status=1
  fi
done
for svg in "$dir"/*.svg; do
  [ -f "$tmp/${svg##*/}" ] || { echo "docs/diagrams/${svg##*/} has no .dot source" >&2; status=1; }
done

# Node names as graphviz reads them, not a text search of the source.
nodes=$(dot -Tplain "$dir/components.dot" | awk '$1 == "node" { print $2 }' | tr -d '"')
endpoints=$(awk '!/^#/ && NF { print $1 }' "$repo/handlers/pools.conf")
[ -n "$endpoints" ] || { echo "no endpoints read from handlers/pools.conf" >&2; exit 1; }
for endpoint in $endpoints; do
  echo "$nodes" | grep -qx "$endpoint" ||
    { echo "endpoint $endpoint (handlers/pools.conf) is not in docs/diagrams/components.dot" >&2; status=1; }
done
[ "$status" = 0 ] && echo "$(ls "$dir"/*.svg | wc -l) diagrams current; $(echo "$endpoints" | wc -w) endpoints in the component diagram"
exit "$status"
