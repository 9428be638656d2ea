-- POST the JSON in $BENCH_BODY to one path; count answers by status and keep every token
-- acknowledged with 201 (written to $BENCH_TOKENS) so the harness can find each row.
-- Every letter comes from an address of its own (X-Forwarded-For, which the server trusts from
-- 127.0.0.1), as letters from many readers do: the hourly allowance is counted per client.
-- `tokens` and `statuses` are globals: thread:get() reads only globals.
local body = nil
local headers = nil
local sent = 0
tokens = {}
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local file = io.open(os.getenv("BENCH_BODY"), "r")
  body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  headers = {["Content-Type"] = "application/json"}
end

function request()
  sent = sent + 1
  headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", id % 256, math.floor(sent / 256) % 256, sent % 256)
  return wrk.format(nil, nil, headers, nil)
end

function response(status, headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local token = response_body:match('"token":"([^"]+)"')
    if token then tokens[#tokens + 1] = token end
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_TOKENS"), "w")
  local counts = {}
  for _, thread in ipairs(threads) do
    for _, token in ipairs(thread:get("tokens")) do out:write(token, "\n") end
    for status, n in pairs(thread:get("statuses")) do
      counts[#counts + 1] = string.format("[%d, %d]", status, n)
    end
  end
  out:close()
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"statuses": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, table.concat(counts, ", ")))
end
