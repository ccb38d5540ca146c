-- Web refreshes, each with a refresh token never sent before. Arguments: the spec file, the
-- file of Cookie headers (one fresh session a line) and the number of threads. Thread i sends
-- lines i+1, i+1+n, i+1+2n, ... so no two requests ever carry the same token.
package.path = "./?.lua;" .. package.path
local common = require("common")

local spec
local cookies = {}
local next_cookie = 1

function init(args)
  spec = common.read_spec(args[1])
  local thread_count = tonumber(args[3])
  local line_number = 0
  for line in io.lines(args[2]) do
    if line_number % thread_count == thread_index then
      table.insert(cookies, line)
    end
    line_number = line_number + 1
  end
end

function request()
  local headers = {}
  for name, value in pairs(spec.headers) do
    headers[name] = value
  end
  local cookie = cookies[next_cookie]
  if cookie then
    headers["Cookie"] = cookie
    next_cookie = next_cookie + 1
  else
    -- Out of fresh tokens: send none (the server answers 401, counted), never a used one.
    exhausted = exhausted + 1
  end
  return wrk.format(spec.method, spec.path, headers, spec.body)
end

setup = common.setup
response = common.response
done = common.done
