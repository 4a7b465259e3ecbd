-- wrk script for benchmarks/wrk.py. benchmarks/wrk.py prepends a `cfg` table:
--   cfg = {method=, path=, headers={}, body=nil|string, pool={...}, pooled=bool, threads=N,
--          chain=nil|"field", capture=nil|"field"}
-- A pooled job fills "@ITEM@" in path, headers and body with an item used once; `chain` puts the
-- named JSON field of each 2xx response back into the pool (a rotated refresh token), `capture`
-- collects it (new applyNo values). done() prints one line "BENCH_JSON {...}" for wrk.py to read.

local threads = {}
local made = 0

function setup(thread)
  made = made + 1
  local mine = {}
  for i, item in ipairs(cfg.pool) do
    if (i - 1) % cfg.threads == made - 1 then table.insert(mine, item) end
  end
  thread:set("pool", mine)
  thread:set("id", made)
  table.insert(threads, thread)
end

local function field_pattern(name)
  return '"' .. name .. '"%s*:%s*"([^"]*)"'
end

local function fill(text, item)
  if text == nil or item == nil then return text end
  local escaped = item:gsub("%%", "%%%%")
  return (text:gsub("@ITEM@", escaped))
end

-- wrk.format writes Host and Content-Length into the table it is given: always hand it a fresh one.
local function headers_for(item)
  local headers = {}
  for k, v in pairs(cfg.headers) do headers[k] = fill(v, item) end
  return headers
end

local function make(item)
  return wrk.format(cfg.method, fill(cfg.path, item), headers_for(item), fill(cfg.body, item))
end

function init(args)
  head, tail = 1, #pool
  -- wrk calls request() once in the first thread to check the script before any connection: that
  -- call must not use up an item.
  verifying = (id == 1)
  statuses = {}
  captured = {}
  exhausted = 0
  chain_pattern = cfg.chain and field_pattern(cfg.chain) or nil
  capture_pattern = cfg.capture and field_pattern(cfg.capture) or nil
  fixed = not cfg.pooled and make(nil) or nil
end

function request()
  if fixed then return fixed end
  if verifying then
    verifying = false
    return make("verify")
  end
  local item = head <= tail and pool[head] or nil
  if item == nil then
    -- The pool ran dry: stop this thread; the one request still needed is sent but not to a real item.
    exhausted = exhausted + 1
    wrk.thread:stop()
    item = "exhausted"
  else
    pool[head] = nil
    head = head + 1
  end
  return make(item)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status < 200 or status >= 300 then return end
  if chain_pattern then
    local value = body:match(chain_pattern)
    if value then tail = tail + 1; pool[tail] = value end
  end
  if capture_pattern then
    local value = body:match(capture_pattern)
    if value then table.insert(captured, value) end
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local status_parts, captured_parts, dry = {}, {}, 0
  local merged = {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("statuses") or {}) do merged[k] = (merged[k] or 0) + v end
    for _, v in ipairs(thread:get("captured") or {}) do table.insert(captured_parts, json_string(v)) end
    dry = dry + (thread:get("exhausted") or 0)
  end
  for k, v in pairs(merged) do table.insert(status_parts, string.format('"%s":%d', k, v)) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,' ..
    '"statuses":{%s},"captured":[%s],"exhausted":%d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99),
    table.concat(status_parts, ","), table.concat(captured_parts, ","), dry))
end
