-- GET /api/users?limit=20&after=<random position>: scenario list.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
function request()
  return wrk.format("GET", "/api/users?limit=20&after=" .. random_id(), headers)
end
