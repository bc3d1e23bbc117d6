-- wrk script used by bench/orders_bench.py: places orders with POST /api/v1/orders.
--
--   wrk -t1 -c20 -d20s --latency -s bench/orders.lua http://127.0.0.1:PORT -- MODE USERS_FILE SKUS_FILE SEED
--
-- MODE      spread: each order has 1 or 2 distinct random SKUs from SKUS_FILE, 1-2 units each;
--           hot:    each order is 1 unit of the first SKU in SKUS_FILE.
-- USERS_FILE one shopper a line: "<access token> <address id>"; requests cycle over them.
-- SKUS_FILE  one SKU id a line.
-- SEED       seeds math.random (each thread adds its index), so runs are repeatable.
--
-- response() counts the answers by status, keeps the order id of every 201 answer and adds up
-- its units (the "quantity" of each order line in the body), so orders_bench.py can check them
-- against the database. done() prints one `BENCH_RESULT {json}` line (latencies in microseconds), the same
-- shape as paths.lua plus the order counts and up to 3 sample bodies of unexpected answers.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  threads[#threads + 1] = thread
end

local users = {}
local skus = {}
local mode = "spread"
local position = 0
local headers_by_user = {}

-- read by done() through thread:get()
created = 0
units = 0
order_ids = {}
other_status = 0
statuses = ""
samples = ""
local status_counts = {}
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

function init(args)
  mode = args[1]
  assert(mode == "spread" or mode == "hot", "usage: wrk ... -s orders.lua URL -- spread|hot USERS SKUS SEED")
  for _, line in ipairs(read_lines(args[2])) do
    local token, address = line:match("^(%S+)%s+(%d+)$")
    assert(token, "bad users line: " .. line)
    users[#users + 1] = { address = address }
    headers_by_user[#users] = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }
  end
  for _, line in ipairs(read_lines(args[3])) do
    skus[#skus + 1] = line
  end
  assert(#users > 0 and #skus > 0, "no users or no SKUs")
  math.randomseed(tonumber(args[4] or "1") + (thread_index or 0) * 7919)
  position = ((thread_index or 0) * 37) % #users
end

local function body_for(user)
  if mode == "hot" then
    return '{"lines": [{"sku_id": ' .. skus[1] .. ', "quantity": 1}], "address_id": ' .. user.address .. "}"
  end
  local first = math.random(#skus)
  local lines = { '{"sku_id": ' .. skus[first] .. ', "quantity": ' .. math.random(2) .. "}" }
  if #skus > 1 and math.random(2) == 2 then
    local second = math.random(#skus - 1)
    if second >= first then
      second = second + 1 -- a different SKU from the first
    end
    lines[2] = '{"sku_id": ' .. skus[second] .. ', "quantity": ' .. math.random(2) .. "}"
  end
  return '{"lines": [' .. table.concat(lines, ", ") .. '], "address_id": ' .. user.address .. "}"
end

function request()
  position = position % #users + 1
  return wrk.format("POST", "/api/v1/orders", headers_by_user[position], body_for(users[position]))
end

function response(status, headers, body)
  status_counts[status] = (status_counts[status] or 0) + 1
  if status == 201 then
    created = created + 1
    local id = body:match('^{"id":%s*(%d+)')
    if id then
      order_ids[#order_ids + 1] = id
    end
    for quantity in body:gmatch('"quantity":%s*(%d+)') do
      units = units + tonumber(quantity)
    end
  else
    other_status = other_status + 1
    if sample_count < 3 then
      sample_count = sample_count + 1
      local text = string.sub(body or "", 1, 300):gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%c", " ")
      samples = samples .. (samples == "" and "" or ", ") .. '"' .. status .. ": " .. text .. '"'
    end
  end
  local parts = {}
  for code, count in pairs(status_counts) do
    parts[#parts + 1] = '"' .. code .. '": ' .. count
  end
  statuses = table.concat(parts, ", ")
end

function done(summary, latency, requests)
  local total_created, total_units, total_other = 0, 0, 0
  local all_statuses, all_samples, all_ids = {}, {}, {}
  for _, thread in ipairs(threads) do
    local ids = thread:get("order_ids")
    if #ids > 0 then
      all_ids[#all_ids + 1] = table.concat(ids, ", ")
    end
    total_created = total_created + thread:get("created")
    total_units = total_units + thread:get("units")
    total_other = total_other + thread:get("other_status")
    local s = thread:get("statuses")
    if s ~= "" then
      all_statuses[#all_statuses + 1] = s
    end
    local m = thread:get("samples")
    if m ~= "" then
      all_samples[#all_samples + 1] = m
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "mean_us": %.1f, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "connect_errors": %.0f, ' ..
    '"read_errors": %.0f, "write_errors": %.0f, "timeouts": %.0f, "non_2xx_3xx": %.0f, ' ..
    '"created": %.0f, "units": %.0f, "other_status": %.0f, "status_lists": [%s], "samples": [%s], "order_ids": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status,
    total_created, total_units, total_other,
    "{" .. table.concat(all_statuses, "}, {") .. "}", table.concat(all_samples, ", "),
    table.concat(all_ids, ", ")
  ))
end
