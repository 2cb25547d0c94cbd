-- wrk script: every request comes from a different resident, as seen through one trusted
-- reverse proxy (X-Forwarded-For; the app runs with TRUSTED_PROXY_COUNT=1). Per-IP rate limits
-- then work as in production instead of piling one loopback address's history into one counter.
math.randomseed(os.time())

request = function()
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, nil, headers)
end
