-- Shared by the benchmark's wrk scripts: reading a request spec, counting non-2xx answers per
-- thread, and printing one JSON summary line that bench/load.py parses.
local common = {}

local threads = {}

-- A spec file holds "METHOD /path", then "Name: value" header lines, an empty line and the body.
function common.read_spec(path)
  local file = assert(io.open(path, "r"))
  local method, target = file:read("*l"):match("^(%S+)%s+(%S+)$")
  local headers = {}
  for line in file:lines() do
    if line == "" then break end
    local name, value = line:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  local body = file:read("*a")
  file:close()
  return { method = method, path = target, headers = headers, body = body ~= "" and body or nil }
end

-- Called in the main Lua state once per thread before it starts.
function common.setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

non_2xx = 0
exhausted = 0

function common.response(status)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

local function sum_over_threads(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get(name) or 0)
  end
  return total
end

function common.done(summary, latency)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"non_2xx": %d, "exhausted": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    sum_over_threads("non_2xx"), sum_over_threads("exhausted"),
    errors.connect + errors.read + errors.write, errors.timeout
  ))
end

return common
