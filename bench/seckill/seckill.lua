-- wrk script used by bench/seckill/run.py: a crowd of buyers posting to one seckill activity.
--
--   wrk -t1 -c64 -d120s --latency -s bench/seckill/seckill.lua http://127.0.0.1:PORT -- \
--       ACTIVITY_ID BUYERS_FILE ATTEMPTS SEED MODE
--
-- ACTIVITY_ID  the activity: every request is POST /api/v1/seckill/ACTIVITY_ID/orders.
-- BUYERS_FILE  one buyer a line: "<access token> <address id>".
-- ATTEMPTS     how many times each buyer tries. The requests go out in ATTEMPTS passes over the
--              buyers, each pass in its own shuffled order, so the first pass sells the units and
--              later passes are the crowd that keeps pressing the button (sold out / limit reached).
-- SEED         seeds the shuffles, so runs are repeatable.
-- MODE         once: send exactly BUYERS x ATTEMPTS requests, wait for every answer, then stop
--                    wrk (the -d duration is only an upper bound). A connection that wants a
--                    request after the last one went out gets GET /api/v1/health 20 ms later (a
--                    "filler", counted apart): a connection left idle would hold a gunicorn sync
--                    worker in recv until the end;
--              loop: cycle over the same sequence until -d runs out (warm-up).
--
-- One wrk thread only (-t1): "once" stops when its own last answer arrives.
--
-- response() counts answers by status and by the error code of the body, keeps the order id of
-- every 201 answer, and notes when the first and the last 201 arrived. done() prints one
-- `BENCH_RESULT {json}` line (times in microseconds), the shape of ../paths.lua's plus those counts.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } fx_timespec;
int clock_gettime(int clk_id, fx_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]])
local CLOCK_MONOTONIC = 1
local SIGINT = 2
local ts = ffi.new("fx_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  assert(thread_count == 1, "seckill.lua runs with one wrk thread (-t1)")
  threads[#threads + 1] = thread
end

local requests = {} -- one prepared request per buyer
local sequence = {} -- buyer index per request, in sending order
local total = 0
local mode = "once"
sent = 0
answered = 0

-- read by done() through thread:get()
created = 0
fillers = 0
filler_answers = 0
order_ids = {}
status_counts = {}
code_counts = {}
samples = ""
first_us = 0
last_us = 0
first_created_us = 0
last_created_us = 0
local sample_count = 0

local function read_lines(path)
  local lines = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if line ~= "" then
      lines[#lines + 1] = line
    end
  end
  f:close()
  return lines
end

local function shuffled(n)
  local out = {}
  for i = 1, n do
    out[i] = i
  end
  for i = n, 2, -1 do
    local j = math.random(i)
    out[i], out[j] = out[j], out[i]
  end
  return out
end

function init(args)
  local activity, buyers_file, attempts, seed = args[1], args[2], tonumber(args[3]), tonumber(args[4])
  mode = args[5] or "once"
  assert(activity and buyers_file and attempts and seed and (mode == "once" or mode == "loop"),
    "usage: wrk ... -s seckill.lua URL -- ACTIVITY_ID BUYERS_FILE ATTEMPTS SEED once|loop")
  local path = "/api/v1/seckill/" .. activity .. "/orders"
  for _, line in ipairs(read_lines(buyers_file)) do
    local token, address = line:match("^(%S+)%s+(%d+)$")
    assert(token, "bad buyers line: " .. line)
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }, '{"address_id": ' .. address .. "}")
  end
  assert(#requests > 0, "no buyers")
  math.randomseed(seed)
  for _ = 1, attempts do
    for _, buyer in ipairs(shuffled(#requests)) do
      sequence[#sequence + 1] = buyer
    end
  end
  total = #sequence
end

local filler = nil
local verified = false

function delay()
  -- Fillers go out at most every 20 ms per connection, so the tail is not flooded with them.
  if mode == "once" and sent >= total then
    return 20
  end
  return 0
end

function request()
  if not verified then
    -- wrk calls request() once in this thread's state before the run, to check the request
    -- (script_verify_request); that one is never sent, so it must not use up an attempt.
    verified = true
    return requests[1]
  end
  if mode == "once" and sent >= total then
    -- Everything was sent, but wrk wants a request on this connection: a cheap GET, whose answer
    -- is counted apart, until the last seckill answers are in.
    fillers = fillers + 1
    filler = filler or wrk.format("GET", "/api/v1/health")
    return filler
  end
  sent = sent + 1
  if first_us == 0 then
    first_us = now_us()
  end
  return requests[sequence[(sent - 1) % total + 1]]
end

function response(status, headers, body)
  if status == 200 and string.sub(body, 1, 10) == '{"status":' then
    filler_answers = filler_answers + 1
    return
  end
  answered = answered + 1
  status_counts[status] = (status_counts[status] or 0) + 1
  if status == 201 then
    created = created + 1
    local t = now_us()
    if first_created_us == 0 then
      first_created_us = t
    end
    last_created_us = t
    local id = body:match('^{"id":%s*(%d+)')
    if id then
      order_ids[#order_ids + 1] = id
    end
  else
    local code = body:match('"code":%s*"([%w_]+)"') or ("HTTP_" .. status)
    code_counts[code] = (code_counts[code] or 0) + 1
    if status ~= 409 and sample_count < 3 then
      sample_count = sample_count + 1
      local text = string.sub(body or "", 1, 300):gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%c", " ")
      samples = samples .. (samples == "" and "" or ", ") .. '"' .. status .. ": " .. text .. '"'
    end
  end
  if mode == "once" and answered >= total then
    last_us = now_us()
    wrk.thread:stop()
    -- wrk's main thread sleeps for the whole -d duration; an interrupt ends that sleep now.
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

local function json_counts(counts)
  local parts = {}
  for key, n in pairs(counts) do
    parts[#parts + 1] = '"' .. key .. '": ' .. n
  end
  return table.concat(parts, ", ")
end

function done(summary, latency, requests_stats)
  local thread = threads[1]
  local e = summary.errors
  local ids = thread:get("order_ids")
  local first, last = thread:get("first_us"), thread:get("last_us")
  io.write(string.format(
    'BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, "elapsed_us": %.0f, "bytes": %.0f, "mean_us": %.1f, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "connect_errors": %.0f, ' ..
    '"read_errors": %.0f, "write_errors": %.0f, "timeouts": %.0f, "non_2xx_3xx": %.0f, "created": %.0f, ' ..
    '"first_created_after_us": %.0f, "last_created_after_us": %.0f, "statuses": {%s}, "codes": {%s}, ' ..
    '"samples": [%s], "sent": %d, "answered": %d, "fillers": %d, "filler_answers": %d, "order_ids": [%s]}\n',
    summary.requests, summary.duration, (last > 0 and last - first or 0), summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, thread:get("created"),
    math.max(0, thread:get("first_created_us") - first), math.max(0, thread:get("last_created_us") - first),
    json_counts(thread:get("status_counts")), json_counts(thread:get("code_counts")), thread:get("samples"), thread:get("sent"), thread:get("answered"),
    thread:get("fillers"), thread:get("filler_answers"), table.concat(ids, ", ")
  ))
end
