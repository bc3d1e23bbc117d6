-- wrk script used by bench/http_bench.py for every endpoint (the health baseline too, so that the
-- Lua per-request cost is the same everywhere), and by the other HTTP benches for their GETs.
--
--   wrk -t1 -c32 -d20s --latency -s bench/paths.lua http://127.0.0.1:PORT -- /tmp/paths.txt
--
-- The file after `--` holds one request path per line; each wrk thread cycles over them, starting
-- at a different place. done() prints one `BENCH_RESULT {json}` line that bench/common/loaders.py
-- parses (latencies in microseconds).

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local paths = {}
local position = 0

function init(args)
  local path_file = args[1]
  assert(path_file, "usage: wrk ... -s paths.lua URL -- PATH_FILE")
  local f = assert(io.open(path_file, "r"))
  for line in f:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  f:close()
  assert(#paths > 0, "no request paths in " .. path_file)
  -- thread_index is set by setup() in the main Lua state and copied into this thread's state.
  position = ((thread_index or 0) * 7) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "mean_us": %.1f, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "connect_errors": %.0f, ' ..
    '"read_errors": %.0f, "write_errors": %.0f, "timeouts": %.0f, "non_2xx_3xx": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status
  ))
end
