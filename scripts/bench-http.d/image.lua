-- wrk script: POST /v1/search with a multipart/form-data upload of real photos (round robin).
-- Usage: wrk ... -s image.lua URL -- PHOTO [PHOTO...]
local bodies = {}
local boundary = "vsearchbenchboundary7MA4YWxkTrZu0gW"
local counter = 0

function init(args)
  for _, path in ipairs(args) do
    local file = assert(io.open(path, "rb"))
    local bytes = file:read("*all")
    file:close()
    local name = path:match("([^/]+)$")
    local kind = name:match("%.png$") and "image/png" or "image/jpeg"
    bodies[#bodies + 1] = "--" .. boundary .. "\r\n" ..
      "Content-Disposition: form-data; name=\"image\"; filename=\"" .. name .. "\"\r\n" ..
      "Content-Type: " .. kind .. "\r\n\r\n" .. bytes .. "\r\n" ..
      "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\n10\r\n" ..
      "--" .. boundary .. "--\r\n"
  end
end

function request()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/v1/search", { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
