-- wrk script: POST {} with a DPoP-bound token and a proof used once each, from
-- the lines "token proof" of PROOFS_FILE (end2end/bench/dpop-proofs.mjs).
-- Each thread takes every THREADS-th line from its own offset, so no proof is
-- sent twice (the server would refuse a replay); past the last line the
-- answers are 401s, counted as non2xx: make the file long enough.
local threads = {}
local next_index = 0

setup = function(thread)
  thread:set("offset", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local lines = {}
local counter = 0
local stride = 2

init = function(args)
  for line in io.lines(os.getenv("PROOFS_FILE")) do lines[#lines + 1] = line end
  stride = tonumber(os.getenv("THREADS") or "2")
end

request = function()
  local index = offset + counter * stride + 1
  counter = counter + 1
  local line = lines[((index - 1) % #lines) + 1]
  local token, proof = line:match("^(%S+) (%S+)$")
  return wrk.format("POST", nil, {
    ["content-type"] = "application/json",
    ["authorization"] = "DPoP " .. token,
    ["dpop"] = proof,
  }, "{}")
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests))
end
