-- wrk: POST one aspirasi per request, each with its own idempotency key
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"category":"sampah","description":"Benchmark report","anonymous":true,' ..
               '"location":{"lat":-6.178,"long":106.632}}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["Idempotency-Key"] = "bench-" .. os.time() .. "-" .. counter}, body)
end
