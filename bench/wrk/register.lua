-- POST /api/register with a fresh name each time: scenario register (and the
-- flood behind read_during_register). BENCH_RUN keeps names of runs apart.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local headers = {["Content-Type"] = "application/json"}
local run = os.getenv("BENCH_RUN")
local count = 0
function request()
  count = count + 1
  local body = string.format(
    '{"username":"r%s_%d_%d","password":"bench passphrase, long enough 7"}', run, thread_id, count)
  return wrk.format("POST", "/api/register", headers, body)
end
