-- wrk script: POST the fixture chat request (non-streamed, with log-probabilities) to every
-- target alike, with an API key, and print exact figures as one JSON line when done.
--
--   BENCH_BODY=fixtures/chat-request.json BENCH_KEY=sk-... wrk -s chat.lua URL
--
-- The request is built once here (wrk.method/body/headers) rather than in a request()
-- function, so wrk sends pre-formatted bytes and its own cost stays small and the same for
-- every target. The mock and nginx ignore the Authorization header; sending it to them too keeps
-- the bytes on the wire identical.

local function read(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.body = read(os.getenv("BENCH_BODY"))
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_KEY"), "BENCH_KEY is unset")

-- wrk's text report rounds latencies to two digits; latency:percentile() is in microseconds.
-- errors.status counts responses with a status above 399.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
