#!/usr/bin/env bash
# The committed SVGs in docs/diagrams were drawn from their .dot sources as
# they are now (scripts/render-diagrams records each source's sha256;
# `make diagrams` updates them), every source renders, and the
# component diagram has a node for each endpoint of handlers/pools.conf.
set -euo pipefail
repo=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
dir=$repo/docs/diagrams
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# Each source renders, and its committed SVG was drawn from it as it is now.
"$repo/scripts/render-diagrams" "$tmp"
for src in "$dir"/*.dot; do
  name=$(basename "$src" .dot)
  want="<!-- source: $name.dot sha256 $(sha256sum <"$src" | cut -d' ' -f1) -->"
  if [ ! -f "$dir/$name.svg" ]; then
    echo "docs/diagrams/$name.svg is missing: run make diagrams and commit it" >&2
    status=1
  elif [ "$(tail -n 1 "$dir/$name.svg")" != "$want" ]; then
    echo "docs/diagrams/$name.svg was not drawn from $name.dot as it is now: run make diagrams and commit it" >&2
    status=1
  fi
done
for svg in "$dir"/*.svg; do
  [ -f "$tmp/${svg##*/}" ] || { echo "docs/diagrams/${svg##*/} has no .dot source" >&2; status=1; }
done

# The endpoint nodes as graphviz reads them (the cluster_pools subgraph),
# not a text search of the source; the same set as pools.conf's endpoints.
# shellcheck disable=SC2016 # gvpr's own language
nodes=$(gvpr 'BEG_G { graph_t sg = isSubg($G, "cluster_pools"); node_t n;
  if (sg) for (n = fstnode(sg); n; n = nxtnode_sg(sg, n)) print(n.name); }' "$dir/components.dot" | sort)
endpoints=$(awk '!/^#/ && NF { print $1 }' "$repo/handlers/pools.conf" | sort)
[ -n "$endpoints" ] || { echo "no endpoints read from handlers/pools.conf" >&2; exit 1; }
if [ "$nodes" != "$endpoints" ]; then
  echo "the endpoints of docs/diagrams/components.dot (cluster_pools) differ from handlers/pools.conf:" >&2
  diff <(echo "$endpoints") <(echo "$nodes") | sed -n 's/^< /  missing: /p; s/^> /  not an endpoint: /p' >&2
  status=1
fi
svgs=("$dir"/*.svg)
[ "$status" = 0 ] && echo "${#svgs[@]} diagrams current; $(echo "$endpoints" | wc -w) endpoints in the component diagram"
exit "$status"
