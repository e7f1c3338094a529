-- wrk script for the Switchboard benchmark: POSTs BENCH_BODY with the headers in BENCH_HEADERS
-- ("Name: value" lines) and prints one machine-readable line (latencies in microseconds).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or ""
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local k, v = line:match("^([^:]+):%s*(.*)$")
  if k then wrk.headers[k] = v end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
