-- wrk script for the Switchboard benchmark: POSTs BENCH_BODY with the headers in BENCH_HEADERS
-- ("Name: value" lines) and prints one machine-readable line (latencies in microseconds).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or ""
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local k, v = line:match("^([^:]+):%s*(.*)$")
  if k then wrk.headers[k] = v end
end

dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/wrk-report.lua")
