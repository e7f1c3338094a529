-- wrk script for the soak (npm run bench -- --soak): rotates between BENCH_REQ_COUNT request types,
-- request i given by BENCH_REQ_<i>_METHOD, _PATH, _BODY and _HEADERS ("Name: value" lines), one after
-- the other across all connections. Prints the same machine-readable line as wrk.lua (latencies in µs).
local reqs = {}
local i = 0

init = function(args)
  local n = tonumber(os.getenv("BENCH_REQ_COUNT") or "0")
  for k = 1, n do
    local p = "BENCH_REQ_" .. k .. "_"
    local headers = {}
    for line in string.gmatch(os.getenv(p .. "HEADERS") or "", "[^\n]+") do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then headers[name] = value end
    end
    reqs[k] = wrk.format(os.getenv(p .. "METHOD") or "POST", os.getenv(p .. "PATH"), headers,
      os.getenv(p .. "BODY") or "")
  end
  if #reqs == 0 then error("BENCH_REQ_COUNT is not set") end
end

request = function()
  i = i % #reqs + 1
  return reqs[i]
end

dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/wrk-report.lua")
