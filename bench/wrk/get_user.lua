-- GET <BENCH_PATH><random seeded id>, with BENCH_TOKEN as Bearer token when set:
-- scenarios floor, read, read_nocache, read_during_register.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")
local headers = token and {["Authorization"] = "Bearer " .. token} or {}
function request()
  return wrk.format("GET", path .. random_id(), headers)
end
