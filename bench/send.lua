-- wrk script: PUT /rooms/{room}/send/m.room.message/{txn} with a unique transaction id per
-- request, cycling over the (access token, room) pairs listed one per line in $BENCH_PAIRS.
-- done() prints one line "WRK {json}" that strata-bench-serve reads.
local counter = 0
local thread_id = 0
local pairs_list = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  thread_id = tid or 0
  for line in io.lines(os.getenv("BENCH_PAIRS")) do
    local token, room = line:match("^(%S+)%s+(%S+)$")
    if token then pairs_list[#pairs_list + 1] = { token, room } end
  end
end

function request()
  counter = counter + 1
  local pair = pairs_list[(counter + thread_id) % #pairs_list + 1]
  local path = "/_matrix/client/r0/rooms/" .. pair[2] .. "/send/m.room.message/wrk" ..
      thread_id .. "_" .. counter
  local body = '{"msgtype":"m.text","body":"benchmark message ' .. counter .. '"}'
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. pair[1],
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
