-- wrk script: GET expansion-context for a random customer of the synthetic workspace.
local customers = tonumber(os.getenv("CUSTOMERS") or "100000")
local token = os.getenv("TOKEN")
math.randomseed(42)
request = function()
  local path = "/api/customers/c" .. math.random(0, customers - 1) .. "/expansion-context"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
