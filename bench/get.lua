-- wrk script: GET of the URL's path with an optional access token ($BENCH_TOKEN), for
-- publicRooms and the floor's trivial endpoint. done() prints "WRK {json}" as send.lua does.
local token = os.getenv("BENCH_TOKEN")

function init(args)
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
