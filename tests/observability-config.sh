#!/usr/bin/env bash
# Checks the shipped observability config offline: the Prometheus config and
# alert rules with promtool, every dashboard query as PromQL (through a
# generated rules file), and that every crud_/nginx_ metric they use is one
# the service exports (named in common/ or handlers/).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deploy=$repo/deploy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

promtool check config "$deploy/prometheus/prometheus.yml"
promtool check rules "$deploy/prometheus/alerts.yml"

# Each dashboard query becomes a recording rule, so promtool parses it.
python3 - "$deploy/grafana/dashboards" "$work/dashboard-rules.yml" <<'PY'
import json, pathlib, sys
rules = []
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    for panel in json.loads(path.read_text())["panels"]:
        for target in panel["targets"]:
            rules.append({"record": f"dashboard:{path.stem.replace('-', '_')}:{panel['id']}_{target['refId']}",
                          "expr": target["expr"]})
if not rules:
    sys.exit("no dashboard queries found")
pathlib.Path(sys.argv[2]).write_text(json.dumps({"groups": [{"name": "dashboards", "rules": rules}]}))
PY
promtool check rules "$work/dashboard-rules.yml"

# Metric names used by alerts and dashboards must exist in the code.
used=$(cat "$deploy/prometheus/alerts.yml" "$deploy"/grafana/dashboards/*.json |
  grep -oE '\b(crud|nginx)_[a-z_]+' | sed -E 's/_(bucket|sum|count)$//' | sort -u)
missing=0
for name in $used; do
  if ! grep -rqF "\"$name" "$repo/common" "$repo/handlers"; then
    echo "unknown metric used in deploy/: $name"
    missing=1
  fi
done
exit $missing
