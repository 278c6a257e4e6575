"""The benchmark's table: each wrk scenario's rate and latency with its ratio
to the floor and the roof measured in the same run, then each target of
docs/performance.md with its figure and whether this run met it.

  report.py RESULTS_DIR SCENARIO...
"""
import json
import os
import sys

results, scenarios = sys.argv[1], sys.argv[2:]
data = {}
for name in scenarios:
    try:
        with open(os.path.join(results, name + ".json")) as f:
            data[name] = json.load(f)
    except (OSError, ValueError):
        data[name] = None


def rate(name):
    return (data.get(name) or {}).get("requests_per_s")


floor, roof = rate("floor"), rate("roof")
print(f"{'scenario':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x floor':>8} {'x roof':>7}")
for name in scenarios:
    d = data[name]
    if d is None:
        print(f"{name:22} (no result)")
    elif "requests_per_s" in d:
        ratio = lambda base: f"{d['requests_per_s'] / base:.2f}" if base else "-"
        print(f"{name:22} {d['requests_per_s']:9.0f} {d['p50_ms']:8.2f} {d['p99_ms']:8.2f} "
              f"{d['errors']:7d} {ratio(floor):>8} {ratio(roof):>7}")
    else:
        figures = ", ".join(f"{k} {v}" for k, v in d.items() if k != "errors")
        print(f"{name:22} {figures} (errors {d['errors']})")

targets = []


def target(label, value, limit, at_least):
    if value is None:
        targets.append((label, "not measured", ""))
    elif limit is None:  # context for a target, not one itself
        targets.append((label, f"{value:.2f}", "context"))
    else:
        met = value >= limit if at_least else value <= limit
        targets.append((label, f"{value:.2f} ({'>=' if at_least else '<='} {limit:.2f})",
                        "met" if met else "MISSED"))


def p99(name):
    return (data.get(name) or {}).get("p99_ms")


def ratio_to_floor(name):
    return rate(name) / floor if rate(name) and floor else None


target("(b) read, cached / floor", ratio_to_floor("read"), 0.8, True)
target("(b) read p99 ms", p99("read"), 10, False)
target("(c) read, no cache / floor", ratio_to_floor("read_nocache"), 0.7, True)
target("(d) list / floor", ratio_to_floor("list"), 0.4, True)
target("(e) update / floor", ratio_to_floor("update"), 0.25, True)
target("(e) update p99 ms", p99("update"), 20, False)
pwhash = (data.get("pwhash") or {}).get("hashes_per_s")
target("(f) register / hashing rate", rate("register") / pwhash if rate("register") and pwhash else None,
       0.85, True)
target("(g) read p99 under register flood / (b) p99",
       p99("read_during_register") / p99("read") if p99("read_during_register") and p99("read") else None,
       3, False)


def median_ratio(name, base):
    value, floor_value = (data.get(name) or {}).get("median_ms"), (data.get(base) or {}).get("median_ms")
    return value / floor_value if value and floor_value else None


target("(h) CGI median / minimal program", median_ratio("cgi", "cgi_floor"), 2, False)
target("(h) CGI on SQLite median / minimal program", median_ratio("cgi_sqlite", "cgi_sqlite_floor"),
       2, False)
rss = {k: v for k, v in (data.get("idle_rss") or {}).items() if k.startswith("rss_mib_")}
target("idle worker RSS MiB, largest", max(rss.values()) if rss else None, 12, False)
private = [v for k, v in (data.get("idle_rss") or {}).items() if k.startswith("private_mib_")]
target("idle worker private MiB, largest", max(private) if private else None, None, False)

print()
print(f"{'target':46} {'this run':>22} ")
for label, figure, verdict in targets:
    print(f"{label:46} {figure:>22} {verdict}")
