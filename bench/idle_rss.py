"""Resident memory of every idle worker of the stack, by endpoint: the
children of each pool's multiwatch (RUN_DIR/pool-ENDPOINT.N.pid). Writes the
largest per endpoint, in MiB, as flat JSON: `rss_mib_ENDPOINT` (VmRSS, which
counts every shared-library page the worker touched) and
`private_mib_ENDPOINT` (pages no other process shares: what one more worker
costs).

  idle_rss.py --run-dir DIR --json FILE
"""
import argparse
import glob
import json
import os
import re

parser = argparse.ArgumentParser()
parser.add_argument("--run-dir", required=True)
parser.add_argument("--json", required=True)
args = parser.parse_args()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.M).group(1))


def private_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        text = rollup.read()
    return sum(int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))
               for field in ("Private_Clean", "Private_Dirty"))


def children(pid):
    found = []
    for task in glob.glob(f"/proc/{pid}/task/*/children"):
        with open(task) as f:
            found += f.read().split()
    return found


largest = {}
largest_private = {}
for pidfile in glob.glob(os.path.join(args.run_dir, "pool-*.pid")):
    endpoint = os.path.basename(pidfile)[len("pool-"):].rsplit(".", 2)[0]
    with open(pidfile) as f:
        watcher = f.read().strip()
    for worker in children(watcher):
        largest[endpoint] = max(largest.get(endpoint, 0), rss_kib(worker))
        largest_private[endpoint] = max(largest_private.get(endpoint, 0), private_kib(worker))

figures = {f"rss_mib_{e}": round(kib / 1024, 1) for e, kib in sorted(largest.items())}
figures.update({f"private_mib_{e}": round(kib / 1024, 1)
                for e, kib in sorted(largest_private.items())})
figures["errors"] = 0 if figures else 1
with open(args.json, "w") as out:
    out.write(json.dumps(figures, indent=2) + "\n")
