"""Times PROGRAM run once per request as a CGI server runs it: a fresh process
with the request in its environment (REQUEST_URI and USER_ID name a random
seeded user), stdout read to the end. Writes the median and p99 wall time and
the count of answers that were not `Status: 200` as flat JSON.

  cgi_time.py --runs N --first-id A --last-id B --json FILE -- PROGRAM NAME=VALUE...
"""
import argparse
import json
import random
import statistics
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, required=True)
parser.add_argument("--first-id", type=int, required=True)
parser.add_argument("--last-id", type=int, required=True)
parser.add_argument("--json", required=True)
parser.add_argument("command", nargs="+")
args = parser.parse_args()
program, settings = args.command[0], args.command[1:]
base_env = dict(setting.split("=", 1) for setting in settings)

times, failures = [], 0
for _ in range(args.runs):
    user = random.randint(args.first_id, args.last_id)
    env = dict(base_env, REQUEST_URI=f"/api/users/{user}", USER_ID=str(user))
    start = time.perf_counter()
    done = subprocess.run([program], env=env, stdin=subprocess.DEVNULL, capture_output=True)
    times.append((time.perf_counter() - start) * 1000)
    if done.returncode != 0 or not done.stdout.startswith(b"Status: 200"):
        failures += 1

times.sort()
with open(args.json, "w") as out:
    out.write(json.dumps({
        "runs": args.runs,
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 3),
        "errors": failures,
    }, indent=2) + "\n")
