-- wrk script: POST a JSON body (or GET with METHOD=GET), rotating through bearer tokens (one per line
-- in the file named by TOKENS_FILE; none for unauthenticated endpoints).
-- In BODY, {n} becomes a request counter and {u} a random number from 1 to USERS (for logins
-- spread over a seeded user table).
local tokens = {}
local file = os.getenv("TOKENS_FILE")
if file and file ~= "" then
  for line in io.lines(file) do tokens[#tokens + 1] = line end
end
local body = os.getenv("BODY") or "{}"
local method = os.getenv("METHOD") or "POST"
local users = tonumber(os.getenv("USERS") or "1")
local counter = 0

init = function(args)
  -- Each wrk thread has its own Lua state; seed them apart.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

request = function()
  counter = counter + 1
  local headers = {}
  if #tokens > 0 then
    headers["authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  end
  if method == "GET" then return wrk.format("GET", nil, headers, nil) end
  headers["content-type"] = "application/json"
  local this_body = body:gsub("{n}", tostring(counter)):gsub("{u}", tostring(math.random(users)))
  return wrk.format(method, nil, headers, this_body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests))
end
