#!/usr/bin/env python3
"""Runs the examples of README.md, CONTRIBUTING.md and docs/*.md against the
test stack and checks that every curl gets the status its line claims.

The rule (CONTRIBUTING.md, "Examples in the docs"):
- every ```sh block runs; a block that must not run against the test stack
  (other machines, endless commands, commands that would disturb the shared
  stack) is fenced as ```console instead;
- the ```sh blocks of one file run in order in one bash session (set -e), so
  a variable set in one block is there in the next; the session's folder
  looks like the project (its files, build/ = the build under test, .stack/ =
  the test stack), and http://127.0.0.1:8080 and https://127.0.0.1:8443 are
  replaced by the test stack's URLs;
- every curl command ends with a comment whose first word is the HTTP status
  it gets (`# 201 + Location`); one curl per command.

  examples.py BUILD_DIR [REPO]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEV_URLS = {"http://127.0.0.1:8080": "BASE_URL", "https://127.0.0.1:8443": "HTTPS_URL"}
CURL = re.compile(r"(^|[\s($|;&`])curl(?=\s)")
CLAIM = re.compile(r"(?:^|\s)#\s*([1-5]\d\d)\b")

# The session's curl records which status each claimed command got (from the
# response headers it dumps), so the claims are checked where they ran.
PRELUDE = r"""
set -e
trap 'echo "example failed (exit $?) in the block at $DOC_AT: $BASH_COMMAND" >&2' ERR
curl() {
  local head rc=0 status
  head=$(mktemp)
  command curl -D "$head" "$@" || rc=$?
  status=$(tr -d '\r' <"$head" | awk '/^HTTP\//{ s = $2 } END { print s }')
  rm -f "$head"
  echo "${CLAIM_AT:-unclaimed} ${CLAIM:-none} ${status:-none}" >>"$STATUS_LOG"
  # An endless stream (live events) that the example's own --max-time ended.
  if [ "$rc" = 28 ] && [ -n "$status" ]; then rc=0; fi
  return "$rc"
}
"""


def sh_blocks(path):
    """Yields (first line number, lines) of each ```sh block."""
    block, start = None, 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if block is None and line.strip() == "```sh":
            block, start = [], number + 1
        elif block is not None and line.strip().startswith("```"):
            yield start, block
            block = None
        elif block is not None:
            block.append(line)


def commands(start, lines):
    """Groups physical lines into commands (backslash continuations)."""
    group = []
    for offset, line in enumerate(lines):
        group.append((start + offset, line))
        if not line.rstrip().endswith("\\"):
            yield group
            group = []
    if group:
        yield group


def script_for(doc, rel, urls):
    """The bash script of one file, and its claims {doc:line: status}."""
    out, claims = [], {}
    for start, lines in sh_blocks(doc):
        out.append(f"DOC_AT={rel}:{start}")
        for group in commands(start, lines):
            code = [(n, l) for n, l in group if not l.lstrip().startswith("#")]
            hits = [(n, l) for n, l in code if CURL.search(l.split(" #")[0])]
            if len(hits) > 1:
                raise SystemExit(f"{rel}:{hits[0][0]}: one curl per command, please")
            texts = [l for _, l in group]
            if hits:
                line_no, line = hits[0]
                where = f"{rel}:{line_no}"
                claim = CLAIM.findall(group[-1][1])
                if not claim:
                    raise SystemExit(f"{where}: curl without the status it gets (end it with '# 200')")
                claims[where] = claim[-1]
                index = [n for n, _ in group].index(line_no)
                texts[index] = CURL.sub(
                    lambda m: f"{m.group(1)}CLAIM={claim[-1]} CLAIM_AT={where} curl", line, count=1)
            out.extend(texts)
    script = "\n".join(out)
    for dev, key in DEV_URLS.items():
        script = script.replace(dev, urls[key])
    return script, claims


def project_view(repo, build, stack_dir):
    """A folder that looks like the project, with the build and stack under test."""
    view = Path(tempfile.mkdtemp(prefix="docs-examples."))
    for entry in repo.iterdir():
        if entry.name not in (".git", ".stack", "build"):
            (view / entry.name).symlink_to(entry)
    (view / "build").symlink_to(build)
    (view / ".stack").symlink_to(stack_dir)
    return view


def main():
    build = Path(sys.argv[1]).resolve()
    repo = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parents[2]).resolve()
    env_file = dict(line.split("=", 1) for line in (build / "test-stack.env").read_text().splitlines()
                    if "=" in line)
    view = project_view(repo, build, env_file["STACK_DIR"])
    try:
        return run_all(repo, view, env_file)
    finally:
        shutil.rmtree(view)


def run_all(repo, view, env_file):
    docs = [repo / "README.md", repo / "CONTRIBUTING.md"] + sorted((repo / "docs").glob("*.md"))
    failures, checked = [], 0
    for doc in [d for d in docs if d.exists()]:
        rel = str(doc.relative_to(repo))
        script, claims = script_for(doc, rel, env_file)
        if not script.strip():
            continue
        log = view / "statuses.log"
        log.write_text("")
        env = dict(os.environ, STACK_DIR=env_file["STACK_DIR"], STATUS_LOG=str(log))
        run = subprocess.run(["bash", "-c", PRELUDE + script], cwd=view, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
        if run.returncode != 0:
            failures.append(f"{rel}: the examples stopped (exit {run.returncode}):\n{run.stderr[-2000:]}")
        got = {}
        for record in log.read_text().split("\n"):
            if record:
                where, claimed, status = record.split(" ")
                got.setdefault(where, []).append(status)
                if status != claimed:
                    failures.append(f"{where}: claims {claimed}, got {status}")
        for where in claims:
            if where not in got:
                failures.append(f"{where}: this curl never ran")
        checked += len(claims)
        print(f"{rel}: {len(claims)} curl examples")
    if checked < 10:
        failures.append(f"only {checked} curl examples found: is the convention still the one this test reads?")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
