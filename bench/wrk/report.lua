-- Shared by the scenario scripts: after the run, writes the figures bench/run
-- reads as a flat JSON object to $BENCH_JSON (latencies in milliseconds).
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_JSON"), "w"))
  out:write("{\n")
  out:write(string.format('  "requests": %d,\n', summary.requests))
  out:write(string.format('  "requests_per_s": %.1f,\n', summary.requests / seconds))
  out:write(string.format('  "p50_ms": %.3f,\n', latency:percentile(50) / 1000))
  out:write(string.format('  "p99_ms": %.3f,\n', latency:percentile(99) / 1000))
  out:write(string.format('  "max_ms": %.3f,\n', latency.max / 1000))
  out:write(string.format('  "non_2xx": %d,\n', e.status))
  out:write(string.format('  "errors": %d\n', e.connect + e.read + e.write + e.timeout + e.status))
  out:write("}\n")
  out:close()
end

-- Each thread numbers itself, so names made by different threads never meet.
local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

-- Threads start with the same random state: seed each apart.
function init(args)
  math.randomseed(os.time() * 100 + (thread_id or 0))
end

-- A random id of the seeded users (BENCH_FIRST_ID..BENCH_LAST_ID).
first_id = tonumber(os.getenv("BENCH_FIRST_ID"))
last_id = tonumber(os.getenv("BENCH_LAST_ID"))
function random_id()
  return math.random(first_id, last_id)
end
