-- PUT /api/users/<random seeded id> with a name never used before, as the
-- admin: scenario update.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
                 ["Content-Type"] = "application/json"}
local count = 0
function request()
  count = count + 1
  local body = string.format('{"username":"upd%d_%d"}', thread_id, count)
  return wrk.format("PUT", "/api/users/" .. random_id(), headers, body)
end
