-- wrk script: every request is a new child entering care today (a unique child id and Idempotency-Key).
-- Arguments after "--": a run prefix, the bearer token, today's date (YYYY-MM-DD).
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix, token, day = args[1] .. "-" .. id .. "-", args[2], args[3]
  n, refused = 0, 0
  body = '{"date_of_birth":"2014-05-01","start_date":"' .. day .. '","legal_status":"C2"}'
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

function request()
  n = n + 1
  local child = prefix .. n
  headers["Idempotency-Key"] = "bench-" .. child
  return wrk.format("POST", "/children/" .. child .. "/care-periods", headers, body)
end

function response(status, headers, body)
  if status ~= 201 then refused = refused + 1 end
end

function done(summary, latency, requests)
  local sent, not_created = 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("n")
    not_created = not_created + thread:get("refused")
  end
  -- One JSON line the benchmark script reads (latencies in microseconds).
  io.write(string.format('{"requests":%d,"seconds":%.3f,"not_201":%d,"errors":%d,"p50":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration / 1e6, not_created,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
